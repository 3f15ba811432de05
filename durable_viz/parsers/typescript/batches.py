"""Operations that fan out: parallel branches, map items, and promise combinators
(``context.promise.*`` and native ``Promise.*`` over durable promises), with registries
expanded into one branch per entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import MAP_ITEM_DEFAULT, NONE_NAME, PARALLEL_BRANCH_DEFAULT
from durable_viz.parsers.typescript.control import block
from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.registries import Entry, bind_entry, registry
from durable_viz.parsers.typescript.syntax import (
    arguments,
    field,
    is_function,
    kids,
    member_parts,
    param_pattern,
    params,
    statements_of,
    unwrap,
)
from durable_viz.parsers.typescript.syntax import callee as call_callee
from durable_viz.parsers.typescript.values import Scope, evaluate_name, object_fields

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.analyzer import Analyzer

__all__ = ["COMBINATORS", "Batches", "returned"]

COMBINATORS = {
    "all": Kind.PROMISE_ALL,
    "any": Kind.PROMISE_ANY,
    "race": Kind.PROMISE_RACE,
    "allSettled": Kind.PROMISE_ALL_SETTLED,
}
"""``context.promise.<x>`` and native ``Promise.<x>``."""

Binder = Callable[[Scope], None]


class Batches:
    """Branches, items and combined promises; :class:`~.operations.Operations` supplies the
    rest (recognising names, analysing the functions they run)."""

    analyzer: Analyzer

    def has_name(self, method: str, args: list[Syntax], scope: Scope) -> bool:
        raise NotImplementedError

    def body(
        self,
        function: Syntax,
        scope: Scope,
        context_index: int | None,
        extra: Binder | None = None,
    ) -> list[Node]:
        raise NotImplementedError

    # -- combinators -----------------------------------------------------------------------------

    def combinator(
        self, method: str, call: Syntax, scope: Scope, *, native: bool
    ) -> list[Node] | None:
        """``context.promise.all(name?, [...])`` or native ``Promise.all([...])``.

        Operations written in the argument list are the combinator's blocks; durable promises
        created earlier and named here are drawn where they were created and listed in an
        annotation. A native combinator over nothing durable is not a node (None).
        """
        kind = COMBINATORS.get(method)
        if kind is None:
            if native:
                return None
            self.analyzer.warn(
                "DV102",
                f"promise.{method} is not a combinator durable-viz knows; it is not drawn",
                call,
                scope,
            )
            return []
        args = arguments(call)
        name = NONE_NAME
        if not native and self.has_name("promise", args, scope):
            name = evaluate_name(args[0], scope)
            args = args[1:]
        if not args:
            return None if native else []
        combined: list[str] = []
        blocks = self.combined(args[0], scope, combined)
        if native and not blocks and not combined:
            return None
        notes: list[str] = []
        if combined:
            notes.append("combines " + ", ".join(combined))
        if name.name is None and not native:
            notes.append("unnamed")
        owner = "Promise" if native else "promise"
        label = name.label or f"{owner}.{method}"
        return [
            self.analyzer.node(
                kind,
                label,
                call,
                scope,
                name=name.name,
                dynamic=name.dynamic,
                blocks=blocks,
                annotations=tuple(notes),
            )
        ]

    def combined(self, promises: Syntax, scope: Scope, combined: list[str]) -> tuple[Block, ...]:
        """One block per operation a combinator's argument runs; pending names go to
        ``combined``."""
        analyzer = self.analyzer
        plain = unwrap(promises)
        if plain.type == "identifier":
            # Promises kept in a variable were drawn where they were created.
            if scope.pending.pop(text(plain), None) is not None:
                combined.append(text(plain))
            return ()
        resolved, resolved_scope = scope.resolve(promises)
        if resolved.type == "array":
            blocks: list[Block] = []
            for element in kids(resolved):
                plain = unwrap(element)
                if plain.type == "identifier" and text(plain) in scope.pending:
                    combined.append(text(plain))
                    scope.pending.pop(text(plain))
                    continue
                nodes = analyzer.scan(element, resolved_scope)
                if nodes:
                    blocks.append(block("branch", nodes, _first_label(nodes)))
            return tuple(blocks)
        mapped = self.mapped(resolved, resolved_scope)
        if mapped is not None:
            entries, function, where = mapped
            if entries is not None:
                found: list[Block] = []
                for entry in entries:
                    inner = where.child()
                    _bind_params(function, inner, {0: entry})
                    nodes = analyzer.function_body(function, inner, "function")
                    if nodes:
                        found.append(block("branch", nodes, entry.label))
                return tuple(found)
            inner = where.child()
            for param in params(function):
                analyzer.forget_pattern(param_pattern(param), inner)
            nodes = analyzer.function_body(function, inner, "function")
            return (block("branch", nodes, _first_label(nodes), dynamic=True),) if nodes else ()
        nodes = analyzer.scan(promises, scope)
        return (block("branch", nodes, _first_label(nodes)),) if nodes else ()

    def mapped(
        self, expression: Syntax, scope: Scope
    ) -> tuple[list[Entry] | None, Syntax, Scope] | None:
        """``items.map(fn)`` with a function literal: the registry entries (None when they are
        built at run time), the function and its scope."""
        if expression.type != "call_expression":
            return None
        function_called = call_callee(expression)
        parts = member_parts(function_called) if function_called is not None else None
        args = arguments(expression)
        if parts is None or parts[1] not in ("map", "flatMap") or not args:
            return None
        function, function_scope = scope.resolve(args[0])
        if not is_function(function):
            found = self.analyzer.find_function(function, function_scope)
            if found is None:
                return None
            function, function_scope = found.node, Scope(found.module, pending=scope.pending)
        return registry(parts[0], scope), function, function_scope

    # -- parallel and map ------------------------------------------------------------------------

    def parallel_branches(self, functions: Syntax, scope: Scope, call: Syntax) -> tuple[Block, ...]:
        """One block per branch, named as the SDK names it."""
        resolved, resolved_scope = scope.resolve(functions)
        if resolved.type == "array":
            elements = kids(resolved)
            if not any(e.type == "spread_element" for e in elements):
                return tuple(
                    self.branch(element, index, resolved_scope)
                    for index, element in enumerate(elements)
                )
        mapped = self.mapped(resolved, resolved_scope)
        if mapped is not None:
            entries, function, where = mapped
            result = returned(function)
            if result is not None:
                if entries is not None:
                    blocks: list[Block] = []
                    for index, entry in enumerate(entries):
                        inner = where.child()
                        _bind_params(function, inner, {0: entry, 1: Entry(str(index), str(index))})
                        branch = self.branch(result, index, inner)
                        if branch.label is not None and branch.label.startswith("parallel-branch-"):
                            branch = Block(role=branch.role, label=entry.label, nodes=branch.nodes)
                        blocks.append(branch)
                    return tuple(blocks)
                inner = where.child()
                for param in params(function):
                    self.analyzer.forget_pattern(param_pattern(param), inner)
                branch = self.branch(result, None, inner)
                return (Block(role="branch", label=branch.label, nodes=branch.nodes, dynamic=True),)
        self.analyzer.warn(
            "DV105",
            "the branches of this parallel are built at run time; "
            "one representative branch is drawn",
            call,
            scope,
        )
        return (Block(role="branch", label=PARALLEL_BRANCH_DEFAULT, dynamic=True),)

    def branch(self, element: Syntax, index: int | None, scope: Scope) -> Block:
        """One parallel branch: a function, or a ``{ name, func }`` object."""
        default = (
            PARALLEL_BRANCH_DEFAULT.replace("{i}", str(index))
            if index is not None
            else PARALLEL_BRANCH_DEFAULT
        )
        resolved, resolved_scope = scope.resolve(element)
        if resolved.type == "object":
            fields = object_fields(resolved)
            given = fields.get("name")
            name = evaluate_name(given, resolved_scope) if given is not None else NONE_NAME
            func = fields.get("func")
            nodes = self.body(func, resolved_scope, 0) if func is not None else []
            return block("branch", nodes, name.label or default, name.dynamic or index is None)
        nodes = self.body(resolved, resolved_scope, 0)
        return block("branch", nodes, default, index is None)

    def map_items(
        self, inputs: Syntax | None, func: Syntax, item_namer: Syntax | None, scope: Scope
    ) -> tuple[Block, ...]:
        """The map's item body: one block per registry entry, or one for every item."""
        resolved, resolved_scope = scope.resolve(func)
        if not is_function(resolved):
            found = self.analyzer.find_function(resolved, resolved_scope)
            resolved = found.node if found is not None else resolved
        entries = registry(inputs, scope) if inputs is not None else None
        if entries is not None and len(params(resolved)) >= 2:
            blocks: list[Block] = []
            for index, entry in enumerate(entries):
                position = Entry(str(index), str(index))

                def extra(inner: Scope, entry: Entry = entry, position: Entry = position) -> None:
                    _bind_params(resolved, inner, {1: entry, 2: position})

                name = self.item_name(item_namer, scope, entry, position) or entry.label
                blocks.append(block("item", self.body(func, scope, 0, extra), name))
            return tuple(blocks)
        name = self.item_name(item_namer, scope, None, None) or MAP_ITEM_DEFAULT
        return (block("item", self.body(func, scope, 0), name, dynamic=True),)

    def item_name(
        self, item_namer: Syntax | None, scope: Scope, item: Entry | None, index: Entry | None
    ) -> str | None:
        """What ``itemNamer: (item, index) => ...`` names an item."""
        if item_namer is None:
            return None
        namer, namer_scope = scope.resolve(item_namer)
        result = returned(namer) if is_function(namer) else None
        if result is None:
            return None
        inner = namer_scope.child()
        for param in params(namer):
            self.analyzer.forget_pattern(param_pattern(param), inner)
        given = {}
        if item is not None:
            given[0] = item
        if index is not None:
            given[1] = index
        _bind_params(namer, inner, given)
        return evaluate_name(result, inner).label


def _bind_params(function: Syntax, inner: Scope, given: dict[int, Entry]) -> None:
    for position, param in enumerate(params(function)):
        entry = given.get(position)
        if entry is not None:
            bind_entry(param_pattern(param), entry, inner)


def returned(function: Syntax) -> Syntax | None:
    """What a function returns: its expression body or its only top-level ``return``."""
    statements = statements_of(function)
    if statements is None:
        return field(function, "body")
    returns = [s for s in statements if s.type == "return_statement"]
    if len(returns) == 1:
        values = kids(returns[0])
        return values[0] if values else None
    return None


def _first_label(nodes: list[Node]) -> str | None:
    return nodes[0].label if nodes else None
