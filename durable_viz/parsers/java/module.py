"""What a Java source file declares that the analysis needs: its package and imports, classes
with their methods, ``static final`` constants and enum constants, and the durable handlers.

Handlers are classes extending ``DurableHandler<I, O>`` (their ``handleRequest``), anonymous
``new DurableHandler<...>() {...}`` classes and ``LocalDurableTestRunner.create(..., (input, ctx)
-> {...})`` lambdas, wherever they sit in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from durable_viz.graph import Block
from durable_viz.parsers.base import one_line
from durable_viz.parsers.treesitter import Source

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.graph import Node as GraphNode

ClassLoader = Callable[["JavaFile", str], "JavaFile | None"]
"""Finds the file of the source tree declaring a class, as a file importing it names it."""

__all__ = ["ClassInfo", "Handler", "JavaFile", "MethodInfo", "block", "field_of", "named"]

HANDLER_BASE = "DurableHandler"
CONTEXT_TYPE = "DurableContext"
TEST_RUNNERS = frozenset({"LocalDurableTestRunner", "CloudDurableTestRunner"})

_STATEMENTS = frozenset(
    {
        "expression_statement",
        "local_variable_declaration",
        "if_statement",
        "for_statement",
        "enhanced_for_statement",
        "while_statement",
        "do_statement",
        "switch_expression",
        "try_statement",
        "try_with_resources_statement",
        "return_statement",
        "throw_statement",
        "block",
    }
)
_HANDLER_MARKS = (HANDLER_BASE.encode(), b"TestRunner")
_BODIES = frozenset({"block", "constructor_body", "field_declaration", "lambda_expression"})
_COMMENTS = frozenset({"line_comment", "block_comment"})
_MAX_BASES = 8
"""How many base classes deep a handler's ``DurableHandler`` ancestry is followed."""
_CLASS_LIKE = frozenset(
    {"class_declaration", "enum_declaration", "record_declaration", "interface_declaration"}
)


def block(
    role: str, nodes: Iterable[GraphNode], label: str | None = None, dynamic: bool = False
) -> Block:
    """A :class:`Block`, unpruned: the workflow is pruned once, when it is complete, which keeps
    deeply nested code linear (pruning every level on the way up would be quadratic)."""
    return Block(role=role, label=label, nodes=tuple(nodes), dynamic=dynamic)


def named(node: Node) -> list[Node]:
    """A node's named children, comments left out."""
    return [c for c in node.named_children if c.type not in _COMMENTS]


def field_of(node: Node, name: str) -> Node | None:
    """The child in a grammar field, or None."""
    return node.child_by_field_name(name)


def simple_type(text: str) -> str:
    """``com.acme.DurableHandler<I, O>`` -> ``DurableHandler``."""
    return text.split("<", 1)[0].strip().rsplit(".", 1)[-1]


@dataclass(eq=False)
class MethodInfo:
    """A method (or constructor) of a class.

    Attributes:
        node: its ``method_declaration``.
        file: the file that declares it.
        owner: the simple name of its class.
        params: ``(type, name)`` of each formal parameter, in order.
    """

    node: Node
    file: JavaFile
    owner: str
    name: str
    params: list[tuple[str, str]]

    @property
    def body(self) -> Node | None:
        """Its block, or None for an abstract or interface method."""
        return field_of(self.node, "body")

    @property
    def line(self) -> int:
        """The line its declaration starts on."""
        return self.file.source.position(self.node)[0]

    def context_index(self) -> int | None:
        """Which parameter is a ``DurableContext`` (None when none is)."""
        for index, (type_text, _) in enumerate(self.params):
            if simple_type(type_text) == CONTEXT_TYPE:
                return index
        return None


@dataclass(eq=False)
class ClassInfo:
    """A class, enum, record or interface (nested ones are listed separately)."""

    node: Node
    name: str
    methods: dict[str, list[MethodInfo]] = field(default_factory=dict)
    constants: dict[str, Node] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    enum_constants: dict[str, Node] = field(default_factory=dict)
    superclass: str | None = None

    def handle_request(self) -> MethodInfo | None:
        """Its own ``handleRequest(input, context)`` with a body, if it declares one."""
        return next(
            (m for m in self.methods.get("handleRequest", ()) if len(m.params) == 2 and m.body),
            None,
        )


@dataclass(eq=False)
class Handler:
    """One durable handler of a file.

    Attributes:
        name: the workflow name (the class name, or where an inline handler is bound).
        node: the class or lambda declaring it (for its line).
        body: the method's block or the lambda's body.
        params: the names of its parameters (input, context).
        owner: the class whose methods and constants its code sees.
        statements: for a class tree-sitter could only partly read (an unclosed brace while
            typing), the statements of ``handleRequest`` it recovered; ``body`` is then the
            error region holding them.
        source: the file declaring ``body`` when it is not the handler's own (a
            ``handleRequest`` inherited from a base class in another file).
        lineage: the handler class and its base classes below ``DurableHandler``, most
            derived first, as (file, class name): where ``this`` calls are looked up.
    """

    name: str
    node: Node
    body: Node
    params: list[str]
    owner: str | None
    statements: list[Node] | None = None
    source: JavaFile | None = None
    lineage: list[tuple[JavaFile, str]] = field(default_factory=list)


class JavaFile:
    """One parsed Java file and the declarations the analysis looks up."""

    def __init__(self, path: Path, display: str, text: str, *, is_main: bool) -> None:
        self.path = path
        self.display = display
        self.source = Source(text, "java")
        self.is_main = is_main
        self.package: str | None = None
        self.imports: dict[str, str] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.handlers: list[Handler] = []
        # Classes extending another class than ``DurableHandler``: handlers when a base class
        # of theirs (here or in another file) extends it. See :meth:`add_subclass_handlers`.
        self.extending: list[str] = []
        self.loop_changes: dict[tuple[int, int], frozenset[str]] = {}
        """The names each loop assigns, by the loop's byte range (see :mod:`.loops`)."""
        self._declare(self.source.root)

    # -- lookups ---------------------------------------------------------------------------------

    def code(self, node: Node, limit: int = 0) -> str:
        """The source text of a node on one line."""
        return one_line(self.source.text_of(node), limit)

    def text(self, node: Node) -> str:
        """The exact source text of a node."""
        return self.source.text_of(node)

    def position(self, node: Node) -> tuple[int, int]:
        """(line, column), 1-based."""
        return self.source.position(node)

    def constant(self, name: str, owner: str | None) -> Node | None:
        """A ``static final`` value: of ``owner`` (and its outer classes) first, then any class."""
        if owner is not None and owner in self.classes:
            found = self.classes[owner].constants.get(name)
            if found is not None:
                return found
        for info in self.classes.values():
            if name in info.constants:
                return info.constants[name]
        return None

    def methods(self, name: str, owner: str | None) -> list[MethodInfo]:
        """Methods called ``name``: of ``owner`` first, then of every class of the file."""
        if owner is not None and owner in self.classes and name in self.classes[owner].methods:
            return self.classes[owner].methods[name]
        found: list[MethodInfo] = []
        for info in self.classes.values():
            found.extend(info.methods.get(name, ()))
        return found

    # -- declarations ----------------------------------------------------------------------------

    def _declare(self, root: Node) -> None:
        # An explicit stack: class bodies may nest deeply, and handlers may sit in any expression.
        stack: list[tuple[Node, str | None]] = [(root, None)]
        data = self.source.data
        while stack:
            node, owner = stack.pop()
            kind = node.type
            if kind == "package_declaration":
                for child in named(node):
                    if child.type in ("scoped_identifier", "identifier"):
                        self.package = self.text(child)
                continue
            if kind == "import_declaration":
                self._import(node)
                continue
            if kind in _CLASS_LIKE:
                owner = self._class(node)
            elif kind == "ERROR":
                owner = self._recover(node) or owner
            elif kind == "object_creation_expression":
                self._anonymous(node, owner)
            elif kind == "method_invocation":
                self._test_runner(node, owner)
            elif kind in ("line_comment", "block_comment", "string_literal"):
                continue
            elif kind in _BODIES and not any(
                mark in data[node.start_byte : node.end_byte] for mark in _HANDLER_MARKS
            ):
                continue  # code that never names a handler type holds no handler
            stack.extend((child, owner) for child in reversed(node.named_children))
        self.handlers.sort(key=lambda h: h.node.start_byte)

    def _import(self, node: Node) -> None:
        parts = named(node)
        if not parts or any(p.type == "asterisk" for p in parts):
            return
        dotted = self.text(parts[0])
        self.imports[dotted.rsplit(".", 1)[-1]] = dotted

    def _class(self, node: Node) -> str:
        name_node = field_of(node, "name")
        name = self.text(name_node) if name_node is not None else "?"
        info = self.classes.setdefault(name, ClassInfo(node, name))
        body = field_of(node, "body")
        members = named(body) if body is not None else []
        for member in list(members):
            if member.type == "enum_body_declarations":
                members.extend(named(member))
        for member in members:
            if member.type == "method_declaration":
                method = self._method(member, name)
                info.methods.setdefault(method.name, []).append(method)
            elif member.type in ("field_declaration", "constant_declaration"):
                self._field(member, info, constant=member.type == "constant_declaration")
            elif member.type == "enum_constant":
                constant_name = field_of(member, "name")
                if constant_name is not None:
                    info.enum_constants[self.text(constant_name)] = member
        superclass = field_of(node, "superclass")
        if superclass is not None:
            info.superclass = simple_type(self.code(superclass)[len("extends") :])
        if info.superclass == HANDLER_BASE:
            handle = next(
                (m for m in info.methods.get("handleRequest", ()) if len(m.params) == 2), None
            )
            if handle is not None and handle.body is not None:
                self.handlers.append(
                    Handler(name, node, handle.body, [p[1] for p in handle.params], name)
                )
        elif info.superclass is not None and node.type == "class_declaration":
            self.extending.append(name)
        return name

    def add_subclass_handlers(self, load_class: ClassLoader) -> None:
        """Classes extending ``DurableHandler`` through base classes of theirs (``class Mine
        extends Base<A, B>``, ``class Base<I, O> extends DurableHandler<I, O>``), the bases
        found in this file or, through ``load_class``, in other files of the source tree.
        Their ``handleRequest`` is their own or the nearest base class's."""
        for name in self.extending:
            info = self.classes[name]
            lineage: list[tuple[JavaFile, ClassInfo]] = [(self, info)]
            while len(lineage) <= _MAX_BASES:
                file, current = lineage[-1]
                base = current.superclass
                if base is None or base == HANDLER_BASE:
                    break
                found = file if base in file.classes else load_class(file, base)
                if found is None or any(c is found.classes[base] for _, c in lineage):
                    break  # not in the source tree, or a cycle of broken code
                lineage.append((found, found.classes[base]))
            if lineage[-1][1].superclass != HANDLER_BASE:
                continue
            declared = next(
                ((f, m) for f, c in lineage if (m := c.handle_request()) is not None), None
            )
            if declared is None:
                continue
            file, method = declared
            assert method.body is not None
            self.handlers.append(
                Handler(
                    name,
                    info.node,
                    method.body,
                    [p[1] for p in method.params],
                    method.owner,
                    source=None if file is self else file,
                    lineage=[(f, c.name) for f, c in lineage],
                )
            )
        self.handlers.sort(key=lambda h: h.node.start_byte)

    def _recover(self, node: Node) -> str | None:
        """A handler class whose braces do not close: tree-sitter keeps its parts, flattened,
        in one error region (name, superclass, members, then the method's header and
        statements). Read what it kept, so that a file being typed is still drawn."""
        parts = named(node)
        superclass = next((p for p in parts if p.type == "superclass"), None)
        if superclass is None:
            return None
        name_node = next((p for p in parts if p.type == "identifier"), None)
        if name_node is None or name_node.start_byte > superclass.start_byte:
            return None
        name = self.text(name_node)
        info = self.classes.setdefault(name, ClassInfo(node, name))
        for member in parts:
            if member.type == "method_declaration":
                method = self._method(member, name)
                info.methods.setdefault(method.name, []).append(method)
            elif member.type == "field_declaration":
                self._field(member, info, constant=False)
        if simple_type(self.code(superclass)[len("extends") :]) != HANDLER_BASE:
            return name
        whole = next((m for m in info.methods.get("handleRequest", ()) if len(m.params) == 2), None)
        if whole is not None and whole.body is not None:
            self.handlers.append(
                Handler(name, node, whole.body, [p[1] for p in whole.params], name)
            )
            return name
        for index, part in enumerate(parts[:-1]):
            following = parts[index + 1]
            if (
                part.type == "identifier"
                and self.text(part) == "handleRequest"
                and following.type == "formal_parameters"
            ):
                params = [
                    self.text(field_of(p, "name") or p)
                    for p in named(following)
                    if p.type == "formal_parameter"
                ]
                if len(params) == 2:
                    statements = [p for p in parts[index + 2 :] if p.type in _STATEMENTS]
                    self.handlers.append(Handler(name, node, node, params, name, statements))
                break
        return name

    def _method(self, node: Node, owner: str) -> MethodInfo:
        name_node = field_of(node, "name")
        params: list[tuple[str, str]] = []
        parameters = field_of(node, "parameters")
        for param in named(parameters) if parameters is not None else []:
            if param.type in ("formal_parameter", "spread_parameter"):
                type_node = field_of(param, "type")
                param_name = field_of(param, "name")
                if param_name is None:  # spread parameters keep the name in a declarator
                    declarator = next(
                        (c for c in named(param) if c.type == "variable_declarator"), None
                    )
                    param_name = field_of(declarator, "name") if declarator else None
                params.append(
                    (
                        self.text(type_node) if type_node is not None else "",
                        self.text(param_name) if param_name is not None else "_",
                    )
                )
        name = self.text(name_node) if name_node is not None else "?"
        return MethodInfo(node, self, owner, name, params)

    def _field(self, node: Node, info: ClassInfo, *, constant: bool) -> None:
        modifiers = next((c for c in named(node) if c.type == "modifiers"), None)
        words = self.text(modifiers).split() if modifiers is not None else []
        final = constant or "final" in words
        type_node = field_of(node, "type")
        for declarator in named(node):
            if declarator.type != "variable_declarator":
                continue
            name_node = field_of(declarator, "name")
            value = field_of(declarator, "value")
            if name_node is None:
                continue
            name = self.text(name_node)
            if type_node is not None:
                info.fields[name] = simple_type(self.text(type_node))
            if final and value is not None:
                info.constants[name] = value

    def _anonymous(self, node: Node, owner: str | None) -> None:
        """``new DurableHandler<I, O>() { handleRequest(...) }``."""
        type_node = field_of(node, "type")
        if type_node is None or simple_type(self.text(type_node)) != HANDLER_BASE:
            return
        body = next((c for c in named(node) if c.type == "class_body"), None)
        if body is None:
            return
        for member in named(body):
            if member.type != "method_declaration":
                continue
            method = self._method(member, owner or "?")
            if method.name == "handleRequest" and len(method.params) == 2 and method.body:
                line = self.position(node)[0]
                name = _bound_name(node, self) or f"anonymous DurableHandler {line}"
                self.handlers.append(
                    Handler(name, node, method.body, [p[1] for p in method.params], owner)
                )

    def _test_runner(self, node: Node, owner: str | None) -> None:
        """``LocalDurableTestRunner.create(Input.class, (input, ctx) -> {...})``."""
        receiver = field_of(node, "object")
        name_node = field_of(node, "name")
        if receiver is None or name_node is None or self.text(name_node) != "create":
            return
        if simple_type(self.text(receiver)) not in TEST_RUNNERS:
            return
        arguments = field_of(node, "arguments")
        for argument in named(arguments) if arguments is not None else []:
            if argument.type != "lambda_expression":
                continue
            params = lambda_params(argument, self)
            body = field_of(argument, "body")
            if len(params) == 2 and body is not None:
                name = _bound_name(node, self) or _enclosing_method(node, self) or "test handler"
                self.handlers.append(Handler(name, argument, body, params, owner))
            return


def lambda_params(node: Node, file: JavaFile) -> list[str]:
    """The parameter names of a ``lambda_expression``."""
    params = field_of(node, "parameters")
    if params is None:
        return []
    if params.type == "identifier":
        return [file.text(params)]
    names: list[str] = []
    for child in named(params):
        if child.type == "identifier":
            names.append(file.text(child))
        elif child.type in ("formal_parameter", "spread_parameter"):
            name_node = field_of(child, "name")
            if name_node is not None:
                names.append(file.text(name_node))
    return names


def _bound_name(node: Node, file: JavaFile) -> str | None:
    """The variable or field an expression is assigned to, if it is."""
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "cast_expression"):
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        name = field_of(parent, "name")
        return file.text(name) if name is not None else None
    if parent is not None and parent.type == "method_invocation":
        # ``LocalDurableTestRunner.create(...)`` written as the value of a declaration.
        return _bound_name(parent, file)
    return None


def _enclosing_method(node: Node, file: JavaFile) -> str | None:
    parent = node.parent
    while parent is not None:
        if parent.type == "method_declaration":
            name = field_of(parent, "name")
            return file.text(name) if name is not None else None
        parent = parent.parent
    return None
