"""What a TypeScript/JavaScript module declares that the analysis needs: imports, constants,
enums, functions (declarations, ``const`` arrows, class methods) and durable handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from durable_viz.parsers.base import one_line
from durable_viz.parsers.treesitter import Source
from durable_viz.parsers.typescript.syntax import (
    arguments,
    kids,
    member_parts,
    param_name,
    params,
    string_value,
    unwrap,
)
from durable_viz.parsers.typescript.syntax import (
    callee as call_callee,
)
from durable_viz.parsers.typescript.syntax import field as child

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["SDK_PACKAGE", "FunctionInfo", "HandlerInfo", "ModuleInfo", "grammar_for"]

SDK_PACKAGE = "@aws/durable-execution-sdk-js"

_GRAMMARS = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
}


def grammar_for(path: Path) -> str:
    """The tree-sitter grammar for a file extension (TypeScript when it is unknown)."""
    return _GRAMMARS.get(path.suffix.lower(), "typescript")


def text(node: Node) -> str:
    """A node's source text (tree-sitter keeps the bytes)."""
    return node.text.decode("utf-8", "replace") if node.text else ""


@dataclass(eq=False)
class FunctionInfo:
    """A function the analysis may inline: its node, its name and the module defining it."""

    node: Node
    name: str
    module: ModuleInfo

    @property
    def params(self) -> list[Node]:
        """Its parameters, in order."""
        return params(self.node)

    @property
    def param_names(self) -> list[str | None]:
        """The names its parameters bind (None for destructuring patterns)."""
        return [param_name(p) for p in self.params]


@dataclass(eq=False)
class HandlerInfo:
    """One ``withDurableExecution(...)`` call: the workflow's name and the function it wraps."""

    name: str
    call: Node
    function: Node | None
    """The wrapped function literal, or None when ``target`` names it."""
    target: Node | None = None
    """The identifier naming the wrapped function (declared here or imported)."""
    recovered: tuple[Node | None, list[Node]] | None = None
    """For a handler read out of a syntax-error region: its parameters and body statements."""


@dataclass(eq=False)
class ModuleInfo:
    """One parsed TypeScript or JavaScript module."""

    path: Path
    display: str
    source: Source
    is_main: bool = True
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Local name -> (module specifier, exported name; None for a namespace import)."""
    constants: dict[str, Node] = field(default_factory=dict)
    members: dict[str, Node] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    handlers: list[HandlerInfo] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    """Exported name by local name (``export { processOrder as handler }``)."""
    types: dict[str, Node] = field(default_factory=dict)
    """Type declarations by name: a ``type`` alias's value, an interface or class itself."""
    declared: dict[str, Node] = field(default_factory=dict)
    """The type annotation of a module-level variable (``const FN: string = ...``)."""
    loop_changes: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    """The names each loop assigns, by the loop's byte range (see :mod:`.loops`)."""

    def __post_init__(self) -> None:
        root = self.source.root
        statements = [root] if root.type == "ERROR" else kids(root)
        for statement in statements:
            if statement.type == "ERROR":
                self._recover(statement)
            else:
                self._declare(statement, exported=False)
        for handler in self.handlers:
            handler.name = self.aliases.get(handler.name, handler.name)

    # -- lookups ---------------------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        """The folder holding the module (relative imports start here)."""
        return self.path.parent

    def code(self, node: Node, limit: int = 0) -> str:
        """The source text of a node on one line."""
        return one_line(self.source.text_of(node), limit)

    def sdk_name(self, callee: Node) -> str | None:
        """The SDK export a callee names (``withDurableExecution``, ``withRetry``...), if any."""
        callee = unwrap(callee)
        if callee.type == "identifier":
            name = text(callee)
            imported = self.imports.get(name)
            if imported is not None:
                specifier, exported = imported
                return exported if specifier == SDK_PACKAGE or not _relative(specifier) else None
            if name in self.functions:
                return None
            return name
        parts = member_parts(callee)
        if parts is not None and parts[0].type == "identifier":
            imported = self.imports.get(text(parts[0]))
            if imported is None or not _relative(imported[0]):
                return parts[1]
        return None

    # -- declarations ----------------------------------------------------------------------------

    def _declare(self, statement: Node, *, exported: bool) -> None:
        kind = statement.type
        if kind == "import_statement":
            self._import(statement)
        elif kind == "export_statement":
            self._export(statement)
        elif kind in ("function_declaration", "generator_function_declaration"):
            name = child(statement, "name")
            if name is not None:
                self.functions[text(name)] = FunctionInfo(statement, text(name), self)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in kids(statement):
                if declarator.type == "variable_declarator":
                    self._variable(declarator)
        elif kind in ("class_declaration", "abstract_class_declaration"):
            self._class(statement)
            self._type(statement)
        elif kind in ("type_alias_declaration", "interface_declaration"):
            self._type(statement)
        elif kind == "ambient_declaration":  # ``declare const FN: string;``
            for inner in kids(statement):
                self._declare(inner, exported=exported)
        elif kind == "enum_declaration":
            self._enum(statement)
        elif kind == "expression_statement":
            for expression in kids(statement):
                self._expression(unwrap(expression))

    def _recover(self, error: Node) -> None:
        """Declarations and a handler inside a region tree-sitter could not read as a whole
        (an unclosed handler body swallows the rest of the file into one ERROR node)."""
        parts = error.children
        for part in parts:
            if part.is_named and part.type != "ERROR" and not part.type.endswith("expression"):
                self._declare(part, exported=False)
        for index, part in enumerate(parts[:-1]):
            if part.type != "identifier" or parts[index + 1].type != "(":
                continue
            if self.sdk_name(part) != "withDurableExecution":
                continue
            name = "handler"
            if (
                index >= 2
                and parts[index - 1].type == "="
                and parts[index - 2].type == "identifier"
            ):
                name = text(parts[index - 2])
            rest = parts[index + 2 :]
            signature = next((p for p in rest if p.type == "formal_parameters"), None)
            opening = next((i for i, p in enumerate(rest) if p.type == "{"), None)
            if opening is None:
                continue
            body = [p for p in rest[opening + 1 :] if p.is_named and p.type != "comment"]
            self.handlers.append(HandlerInfo(name, part, None, None, (signature, body)))

    def _import(self, statement: Node) -> None:
        source = child(statement, "source")
        specifier = string_value(source) if source is not None else None
        if specifier is None:
            return
        for clause in kids(statement):
            if clause.type != "import_clause":
                continue
            for part in kids(clause):
                if part.type == "identifier":  # default import
                    self.imports[text(part)] = (specifier, "default")
                elif part.type == "namespace_import":
                    for bound in kids(part):
                        if bound.type == "identifier":
                            self.imports[text(bound)] = (specifier, None)
                elif part.type == "named_imports":
                    for spec in kids(part):
                        original = child(spec, "name")
                        alias = child(spec, "alias")
                        if original is not None:
                            local = text(alias) if alias is not None else text(original)
                            self.imports[local] = (specifier, text(original))

    def _export(self, statement: Node) -> None:
        declaration = child(statement, "declaration")
        if declaration is not None:
            self._declare(declaration, exported=True)
            return
        value = child(statement, "value")
        if value is not None:  # ``export default ...``
            value = unwrap(value)
            if value.type in ("function_declaration", "function_expression", "class_declaration"):
                self._declare(value, exported=True)
            self._expression(value, "default")
            return
        for clause in kids(statement):
            if clause.type == "export_clause":
                for spec in kids(clause):
                    name = child(spec, "name")
                    alias = child(spec, "alias")
                    if name is not None and alias is not None:
                        self.aliases[text(name)] = text(alias)

    def _type(self, statement: Node) -> None:
        name = child(statement, "name")
        if name is None:
            return
        value = child(statement, "value") if statement.type == "type_alias_declaration" else None
        self.types[text(name)] = value if value is not None else statement

    def _variable(self, declarator: Node) -> None:
        name_node = child(declarator, "name")
        value = child(declarator, "value")
        annotation = child(declarator, "type")
        if annotation is not None and name_node is not None and name_node.type == "identifier":
            self.declared[text(name_node)] = annotation
        if name_node is None or value is None:
            return
        value = unwrap(value)
        if name_node.type == "object_pattern" and _require(value) is not None:
            specifier = str(_require(value))
            for part in kids(name_node):
                if part.type == "shorthand_property_identifier_pattern":
                    self.imports[text(part)] = (specifier, text(part))
                elif part.type == "pair_pattern":
                    key, local = child(part, "key"), child(part, "value")
                    if key is not None and local is not None and local.type == "identifier":
                        self.imports[text(local)] = (specifier, text(key))
            return
        if name_node.type != "identifier":
            return
        name = text(name_node)
        if value.type in ("arrow_function", "function_expression", "function"):
            self.functions[name] = FunctionInfo(value, name, self)
            return
        required = _require(value)
        if required is not None:
            self.imports[name] = (required, None)
            return
        self.constants[name] = value
        self._expression(value, name)

    def _class(self, statement: Node) -> None:
        name = child(statement, "name")
        body = child(statement, "body")
        if name is None or body is None:
            return
        for member in kids(body):
            if member.type == "method_definition":
                method = child(member, "name")
                if method is not None:
                    key = f"{text(name)}.{text(method)}"
                    self.functions[key] = FunctionInfo(member, text(method), self)

    def _enum(self, statement: Node) -> None:
        name = child(statement, "name")
        body = child(statement, "body")
        if name is None or body is None:
            return
        for member in kids(body):
            if member.type == "enum_assignment":
                key, value = child(member, "name"), child(member, "value")
                if key is not None and value is not None:
                    self.members[f"{text(name)}.{text(key)}"] = value

    def _expression(self, expression: Node, binding: str | None = None) -> None:
        """Top-level expressions: ``withDurableExecution`` calls and CommonJS exports."""
        if expression.type == "assignment_expression":
            left, right = child(expression, "left"), child(expression, "right")
            if left is None or right is None:
                return
            parts = member_parts(left)
            exported = parts[1] if parts is not None else text(left)
            # ``module.exports = ...`` exports the module itself: name it like a default export.
            self._expression(unwrap(right), "default" if exported == "exports" else exported)
            return
        if expression.type != "call_expression":
            return
        wrapper = call_callee(expression)
        if wrapper is None:
            return
        if self.sdk_name(wrapper) != "withDurableExecution":
            # Middleware around the handler: ``export const handler = middy(withDurable...)``.
            chained = member_parts(wrapper)
            for inner in [*arguments(expression), *([chained[0]] if chained else [])]:
                self._expression(unwrap(inner), binding)
            return
        args = arguments(expression)
        if not args:
            return
        wrapped = unwrap(args[0])
        function: Node | None = None
        target: Node | None = None
        name: str | None = binding
        if wrapped.type == "identifier":
            target = wrapped
            name = name if name not in (None, "default") else text(wrapped)
        elif wrapped.type in ("arrow_function", "function_expression", "function"):
            function = wrapped
            own = child(wrapped, "name")
            if name in (None, "default") and own is not None:
                name = text(own)
        else:
            return
        if name == "default":
            name = "handler"
        self.handlers.append(HandlerInfo(name or "handler", expression, function, target))


def _relative(specifier: str) -> bool:
    return specifier.startswith(".")


def _require(value: Node) -> str | None:
    """The module a ``require("...")`` call names."""
    if value.type != "call_expression":
        return None
    function = call_callee(value)
    if function is None or function.type != "identifier" or text(function) != "require":
        return None
    args = arguments(value)
    return string_value(args[0]) if args else None
