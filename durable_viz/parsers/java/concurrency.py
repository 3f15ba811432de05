"""Operations that run side by side: the ``ctx.parallel(...)`` builder and the branches
registered on it (in a try-with-resources or not, in loops, over registries the source writes
out), ``...Async`` futures and the ``DurableFuture.allOf/anyOf`` combinators over them, and
``forEach`` callbacks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import NONE_NAME, PARALLEL_BRANCH_DEFAULT, one_line, prune
from durable_viz.parsers.java.module import JavaFile, block, field_of, lambda_params, named
from durable_viz.parsers.java.operations import bind
from durable_viz.parsers.java.values import Scope, evaluate_name, read_entries

if TYPE_CHECKING:
    from tree_sitter import Node as TSNode

    from durable_viz.parsers.java.analyzer import Analyzer

__all__ = ["Parallels"]

_COMBINATORS = {"allOf": (Kind.PROMISE_ALL, "all of"), "anyOf": (Kind.PROMISE_ANY, "any of")}


@dataclass(eq=False)
class _Pending:
    """A ``ctx.parallel(...)`` builder whose branches are still being registered."""

    node: Node
    loops: int
    holder: str
    previous: _Pending | None = None  # what the name meant before (a builder shadowed in a branch)
    branches: list[Block] = field(default_factory=list)


def _bound_to(call: TSNode, file: JavaFile) -> str | None:
    """The variable (or try resource) a builder call is assigned to."""
    parent = call.parent
    if parent is not None and parent.type in ("variable_declarator", "resource"):
        name = field_of(parent, "name")
        return file.text(name) if name is not None else None
    if parent is not None and parent.type == "assignment_expression":
        left = field_of(parent, "left")
        return file.text(left) if left is not None else None
    return None


def _is_collection_factory(call: TSNode, scope: Scope) -> bool:
    """``List.of(a, b)``, ``Arrays.asList(a, b)``: futures gathered in a collection."""
    name = field_of(call, "name")
    return name is not None and scope.file.text(name) in ("of", "asList", "copyOf")


def _used_later(value: TSNode, name: str, scope: Scope) -> bool:
    """Whether ``name`` is read anywhere else in the method or lambda that declares it."""
    owner = value.parent
    while owner is not None and owner.type not in (
        "method_declaration",
        "lambda_expression",
        "constructor_declaration",
        "program",
    ):
        owner = owner.parent
    if owner is None:
        return True
    declarator = value.parent
    declared = field_of(declarator, "name") if declarator is not None else None
    file = scope.file
    stack = [owner]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            elsewhere = declared is None or node.start_byte != declared.start_byte
            parameter = node.parent is not None and node.parent.type == "formal_parameter"
            if file.text(node) == name and elsewhere and not parameter:
                return True
            continue
        stack.extend(node.named_children)
    return False


class Parallels:
    """Parallel builders being filled, futures, and combinators, for an :class:`Analyzer`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.pending: dict[str, _Pending] = {}
        self.placeholders: dict[int, _Pending] = {}

    def register(self, call: TSNode, node: Node, scope: Scope) -> None:
        """A ``ctx.parallel(...)`` node whose branches the following code registers."""
        holder = _bound_to(call, scope.file)
        if holder is None:
            self.analyzer.warn(
                "DV105",
                "this parallel's branches are registered where durable-viz cannot follow; "
                "none is drawn",
                call,
                scope,
            )
            return
        loops = self.analyzer.loop_depth()
        pending = _Pending(node, loops, holder, self.pending.get(holder))
        self.pending[holder] = pending
        self.placeholders[id(node)] = pending

    def branch(self, pending: _Pending, args: list[TSNode], scope: Scope) -> None:
        """``parallel.branch(name, Type.class, ctx -> ..., config?)``: one branch block."""
        bound = bind(args, ("name", "type", "func", "config"))
        index = len(pending.branches)
        in_loop = self.analyzer.loop_depth() > pending.loops and not scope.entries
        name = evaluate_name(bound["name"], scope) if "name" in bound else NONE_NAME
        default = (
            PARALLEL_BRANCH_DEFAULT
            if in_loop
            else PARALLEL_BRANCH_DEFAULT.replace("{i}", str(index))
        )
        nodes = self.analyzer.operations.body(bound["func"], scope, 0) if "func" in bound else []
        pending.branches.append(
            block("branch", nodes, name.label or default, name.dynamic or in_loop)
        )
        if in_loop and index == 0 and args:
            self.analyzer.warn(
                "DV105",
                "this branch is registered in a loop over items known only at run time; "
                "one representative branch is drawn",
                args[0],
                scope,
            )

    def builders_in(self, args: list[TSNode], scope: Scope) -> list[str]:
        """The arguments of a call naming a parallel builder still being filled."""
        return [
            scope.file.text(a)
            for a in args
            if a.type == "identifier" and scope.file.text(a) in self.pending
        ]

    def lend(
        self, params: list[str], args: list[TSNode], scope: Scope
    ) -> dict[str, _Pending | None]:
        """A helper receiving builders (``registerBranches(p, ...)``): its parameters name them
        while it is read. Returns what those names meant before, for :meth:`give_back`."""
        saved: dict[str, _Pending | None] = {}
        for param, arg in zip(params, args, strict=False):
            pending = self.pending.get(scope.file.text(arg)) if arg.type == "identifier" else None
            if pending is not None:
                saved.setdefault(param, self.pending.get(param))
                self.pending[param] = pending
        return saved

    def give_back(self, saved: dict[str, _Pending | None]) -> None:
        """Undo :meth:`lend` once the helper is read."""
        for name, previous in saved.items():
            if previous is None:
                self.pending.pop(name, None)
            else:
                self.pending[name] = previous

    def lost_builders(
        self,
        builders: list[str],
        callee: str,
        receiver: TSNode | None,
        call: TSNode,
        scope: Scope,
    ) -> None:
        """A builder handed to a helper durable-viz cannot read (not to a collection or other
        object the code keeps it in): the branches it registers are not drawn."""
        if receiver is not None and not scope.file.text(receiver).rsplit(".", 1)[-1][:1].isupper():
            return
        self.analyzer.warn(
            "DV106",
            f"the parallel builder {builders[0]} is passed to {callee}, whose code durable-viz "
            "cannot read; branches it registers are not shown",
            call,
            scope,
        )

    def registers_branches(self, statement: TSNode, scope: Scope) -> bool:
        """Whether a statement registers branches on a parallel builder being built."""
        if not self.pending:
            return False
        stack = [statement]
        while stack:
            node = stack.pop()
            if node.type == "method_invocation":
                receiver = field_of(node, "object")
                name = field_of(node, "name")
                if (
                    receiver is not None
                    and name is not None
                    and scope.file.text(name) == "branch"
                    and scope.file.text(receiver) in self.pending
                ):
                    return True
            stack.extend(named(node))
        return False

    def expand_branches(self, loop: TSNode, scope: Scope, exits: str) -> list[Node] | None:
        """An enhanced ``for`` registering branches over entries the source writes out: the
        body once per entry, so each branch gets its own name (None when it does not apply)."""
        file = scope.file
        value = field_of(loop, "value")
        name_node = field_of(loop, "name")
        body = field_of(loop, "body")
        if value is None or name_node is None or body is None:
            return None
        if not self.registers_branches(body, scope):
            return None
        entries = read_entries(value, scope)
        if entries is None:
            return None
        _, entries_scope = scope.resolve(value)
        variable = file.text(name_node)
        nodes: list[Node] = []
        for key, entry_value in entries:
            scope.forget(variable)
            scope.values[variable] = (key, entries_scope)
            if entry_value is not None:
                scope.entries[variable] = (key, entry_value, entries_scope)
            nodes.extend(self.analyzer.block_of(body, scope, exits))
        scope.forget(variable)
        return nodes

    def resources(self, statement: TSNode, scope: Scope, exits: str) -> list[Node]:
        """``try (var p = ctx.parallel(...)) { p.branch(...); ... }`` and other resources."""
        analyzer = self.analyzer
        prefix: list[Node] = []
        specification = field_of(statement, "resources")
        for resource in named(specification) if specification is not None else []:
            value = field_of(resource, "value")
            name_node = field_of(resource, "name")
            if value is None:
                prefix.extend(analyzer.scan(resource, scope))
                continue
            prefix.extend(analyzer.scan(value, scope))
            if name_node is not None and scope.file.text(name_node) not in self.pending:
                scope.bind(scope.file.text(name_node), value, scope)
        return analyzer.control.try_block(statement, scope, exits, prefix)

    def settle(self, nodes: list[Node]) -> list[Node]:
        """Put the branches registered on each parallel builder into its node."""
        if not self.placeholders:
            return nodes
        return [self._settled(node) for node in nodes]

    def _settled(self, node: Node) -> Node:
        pending = self.placeholders.get(id(node))
        if pending is not None:
            del self.placeholders[id(node)]
            if self.pending.get(pending.holder) is pending:
                if pending.previous is not None:
                    self.pending[pending.holder] = pending.previous
                else:
                    del self.pending[pending.holder]
            return replace(node, blocks=tuple(pending.branches))
        if not node.blocks:
            return node
        return replace(
            node,
            blocks=tuple(
                replace(b, nodes=tuple(self._settled(n) for n in b.nodes)) for b in node.blocks
            ),
        )

    def remember_future(self, name: str, value: TSNode, found: list[Node], scope: Scope) -> None:
        """``var f = ctx.stepAsync(...)``: remember what ``f`` holds; warn if never used."""
        if value.type != "method_invocation" or not found or not found[-1].is_operation:
            return
        method = field_of(value, "name")
        receiver = field_of(value, "object")
        if method is None or receiver is None:
            return
        text = scope.file.text(method)
        if not (text.endswith("Async") or text == "branch"):
            return
        scope.futures[name] = found[-1].label
        if text.endswith("Async") and not _used_later(value, name, scope):
            self.analyzer.warn("DV110", f"the future {name} is never awaited", value, scope)

    def combinator(self, method: str, call: TSNode, args: list[TSNode], scope: Scope) -> list[Node]:
        """``DurableFuture.allOf(a, b)`` / ``anyOf``: futures made earlier are drawn where they
        were made and named in the annotation; operations written in the call are its blocks."""
        kind, text = _COMBINATORS[method]
        combined: list[str] = []
        blocks: list[Block] = []
        before: list[Node] = []
        items: list[TSNode] = []
        for arg in args:
            entries = None
            if arg.type != "method_invocation" or _is_collection_factory(arg, scope):
                entries = read_entries(arg, scope)
            if entries is not None:
                items.extend(entry for entry, _ in entries)
            else:
                items.append(arg)
        for item in items:
            if item.type == "identifier" and scope.file.text(item) in scope.futures:
                combined.append(scope.futures[scope.file.text(item)])
                continue
            found = self.analyzer.scan(item, scope)
            operations = [n for n in found if n.is_operation]
            if operations:
                blocks.append(block("branch", found, operations[-1].label))
            else:
                before.extend(found)
        notes = (f"{text} {', '.join(combined)}",) if combined else ()
        node = self.analyzer.node(
            kind, method, call, scope, blocks=tuple(blocks), annotations=notes
        )
        return [*before, node]

    def for_each(
        self, call: TSNode, receiver: TSNode | None, function: TSNode, scope: Scope
    ) -> list[Node]:
        """``items.forEach(item -> ...)``: a loop over the items."""
        inner = scope.child()
        params = lambda_params(function, scope.file)
        for name in params:
            inner.forget(name)
        body = field_of(function, "body")
        nodes = self.analyzer.function_body(body, inner, "function") if body is not None else []
        if not prune(nodes):
            return []
        source = scope.file.code(receiver) if receiver is not None else "items"
        label = one_line(f"for {params[0] if params else 'item'} : {source}", 80)
        return [self.analyzer.node(Kind.LOOP, label, call, scope, blocks=(block("body", nodes),))]
