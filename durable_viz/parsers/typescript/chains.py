"""Callbacks chained on a durable promise: ``.then(onOk, onErr)``, ``.catch(onErr)`` and
``.finally(cb)`` run in the workflow's own flow, so they are drawn as the statements they stand
for: a sequence, a ``try`` around the operation with a handler, a ``finally`` block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.typescript.control import block
from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.syntax import is_function, unwrap

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.operations import Operations
    from durable_viz.parsers.typescript.values import Scope

__all__ = ["CHAIN_METHODS", "Chains"]

CHAIN_METHODS = frozenset({"then", "catch", "finally"})


class Chains:
    """Promise chains; :class:`~.analyzer.Analyzer` supplies the rest."""

    operations: Operations

    def scan(self, expression: Syntax | None, scope: Scope) -> list[Node]:
        raise NotImplementedError

    def node(self, kind: Kind, label: str, at: Syntax, where: Scope, **fields: object) -> Node:
        raise NotImplementedError

    def chained(
        self, call: Syntax, owner: Syntax, method: str, args: list[Syntax], scope: Scope
    ) -> list[Node]:
        """``owner.then(...)``, ``owner.catch(...)`` or ``owner.finally(...)``.

        On a durable promise (``owner`` runs an operation, or names one kept for later) the
        callbacks are part of the workflow. On other code's promise, ``.then``/``.finally``
        still run in sequence once it settles, but an error callback runs only if that code
        fails, which the diagram cannot show: its operations are reported (DV108), not drawn.
        """
        plain = unwrap(owner)
        kept = plain.type == "identifier" and text(plain) in scope.pending
        body = self.scan(owner, scope)
        first = args[0] if args else None
        if not (body or kept):
            if method == "catch" or first is None or not is_function(unwrap(first)):
                nodes = body
                for arg in args:
                    nodes.extend(self.scan(arg, scope))
                return nodes
            # Other code's promise: its .then/.finally callback runs after it, in sequence.
            nodes = body + self.callback_nodes(first, "then", scope)
            for arg in args[1:]:
                nodes.extend(self.scan(arg, scope))
            return nodes
        on_error = first
        if method == "then":
            on_error = args[1] if len(args) >= 2 else None
        if method != "finally" and (on_error is None or _absent(on_error)):
            # No error callback (``.then(cb)``, ``.catch()``): nothing is caught.
            success = self.callback_nodes(first, method, scope) if method == "then" else []
            return body + success
        blocks = [block("body", body, "try")]
        if method == "finally":
            final = self.callback_nodes(first, method, scope)
            if not final:
                return body  # nothing durable runs after it either way
            blocks.append(block("finally", final, "finally"))
        else:
            handler = self.callback_nodes(on_error, "catch", scope)
            blocks.append(block("handler", handler, "error"))
            if method == "then":
                blocks.append(block("else", self.callback_nodes(first, method, scope), "then"))
        return [
            self.node(
                Kind.TRY,
                "try",
                call,
                scope,
                blocks=tuple(blocks),
                catch_all=method != "finally",
            )
        ]

    def callback_nodes(self, function: Syntax | None, method: str, scope: Scope) -> list[Node]:
        """A chained callback's operations, in a function scope of their own (a ``return``
        inside ends the callback, not the workflow)."""
        if function is None:
            return []
        nodes = self.operations.body(function, scope, None)
        if not nodes:
            return []
        line, column = scope.module.source.position(function)
        return [
            Node(
                kind=Kind.SCOPE,
                label=method,
                line=line,
                column=column,
                blocks=(Block(role="body", nodes=tuple(nodes)),),
            )
        ]


def _absent(argument: Syntax) -> bool:
    """``undefined``/``null`` in a callback's place: the SDK promise just passes on."""
    plain = unwrap(argument)
    return plain.type in ("undefined", "null") or (
        plain.type == "identifier" and text(plain) == "undefined"
    )
