"""``try``/``catch``/``finally`` of TypeScript/JavaScript as try nodes: an ``instanceof`` chain
in a catch reads as one handler per error type. Names the body assigns hold no value shown in
a handler (it may run after any part of the body); see :mod:`durable_viz.parsers.paths`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.typescript.control import ControlFlow, block, condition_of
from durable_viz.parsers.typescript.loops import changed_in
from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.syntax import field, kids, unwrap

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.values import Scope

__all__ = ["TryBlocks"]


class TryBlocks(ControlFlow):
    """``try`` statements; :class:`~.analyzer.Analyzer` supplies statements and expressions."""

    def try_block(self, statement: Syntax, scope: Scope, exits: str) -> list[Node]:
        """``try``/``catch``/``finally``."""
        paths = self.paths(scope)
        paths.start()
        body = field(statement, "body")
        blocks = [block("body", self.branch(body, scope, exits), "try")]
        paths.end()
        cache = scope.module.loop_changes
        in_body = changed_in(body, cache) if body is not None else frozenset()
        catch_all = False
        handler = field(statement, "handler")
        if handler is not None:
            parameter = field(handler, "parameter")

            def begin() -> None:
                # A handler may run after any part of the body.
                paths.start(in_body)
                if parameter is not None:
                    self.forget_pattern(parameter, scope)

            handlers, catch_all = self.handlers(handler, parameter, scope, exits, begin, paths.end)
            blocks.extend(handlers)
        finalizer = field(statement, "finalizer")
        final = field(finalizer, "body") if finalizer is not None else None
        if final is not None:
            changed = in_body | (changed_in(handler, cache) if handler is not None else in_body)
            nodes = paths.then_finally(
                changed, lambda: self.branch(final, scope, exits), changed_in(final, cache)
            )
            blocks.append(block("finally", nodes, "finally"))
        else:
            paths.join()
        return [
            self.node(Kind.TRY, "try", statement, scope, blocks=tuple(blocks), catch_all=catch_all)
        ]

    def handlers(
        self,
        handler: Syntax,
        parameter: Syntax | None,
        scope: Scope,
        exits: str,
        begin: Callable[[], None],
        end: Callable[[], None],
    ) -> tuple[list[Block], bool]:
        """The handler blocks of a catch clause, and whether it catches every error.

        ``catch (e) { if (e instanceof A) {...} else if (e instanceof B) {...} else throw e; }``
        is how TypeScript writes typed handlers: it reads as handlers ``A`` and ``B``. Each is
        one way through the ``try``, read between ``begin()`` and ``end()``.
        """
        body = field(handler, "body")
        statements = kids(body) if body is not None else []
        error = (
            text(parameter) if parameter is not None and parameter.type == "identifier" else None
        )
        chain = statements[0] if len(statements) == 1 else None
        if error is None or chain is None or _instance_type(chain, error) is None:
            begin()
            nodes = self.branch(body, scope, exits)
            end()
            return [block("handler", nodes, "error")], True
        blocks: list[Block] = []
        current: Syntax | None = chain
        while current is not None:
            error_type = _instance_type(current, error) if current.type == "if_statement" else None
            if error_type is None:
                if _rethrows(current, error):
                    return blocks, False
                begin()
                blocks.append(block("handler", self.branch(current, scope, exits), "error"))
                end()
                return blocks, True
            begin()
            nodes = self.branch(field(current, "consequence"), scope, exits)
            end()
            blocks.append(block("handler", nodes, error_type))
            alternative = field(current, "alternative")
            inner = kids(alternative) if alternative is not None else []
            current = inner[0] if inner else None
        # Errors of other types are caught and dropped: an empty handler catches them.
        begin()
        end()
        blocks.append(block("handler", [], "error"))
        return blocks, True


def _instance_type(statement: Syntax, error: str) -> str | None:
    """``X`` when a statement is ``if (error instanceof X)``."""
    if statement.type != "if_statement":
        return None
    test = condition_of(statement)
    if test is None or test.type != "binary_expression":
        return None
    operator, left, right = field(test, "operator"), field(test, "left"), field(test, "right")
    if operator is None or text(operator) != "instanceof" or left is None or right is None:
        return None
    if text(unwrap(left)) != error:
        return None
    return text(right)


def _rethrows(statement: Syntax | None, error: str) -> bool:
    """Whether a statement (or a block holding only it) is ``throw error``."""
    if statement is None:
        return False
    if statement.type == "statement_block":
        inner = kids(statement)
        return len(inner) == 1 and _rethrows(inner[0], error)
    if statement.type != "throw_statement":
        return False
    thrown = kids(statement)
    return bool(thrown) and text(unwrap(thrown[0])) == error
