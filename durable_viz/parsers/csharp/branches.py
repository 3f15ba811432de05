"""Parallel branches and map items: the sub-workflows an operation runs once per branch or
item, named as the SDK names them, expanded per entry when a registry is written out in the
source (``DurableBranch<T>`` arrays and lists, branches added in a loop or built with
``Select``, maps over a constant collection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.graph import Block, Node
from durable_viz.parsers.base import MAP_ITEM_DEFAULT, NONE_NAME, PARALLEL_BRANCH_DEFAULT
from durable_viz.parsers.csharp.module import params_of
from durable_viz.parsers.csharp.scope import Binding, Entry, Known, Scope
from durable_viz.parsers.csharp.statements import block
from durable_viz.parsers.csharp.syntax import (
    FUNCTION_NODES,
    ancestors,
    arguments,
    bind,
    callee,
    descendants,
    last_name,
    named,
    text,
    unwrap,
)
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.csharp.values import Registered, elements, evaluate_name, registry

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

    from durable_viz.parsers.csharp.analyzer import Analyzer

__all__ = ["Branches", "Extra"]

_LOOPS = frozenset({"foreach_statement", "for_statement", "while_statement", "do_statement"})

Extra = dict[int, Binding]
"""Values for a function's parameters by position (a map item, its index)."""


class Branches:
    """The parallel and map half of :class:`.operations.Operations`."""

    analyzer: Analyzer

    def body(
        self, function: SyntaxNode, scope: Scope, context_index: int, extra: Extra | None = None
    ) -> list[Node]:
        """The operations a function argument runs (see :class:`.operations.Operations`)."""
        raise NotImplementedError

    def parallel_branches(
        self, branches: SyntaxNode, scope: Scope, call: SyntaxNode
    ) -> tuple[Block, ...]:
        """One block per branch, named as the SDK names it."""
        resolved = scope.resolve(branches)
        if isinstance(resolved, tuple):
            collection, where = resolved
            listed = elements(collection)
            if listed:
                return tuple(self.branch(e, i, where) for i, e in enumerate(listed))
            if listed is not None and unwrap(branches).type != "identifier":
                return ()  # ``new DurableBranch<T>[] { }``: no branch at all
            if listed is not None and unwrap(branches).type == "identifier":
                added = self.added(text(unwrap(branches)), collection, call, scope)
                if added:
                    return added
            selected = self.selected(collection, where)
            if selected is not None:
                return selected
        self.analyzer.warn(
            "DV105",
            "the branches of this parallel are built at run time; one representative branch "
            "is drawn",
            call,
            scope,
        )
        return (Block(role="branch", label=PARALLEL_BRANCH_DEFAULT, dynamic=True),)

    def branch(self, element: SyntaxNode, index: int | None, scope: Scope) -> Block:
        """One parallel branch: a delegate or ``new DurableBranch<T>(name, func)``."""
        default = (
            PARALLEL_BRANCH_DEFAULT.replace("{i}", str(index))
            if index is not None
            else PARALLEL_BRANCH_DEFAULT
        )
        resolved = scope.resolve(element)
        if not isinstance(resolved, tuple):
            return block("branch", [], default, index is None)
        node, where = resolved
        if node.type in ("object_creation_expression", "implicit_object_creation_expression"):
            type_node = child(node, "type")
            if type_node is None or last_name(type_node) == "DurableBranch":
                args = {
                    (k[:1].upper() + k[1:]): v
                    for k, v in bind(arguments(node), ("Name", "Func")).items()
                }
                name = evaluate_name(args["Name"], where) if "Name" in args else NONE_NAME
                nodes = self.body(args["Func"], where, 0) if "Func" in args else []
                return block("branch", nodes, name.label or default, name.dynamic or index is None)
        return block("branch", self.body(node, where, 0), default, index is None)

    def expanded(
        self, entries: list[Registered], make: SyntaxNode, scope: Scope, names: list[str]
    ) -> list[Block]:
        """One branch per registry entry, ``names`` (loop variables) bound to its parts."""
        blocks: list[Block] = []
        for index, entry in enumerate(entries):
            inner = scope.child()
            _unpack(names, entry.item, Known(str(index)), inner)
            found = self.branch(make, index, inner)
            if found.label is not None and found.label.startswith("parallel-branch-"):
                found = Block(role=found.role, label=entry.label, nodes=found.nodes)
            blocks.append(found)
        return blocks

    def added(
        self, name: str, collection: SyntaxNode, call: SyntaxNode, scope: Scope
    ) -> tuple[Block, ...]:
        """Branches ``Add``-ed to an empty collection before the parallel call, in a loop over
        a registry (one per entry), another loop (one representative) or one by one."""
        root = collection
        for parent in ancestors(collection):
            root = parent
            if parent.type in FUNCTION_NODES or parent.type in (
                "method_declaration",
                "local_function_statement",
            ):
                break
        blocks: list[Block] = []
        for found in descendants(root, stop=FUNCTION_NODES):
            if found.type != "invocation_expression" or found.start_byte >= call.start_byte:
                continue
            receiver, method = callee(found)
            args = arguments(found)
            if method != "Add" or receiver is None or text(receiver) != name or not args:
                continue
            element = args[0].value
            loop = next((a for a in ancestors(found) if a.type in _LOOPS), None)
            if loop is None or not _inside(loop, root):
                blocks.append(self.branch(element, len(blocks), scope))
                continue
            entries = None
            if loop.type == "foreach_statement" and child(loop, "right") is not None:
                entries = registry(child(loop, "right"), scope)  # type: ignore[arg-type]
            if entries is None:
                inner = scope.child()
                branch = self.branch(element, None, inner)
                blocks.append(
                    Block(role="branch", label=branch.label, nodes=branch.nodes, dynamic=True)
                )
                continue
            blocks.extend(self.expanded(entries, element, scope, _loop_names(loop)))
        return tuple(blocks)

    def selected(self, collection: SyntaxNode, scope: Scope) -> tuple[Block, ...] | None:
        """``Registry.Select(x => new DurableBranch<T>(...)).ToList()``: one branch per entry."""
        node = collection
        receiver, method = callee(node) if node.type == "invocation_expression" else (None, None)
        if method in ("ToList", "ToArray") and receiver is not None:
            node = unwrap(receiver)
            receiver, method = (
                callee(node) if node.type == "invocation_expression" else (None, None)
            )
        args = arguments(node) if method == "Select" else []
        if receiver is None or not args:
            return None
        function = unwrap(args[0].value)
        entries = registry(receiver, scope)
        if function.type not in FUNCTION_NODES:
            return None
        params = [p.name for p in params_of(child(function, "parameters"))]
        body = child(function, "body")
        if body is None or body.type == "block":
            return None
        if entries is None:
            inner = scope.child()
            for param in params:
                inner.forget(param)
            branch = self.branch(body, None, inner)
            return (Block(role="branch", label=branch.label, nodes=branch.nodes, dynamic=True),)
        return tuple(self.expanded(entries, body, scope, params))

    def map_items(
        self,
        items: SyntaxNode | None,
        func: SyntaxNode,
        item_namer: Binding | None,
        scope: Scope,
    ) -> tuple[Block, ...]:
        """The map's item body: one block per registry entry, or one for every item."""
        params = self.param_names(func, scope)
        entries = registry(items, scope) if items is not None else None
        if entries is not None and len(params) >= 2:
            blocks: list[Block] = []
            for index, entry in enumerate(entries):
                extra: Extra = {1: entry.item, 2: Known(str(index))}
                name = self.item_name(item_namer, entry.item, index) or entry.label
                blocks.append(block("item", self.body(func, scope, 0, extra), name))
            return tuple(blocks)
        name = self.item_name(item_namer, None, None) or MAP_ITEM_DEFAULT
        return (block("item", self.body(func, scope, 0), name, dynamic=True),)

    def param_names(self, function: SyntaxNode, scope: Scope) -> list[str]:
        """The parameter names of a lambda or a method group."""
        resolved = scope.resolve(function)
        if not isinstance(resolved, tuple):
            return []
        node, where = resolved
        if node.type in FUNCTION_NODES:
            return [p.name for p in params_of(child(node, "parameters"))]
        target = self.analyzer.find_method(node, where, None)
        return [p.name for p in target.params] if target is not None else []

    def item_name(
        self, namer: Binding | None, item: Binding | None, index: int | None
    ) -> str | None:
        """What ``ItemNamer = (item, i) => ...`` names an item."""
        if namer is None or not isinstance(namer, tuple):
            return None
        resolved = namer[1].resolve(namer[0])
        if not isinstance(resolved, tuple) or resolved[0].type not in FUNCTION_NODES:
            return None
        function, where = resolved
        inner = where.child()
        for position, param in enumerate(params_of(child(function, "parameters"))):
            inner.forget(param.name)
            if position == 0 and item is not None:
                inner.bind_value(param.name, item)
            if position == 1 and index is not None:
                inner.bind_value(param.name, Known(str(index)))
        body = child(function, "body")
        if body is not None and body.type == "block":
            returns = [s for s in named(body) if s.type == "return_statement" and named(s)]
            body = named(returns[0])[0] if len(returns) == 1 else None
        return evaluate_name(body, inner).label if body is not None else None


def _inside(node: SyntaxNode, root: SyntaxNode) -> bool:
    return root.start_byte <= node.start_byte and node.end_byte <= root.end_byte


def _loop_names(loop: SyntaxNode) -> list[str]:
    """The names a ``foreach`` binds: ``x`` or ``(k, v)``."""
    left = child(loop, "left")
    if left is None:
        return []
    if left.type == "identifier":
        return [text(left)]
    return [text(n) for n in named(left) if n.type == "identifier"]


def _unpack(names: list[str], item: Binding, index: Known, scope: Scope) -> None:
    """Bind loop or lambda variables to an entry: ``x``, ``(k, v)``, or ``(x, i)`` for
    ``Select((x, i) => ...)``."""
    if len(names) == 2 and isinstance(item, Entry):
        scope.bind_value(names[0], item.key)
        scope.bind_value(names[1], item.value)
        return
    if names:
        scope.bind_value(names[0], item)
    if len(names) == 2:
        scope.bind_value(names[1], index)
