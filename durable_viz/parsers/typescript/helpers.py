"""Helper functions that receive the context: finding them (nested, module-level, class
methods, imported from relative modules) and inlining them where they are called, with their
arguments bound to their parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node, Via
from durable_viz.parsers.typescript.declared import declare_params
from durable_viz.parsers.typescript.module import FunctionInfo, ModuleInfo, text
from durable_viz.parsers.typescript.patterns import MISSING, bind_pattern, missing
from durable_viz.parsers.typescript.syntax import (
    arguments,
    member_parts,
    param_default,
    param_pattern,
    unwrap,
)
from durable_viz.parsers.typescript.values import Scope

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.patterns import Bound

__all__ = ["MAX_INLINE_DEPTH", "Helpers"]

MAX_INLINE_DEPTH = 8
"""How many helper calls deep the analysis follows."""

ModuleLoader = Callable[[ModuleInfo, str], "ModuleInfo | None"]


class Helpers:
    """Finding and inlining helpers; :class:`~.analyzer.Analyzer` supplies the rest."""

    load_module: ModuleLoader
    break_targets: list[tuple[str, str | None]]

    def warn(self, code: str, message: str, at: Syntax, scope: Scope) -> None:
        raise NotImplementedError

    def scan(self, expression: Syntax | None, scope: Scope) -> list[Node]:
        raise NotImplementedError

    def forget_pattern(self, pattern: Syntax, scope: Scope) -> None:
        raise NotImplementedError

    def function_body(self, function: Syntax, scope: Scope, exits: str) -> list[Node]:
        raise NotImplementedError

    @staticmethod
    def key(function: FunctionInfo) -> str:
        """Identifies a function across modules (for recursion bounds)."""
        return f"{function.module.display}:{function.name}:{function.node.start_byte}"

    def find_function(self, callee: Syntax, scope: Scope) -> FunctionInfo | None:
        """The function a callee names: nested, module-level, a class method, or imported."""
        callee = unwrap(callee)
        if callee.type == "identifier":
            name = text(callee)
            found = scope.functions.get(name) or scope.module.functions.get(name)
            if found is not None:
                return found
            bound = scope.values.get(name)
            if bound is not None and unwrap(bound[0]).type in (
                "arrow_function",
                "function_expression",
            ):
                return FunctionInfo(unwrap(bound[0]), name, bound[1].module)
            imported = scope.module.imports.get(name)
            if imported is not None and imported[1] is not None:
                other = self.load_module(scope.module, imported[0])
                return other.functions.get(imported[1]) if other is not None else None
            return None
        parts = member_parts(callee)
        if parts is None:
            return None
        owner, method = parts
        if owner.type == "identifier":
            imported = scope.module.imports.get(text(owner))
            if imported is not None:
                other = self.load_module(scope.module, imported[0])
                if other is None:
                    return None
                return other.functions.get(method) or _method(other, method)
            found = scope.module.functions.get(f"{text(owner)}.{method}")
            if found is not None:
                return found
        if owner.type in ("this", "identifier", "new_expression", "call_expression"):
            return _method(scope.module, method)
        return None

    def enter(self, function: FunctionInfo, call: Syntax, scope: Scope) -> Scope | None:
        """A scope for analysing ``function``'s body, or None when recursion or depth forbid."""
        key = self.key(function)
        if key in scope.stack:
            self.warn(
                "DV103",
                f"{function.name} calls itself; the recursive call is drawn once",
                call,
                scope,
            )
            return None
        if len(scope.stack) > MAX_INLINE_DEPTH:
            self.warn(
                "DV104",
                f"helpers nested more than {MAX_INLINE_DEPTH} deep; "
                f"{function.name} is not followed",
                call,
                scope,
            )
            return None
        if scope.functions.get(function.name) is function:
            # A function nested in the one being analysed is a closure: it sees its names.
            inner = scope.child()
            inner.stack = (*scope.stack, key)
            return inner
        return Scope(
            function.module, stack=(*scope.stack, key), via=scope.via, pending=scope.pending
        )

    def inline(self, function: FunctionInfo, call: Syntax, scope: Scope) -> list[Node]:
        """The operations of a helper that receives the context, where it is called."""
        args = arguments(call)
        before: list[Node] = []
        for arg in args:
            plain = unwrap(arg)
            if not (plain.type == "identifier" and text(plain) in scope.contexts):
                before.extend(self.scan(arg, scope))
        inner = self.enter(function, call, scope)
        if inner is None:
            return before
        line = scope.module.source.position(call)[0]
        inner.via = Via(function.name, line)
        self.bind_arguments(function, args, inner, scope)
        saved = self.break_targets
        self.break_targets = []
        try:
            nodes = self.function_body(function.node, inner, "function")
        finally:
            self.break_targets = saved
        wrapper = Node(
            kind=Kind.SCOPE,
            label=function.name,
            line=line,
            column=1,
            blocks=(Block(role="body", nodes=tuple(nodes)),),
        )
        return [*before, wrapper]

    def bind_arguments(
        self, function: FunctionInfo, args: list[Syntax], inner: Scope, outer: Scope
    ) -> None:
        """Bind a call's arguments to a function's parameters (defaults where none is given).

        Destructuring parameters (``{ name, amount = 1 }``, ``[a, b]``, nested) take what an
        object or array literal argument shows; anything else they bind is unknown.
        """
        for position, param in enumerate(function.params):
            pattern = param_pattern(param)
            if pattern.type == "rest_pattern":
                self.forget_pattern(pattern, inner)
                break
            value: Bound = (args[position], outer) if position < len(args) else MISSING
            default = param_default(param)
            if default is not None and missing(value):
                value = (default, inner)
            bind_pattern(pattern, value, inner)
        declare_params(function.node, inner, function.module)


def _method(module: ModuleInfo, method: str) -> FunctionInfo | None:
    """A class method of a module by its name (``this.m(...)``, ``new Flow().m(...)``)."""
    suffix = f".{method}"
    return next((f for key, f in module.functions.items() if key.endswith(suffix)), None)
