"""What a Python module declares that the analysis needs: imports, constants, enums, functions
and durable handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import libcst as cst

from durable_viz.parsers.base import one_line
from durable_viz.parsers.python.positions import Positions

__all__ = ["SDK_ROOT", "FunctionInfo", "ModuleInfo"]

SDK_ROOT = "aws_durable_execution_sdk_python"

DECORATORS = frozenset(
    {
        "durable_execution",
        "durable_step",
        "durable_with_child_context",
        "durable_wait_for_callback",
        "durable_parallel_branch",
    }
)

SDK_EXPORTS = DECORATORS | {
    "with_retry",
    "ParallelBranch",
    "Duration",
    "StepConfig",
    "MapConfig",
    "ParallelConfig",
    "InvokeConfig",
    "ChildConfig",
    "CallbackConfig",
    "WaitForCallbackConfig",
    "WaitForConditionConfig",
    "WithRetryConfig",
    "CompletionConfig",
    "NestingType",
    "StepSemantics",
    "RetryPresets",
    "RetryStrategyConfig",
    "LinearRetryStrategyConfig",
    "create_retry_strategy",
    "create_linear_retry_strategy",
    "create_wait_strategy",
    "WaitStrategyConfig",
    "DurableContext",
}
"""SDK names recognised even when their import is not visible (star imports, re-exports)."""


@dataclass(eq=False)
class FunctionInfo:
    """A function defined in a module (at top level, in a class, or nested in a function).

    Attributes:
        node: its definition.
        module: the module that defines it.
        decorator: the durable decorator on it (``durable_step``, ...), if any.
        decorator_call: the decorator's call, for decorators with arguments.
    """

    node: cst.FunctionDef
    module: ModuleInfo
    decorator: str | None = None
    decorator_call: cst.Call | None = None

    @property
    def name(self) -> str:
        """The function's name."""
        return self.node.name.value

    @property
    def params(self) -> list[cst.Param]:
        """Positional parameters in order (positional-only first)."""
        p = self.node.params
        return [*p.posonly_params, *p.params]

    @property
    def line(self) -> int:
        """The line of its ``def``."""
        return self.module.positions.line(self.node)


@dataclass(eq=False)
class ModuleInfo:
    """One parsed Python module and the declarations the analysis looks up."""

    path: Path
    display: str
    source: str
    tree: cst.Module
    positions: Positions
    is_main: bool = True
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    constants: dict[str, cst.BaseExpression] = field(default_factory=dict)
    members: dict[str, cst.BaseExpression] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    handlers: list[FunctionInfo] = field(default_factory=list)

    def __post_init__(self) -> None:
        for statement in self.tree.body:
            self._declare(statement)

    # -- lookups ---------------------------------------------------------------------------------

    def code(self, node: cst.CSTNode, limit: int = 0) -> str:
        """The source text of a node on one line."""
        return one_line(self.tree.code_for_node(node), limit)

    def sdk_name(self, expression: cst.BaseExpression) -> str | None:
        """The SDK export an expression names (``durable_step``, ``StepConfig``...), if any."""
        if isinstance(expression, cst.Name):
            imported = self.imports.get(expression.value)
            if imported is not None:
                module, attribute = imported
                if module.split(".")[0] == SDK_ROOT and attribute is not None:
                    return attribute
                return None
            if expression.value in self.functions or expression.value in self.constants:
                return None
            return expression.value if expression.value in SDK_EXPORTS else None
        if isinstance(expression, cst.Attribute):
            root: cst.BaseExpression = expression.value
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name):
                imported = self.imports.get(root.value)
                if imported is not None and imported[0].split(".")[0] == SDK_ROOT:
                    return expression.attr.value
                if root.value == SDK_ROOT:
                    return expression.attr.value
        return None

    @cached_property
    def folder(self) -> Path:
        """The folder holding the module."""
        return self.path.parent

    # -- declarations ----------------------------------------------------------------------------

    def _declare(self, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self._declare_small(small)
        elif isinstance(statement, cst.FunctionDef):
            info = self._function(statement)
            self.functions[info.name] = info
            if info.decorator == "durable_execution":
                self.handlers.append(info)
        elif isinstance(statement, cst.ClassDef):
            self._declare_class(statement)
        elif isinstance(statement, (cst.If, cst.Try)):
            # ``if TYPE_CHECKING:`` and ``try: import x except ImportError:`` blocks declare too.
            for inner in _suite(statement.body):
                self._declare(inner)

    def _declare_small(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.ImportFrom):
            module = "." * len(small.relative) + (self.code(small.module) if small.module else "")
            if isinstance(small.names, cst.ImportStar):
                return
            for alias in small.names:
                local = alias.asname.name if alias.asname else alias.name
                if isinstance(local, cst.Name):
                    self.imports[local.value] = (module, self.code(alias.name))
        elif isinstance(small, cst.Import):
            for alias in small.names:
                dotted = self.code(alias.name)
                if alias.asname and isinstance(alias.asname.name, cst.Name):
                    self.imports[alias.asname.name.value] = (dotted, None)
                else:
                    self.imports[dotted.split(".")[0]] = (dotted.split(".")[0], None)
        elif isinstance(small, cst.Assign) and small.value is not None:
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    self.constants[target.target.value] = small.value
        elif (
            isinstance(small, cst.AnnAssign)
            and small.value is not None
            and isinstance(small.target, cst.Name)
        ):
            self.constants[small.target.value] = small.value

    def _declare_class(self, node: cst.ClassDef) -> None:
        for statement in _suite(node.body):
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target = small.targets[0].target
                        if isinstance(target, cst.Name):
                            self.members[f"{node.name.value}.{target.value}"] = small.value
                    elif (
                        isinstance(small, cst.AnnAssign)
                        and small.value is not None
                        and isinstance(small.target, cst.Name)
                    ):
                        self.members[f"{node.name.value}.{small.target.value}"] = small.value
            elif isinstance(statement, cst.FunctionDef):
                info = self._function(statement)
                self.functions.setdefault(f"{node.name.value}.{info.name}", info)
                if info.decorator == "durable_execution":
                    self.handlers.append(info)

    def _function(self, node: cst.FunctionDef) -> FunctionInfo:
        for decorator in node.decorators:
            expression = decorator.decorator
            call = expression if isinstance(expression, cst.Call) else None
            target = call.func if call is not None else expression
            name = self.sdk_name(target)
            if name is None and isinstance(target, (cst.Name, cst.Attribute)):
                # A decorator imported from elsewhere under its SDK name still counts.
                last = target.value if isinstance(target, cst.Name) else target.attr.value
                name = last if last in DECORATORS and last not in self.functions else None
            if name in DECORATORS:
                return FunctionInfo(node, self, name, call)
        return FunctionInfo(node, self)

    def local_function(self, node: cst.FunctionDef) -> FunctionInfo:
        """Info for a function nested in another one."""
        return self._function(node)


def _suite(body: cst.BaseSuite) -> tuple[cst.CSTNode, ...]:
    if isinstance(body, cst.IndentedBlock):
        return tuple(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return (cst.SimpleStatementLine(body=body.body),)
    return ()


def suite(body: cst.BaseSuite) -> tuple[cst.CSTNode, ...]:
    """The statements of a block, whether indented or on the header's line."""
    return _suite(body)
