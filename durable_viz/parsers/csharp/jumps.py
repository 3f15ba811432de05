"""``goto`` as C# says a labelled ``break`` or ``continue``.

C# has no ``break outer``: code leaves nested loops with ``goto Done;`` to a label on the
statement right after the outer loop, and goes on with the next iteration with
``goto Next;`` to a label on an empty statement ending the loop's body (``Next: ;``). A block
followed by a label (``{ ... goto Found; ... } Found: ;``) is a labelled block, and a label after
a ``switch`` is how a loop inside it leaves the switch. These gotos are
drawn as the ``break``/``continue`` they stand for, naming the loop (or block) by the label;
any other ``goto`` (backwards, ``goto case``) is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from durable_viz.graph import Kind, Node
from durable_viz.parsers.csharp.syntax import named, text

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

__all__ = ["Gotos", "goto_label", "label_after", "label_ending"]


def _label_name(statement: SyntaxNode) -> str | None:
    parts = named(statement)
    return text(parts[0]) if parts and parts[0].type == "identifier" else None


def label_after(statement: SyntaxNode) -> str | None:
    """The label on the statement right after ``statement`` in the same block."""
    if statement.parent is None or statement.parent.type != "block":
        return None
    sibling = statement.next_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_named_sibling
    if sibling is None or sibling.type != "labeled_statement":
        return None
    return _label_name(sibling)


def label_ending(body: SyntaxNode | None) -> str | None:
    """The label on an empty statement that ends a loop body (``Next: ;``)."""
    if body is None or body.type != "block":
        return None
    statements = [s for s in named(body) if s.type != "comment"]
    if not statements or statements[-1].type != "labeled_statement":
        return None
    inner = named(statements[-1])[1:]
    if len(inner) != 1 or inner[0].type != "empty_statement":
        return None
    return _label_name(statements[-1])


def goto_label(statement: SyntaxNode) -> str | None:
    """The label a ``goto L;`` names (``None`` for ``goto case``/``goto default``)."""
    if any(c.type in ("case", "default") for c in statement.children):
        return None
    parts = named(statement)
    return text(parts[0]) if len(parts) == 1 and parts[0].type == "identifier" else None


@dataclass
class Gotos:
    """The labels a ``goto`` may leave through, while the statements they end are read."""

    targets: dict[str, list[tuple[Kind, str]]] = field(default_factory=dict)
    """Label -> (the jump it stands for, the name of the loop or block it leaves), innermost
    last (a block right before a loop's ``Next: ;`` is left through it too)."""
    used: set[str] = field(default_factory=set)
    """Names of loops and blocks some ``goto`` left."""

    def enter(
        self, leaving: str | None, repeating: str | None = None, name: str | None = None
    ) -> str | None:
        """Register a loop's (block's, switch's) labels; returns the name it is known by:
        ``name`` when it has one of its own (a switch), else the label."""
        known = name or leaving or repeating
        if known is None or (leaving is None and repeating is None):
            return None
        self.used.discard(known)
        if leaving is not None:
            self.targets.setdefault(leaving, []).append((Kind.BREAK, known))
        if repeating is not None:
            self.targets.setdefault(repeating, []).append((Kind.CONTINUE, known))
        return known

    def leave(self, name: str | None, leaving: str | None, repeating: str | None = None) -> bool:
        """Forget the labels; whether a ``goto`` used them."""
        for label in (leaving, repeating):
            stack = self.targets.get(label) if label is not None else None
            if stack:
                stack.pop()
            if label is not None and not stack:
                self.targets.pop(label, None)
        if name is None or name not in self.used:
            return False
        self.used.discard(name)
        return True

    def jump(self, statement: SyntaxNode) -> Node | None:
        """The ``break``/``continue`` a ``goto`` stands for, or ``None`` (not drawn)."""
        label = goto_label(statement)
        stack = self.targets.get(label) if label is not None else None
        if not stack:
            return None
        kind, name = stack[-1]
        self.used.add(name)
        word = "break" if kind is Kind.BREAK else "continue"
        return Node(kind=kind, label=word, line=1, column=1, jump_label=name)
