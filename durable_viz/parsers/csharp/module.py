"""What a C# file declares that the analysis needs: classes with their constant fields and
methods, top-level statements, and the places that declare durable workflows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from durable_viz.parsers.base import one_line
from durable_viz.parsers.csharp.syntax import (
    ancestors,
    callee,
    descendants,
    last_name,
    named,
    text,
)
from durable_viz.parsers.csharp.syntax import field as child

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.treesitter import Source

__all__ = ["CONTEXT_TYPE", "ClassInfo", "CSharpFile", "MethodInfo", "Param"]

CONTEXT_TYPE = "IDurableContext"
"""The SDK's context interface: a parameter of this type receives the durable context."""

_TYPE_DECLARATIONS = frozenset(
    {
        "class_declaration",
        "struct_declaration",
        "record_declaration",
        "record_struct_declaration",
        "interface_declaration",
    }
)
_NAMESPACES = frozenset({"namespace_declaration", "file_scoped_namespace_declaration"})
_METHODS = frozenset({"method_declaration", "local_function_statement"})
_CONSTANT_MODIFIERS = frozenset({"const", "readonly"})
_ATTRIBUTE = "DurableExecution"


@dataclass(frozen=True, slots=True)
class Param:
    """A method or lambda parameter: its name, its type as written, and its default value."""

    name: str
    type: str
    default: Node | None = None

    @property
    def is_context(self) -> bool:
        """Typed as the durable context."""
        return last_type_name(self.type) == CONTEXT_TYPE


def last_type_name(type_text: str) -> str:
    """``Amazon.Lambda.DurableExecution.IDurableContext?`` gives ``IDurableContext``."""
    return type_text.rstrip("?").split("<")[0].rsplit(".", 1)[-1].strip()


def params_of(parameter_list: Node | None) -> list[Param]:
    """The parameters of a ``parameter_list`` (or of a lambda's single bare parameter)."""
    if parameter_list is None:
        return []
    if parameter_list.type in ("identifier", "implicit_parameter"):
        return [Param(text(parameter_list), "")]
    found: list[Param] = []
    for parameter in named(parameter_list):
        if parameter.type != "parameter":
            continue
        name = child(parameter, "name")
        type_node = child(parameter, "type")
        default = next(
            (c for c in named(parameter) if c not in (name, type_node)),
            None,
        )
        if default is not None and default.type in ("modifier", "attribute_list"):
            default = None
        found.append(
            Param(
                text(name) if name is not None else "_",
                text(type_node) if type_node is not None else "",
                default,
            )
        )
    return found


@dataclass(eq=False)
class MethodInfo:
    """A method or local function.

    Attributes:
        node: its declaration.
        file: the file declaring it.
        owner: the class declaring it (``None`` for a top-level local function).
        name: its name.
        params: its parameters in order.
        body: its ``block`` or ``arrow_expression_clause``.
    """

    node: Node
    file: CSharpFile
    owner: ClassInfo | None
    name: str
    params: list[Param]
    body: Node | None

    @property
    def line(self) -> int:
        """The line of its name."""
        name = child(self.node, "name")
        return self.file.source.position(name if name is not None else self.node)[0]

    @property
    def key(self) -> str:
        """Identifies the method across files (bounds recursion)."""
        return f"{self.file.display}:{self.name}:{self.node.start_byte}"

    @property
    def attributes(self) -> list[str]:
        """The names of its attributes (``LambdaFunction``, ``DurableExecution``...)."""
        names: list[str] = []
        for attribute_list in named(self.node):
            if attribute_list.type != "attribute_list":
                continue
            for attribute in named(attribute_list):
                name = child(attribute, "name")
                if attribute.type == "attribute" and name is not None:
                    names.append(last_name(name) or "")
        return names


def method_of(node: Node, file: CSharpFile, owner: ClassInfo | None) -> MethodInfo | None:
    """Info for a ``method_declaration`` or ``local_function_statement``."""
    name = child(node, "name")
    if name is None:
        return None
    return MethodInfo(
        node, file, owner, text(name), params_of(child(node, "parameters")), child(node, "body")
    )


@dataclass(eq=False)
class ClassInfo:
    """A class, struct, record or interface: its constant members, the names of its other
    fields, and its methods."""

    name: str
    node: Node
    file: CSharpFile
    outer: ClassInfo | None = None
    constants: dict[str, Node] = field(default_factory=dict)
    methods: dict[str, list[MethodInfo]] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)

    def method(self, name: str, arity: int | None = None) -> MethodInfo | None:
        """The method called ``name`` (the overload taking ``arity`` arguments if there are
        several), here or in an enclosing class."""
        scope: ClassInfo | None = self
        while scope is not None:
            overloads = scope.methods.get(name)
            if overloads:
                if arity is not None:
                    for overload in overloads:
                        required = sum(1 for p in overload.params if p.default is None)
                        if required <= arity <= len(overload.params):
                            return overload
                return overloads[0]
            scope = scope.outer
        return None

    def constant(self, name: str) -> Node | None:
        """A constant member's value expression, here or in an enclosing class."""
        scope: ClassInfo | None = self
        while scope is not None:
            found = scope.constants.get(name)
            if found is not None:
                return found
            scope = scope.outer
        return None


@dataclass(eq=False)
class CSharpFile:
    """One parsed C# file and the declarations the analysis looks up."""

    path: Path
    display: str
    source: Source
    is_main: bool = True
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    top_functions: dict[str, MethodInfo] = field(default_factory=dict)
    top_constants: dict[str, Node] = field(default_factory=dict)
    wraps: list[Node] = field(default_factory=list)
    annotated: list[MethodInfo] = field(default_factory=list)
    methods_by_node: dict[int, MethodInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._declare(self.source.root, None)
        self._find_handlers()

    def code(self, node: Node, limit: int = 0) -> str:
        """The source text of a node on one line."""
        return one_line(self.source.text_of(node), limit)

    def position(self, node: Node) -> tuple[int, int]:
        """1-based (line, column) of a node."""
        return self.source.position(node)

    def all_methods(self) -> list[MethodInfo]:
        """Every method of every class and every top-level function, in source order."""
        found = list(self.methods_by_node.values())
        return sorted(found, key=lambda m: m.node.start_byte)

    def enclosing(self, node: Node) -> tuple[MethodInfo | None, ClassInfo | None]:
        """The method (or local function) and the class around a node."""
        method_node: Node | None = None
        owner: ClassInfo | None = None
        for parent in ancestors(node):
            if parent.type in _METHODS and method_node is None:
                method_node = parent
            elif parent.type in _TYPE_DECLARATIONS:
                name = child(parent, "name")
                owner = self.classes.get(text(name)) if name is not None else None
                break
        method = self.method_at(method_node, owner) if method_node is not None else None
        return method, owner

    def method_at(self, node: Node, owner: ClassInfo | None) -> MethodInfo | None:
        """The info of the method or local function declared by ``node`` (made once)."""
        found = self.methods_by_node.get(node.start_byte)
        if found is not None and found.node == node:
            return found
        method = method_of(node, self, owner)
        if method is not None:
            self.methods_by_node[node.start_byte] = method
        return method

    def local_functions(self, container: Node) -> list[MethodInfo]:
        """The local functions declared in a method's body."""
        _, owner = self.enclosing(container)
        found: list[MethodInfo] = []
        for node in descendants(container, stop=_NO_HANDLERS_BELOW):
            if node.type == "local_function_statement":
                method = self.method_at(node, owner)
                if method is not None:
                    found.append(method)
        return found

    # -- declarations ----------------------------------------------------------------------------

    def _declare(self, container: Node, owner: ClassInfo | None) -> None:
        """Classes, members and top-level functions under a compilation unit or namespace."""
        for node in named(container):
            kind = node.type
            if kind in _NAMESPACES:
                body = child(node, "body")
                if body is not None:
                    self._declare(body, owner)
            elif kind in _TYPE_DECLARATIONS:
                self._declare_class(node, owner)
            elif kind == "declaration_list":
                self._declare(node, owner)
            elif kind == "global_statement":
                self._declare_top(node)

    def _declare_class(self, node: Node, outer: ClassInfo | None) -> None:
        name_node = child(node, "name")
        if name_node is None:
            return
        info = ClassInfo(text(name_node), node, self, outer)
        self.classes.setdefault(info.name, info)
        body = child(node, "body")
        if body is None:
            return
        for member in named(body):
            kind = member.type
            if kind in _TYPE_DECLARATIONS:
                self._declare_class(member, info)
            elif kind == "method_declaration":
                method = method_of(member, self, info)
                if method is not None:
                    info.methods.setdefault(method.name, []).append(method)
                    self.methods_by_node[member.start_byte] = method
            elif kind == "field_declaration":
                modifiers = {text(m) for m in named(member) if m.type == "modifier"}
                declaration = next(
                    (c for c in named(member) if c.type == "variable_declaration"), None
                )
                if declaration is not None and modifiers & _CONSTANT_MODIFIERS:
                    _declarators(declaration, info.constants)
                if declaration is not None and "const" not in modifiers:
                    for declarator in named(declaration):
                        name = child(declarator, "name")
                        if declarator.type == "variable_declarator" and name is not None:
                            info.fields.add(text(name))
            elif kind == "property_declaration":
                self._declare_property(member, info)
            elif kind == "enum_declaration":
                self._declare_class(member, info)

    @staticmethod
    def _declare_property(member: Node, info: ClassInfo) -> None:
        """``static string X => "x";`` and ``string X { get; } = "x";`` are constants too."""
        name = child(member, "name")
        if name is None:
            return
        accessors = child(member, "accessors")
        if accessors is not None and any(
            text(a).startswith(("set", "init")) for a in named(accessors)
        ):
            return
        value = child(member, "value")
        if value is not None and value.type == "arrow_expression_clause":
            value = next(iter(named(value)), None)
        if value is not None:
            info.constants[text(name)] = value

    def _declare_top(self, node: Node) -> None:
        for statement in named(node):
            if statement.type == "local_function_statement":
                method = method_of(statement, self, None)
                if method is not None:
                    self.top_functions.setdefault(method.name, method)
                    self.methods_by_node[statement.start_byte] = method
            elif statement.type == "local_declaration_statement" and any(
                text(m) == "const" for m in statement.children if m.type in ("modifier", "const")
            ):
                declaration = next(
                    (c for c in named(statement) if c.type == "variable_declaration"), None
                )
                if declaration is not None:
                    _declarators(declaration, self.top_constants)

    # -- handlers --------------------------------------------------------------------------------

    def _find_handlers(self) -> None:
        """``DurableFunction.WrapAsync(...)`` calls and ``[DurableExecution]`` methods.

        The tree decides what each one is; the text only says where to look, so that a large
        file is not walked node by node for two names it may not even hold.
        """
        root = self.source.root
        data = self.source.data
        seen: set[int] = set()
        for offset in _occurrences(data, b"WrapAsync"):
            at = root.named_descendant_for_byte_range(offset, offset + len("WrapAsync"))
            call = next(
                (a for a in _self_and_ancestors(at) if a.type == "invocation_expression"), None
            )
            function = child(call, "function") if call is not None else None
            if call is None or function is None or not function.start_byte <= offset:
                continue
            receiver, name = callee(call)
            if (
                name == "WrapAsync"
                and offset < function.end_byte
                and (receiver is None or last_name(receiver) == "DurableFunction")
                and call.start_byte not in seen
            ):
                seen.add(call.start_byte)
                self.wraps.append(call)
        for offset in _occurrences(data, _ATTRIBUTE.encode()):
            at = root.named_descendant_for_byte_range(offset, offset + len(_ATTRIBUTE))
            attribute = next((a for a in _self_and_ancestors(at) if a.type == "attribute"), None)
            holder = attribute.parent.parent if attribute and attribute.parent else None
            written = child(attribute, "name") if attribute is not None else None
            if holder is None or written is None or holder.type not in _METHODS:
                continue
            if last_name(written) not in (_ATTRIBUTE, f"{_ATTRIBUTE}Attribute"):
                continue
            _, owner = self.enclosing(holder)
            method = self.method_at(holder, owner)
            if method is not None and method not in self.annotated:
                self.annotated.append(method)

    def workflow_shaped(self) -> list[MethodInfo]:
        """Methods with the workflow signature ``(TIn input, IDurableContext ctx)``."""
        return [
            m
            for m in self.all_methods()
            if len(m.params) == 2 and m.params[1].is_context and not m.params[0].is_context
        ]


def _occurrences(data: bytes, needle: bytes) -> list[int]:
    """Byte offsets where ``needle`` occurs."""
    found: list[int] = []
    index = data.find(needle)
    while index >= 0:
        found.append(index)
        index = data.find(needle, index + len(needle))
    return found


def _self_and_ancestors(node: Node | None) -> list[Node]:
    if node is None:
        return []
    return [node, *ancestors(node)]


# Leaves and literals hold no invocation or method: no need to walk into them.
_NO_HANDLERS_BELOW = frozenset(
    {
        "string_literal",
        "interpolated_string_expression",
        "verbatim_string_literal",
        "raw_string_literal",
        "using_directive",
        "attribute_list",
        "parameter_list",
    }
)


def _declarators(declaration: Node, into: dict[str, Node]) -> None:
    for declarator in named(declaration):
        if declarator.type != "variable_declarator":
            continue
        name = child(declarator, "name")
        values = [c for c in named(declarator) if c != name]
        if name is not None and values:
            into.setdefault(text(name), values[-1])
