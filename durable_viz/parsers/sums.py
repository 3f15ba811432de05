"""``a + b`` in an operation name, the same way in every language: a sum of numbers, or text
joined (kept apart from base.py while that file is being edited; it belongs there)."""

from __future__ import annotations

from durable_viz.parsers.base import NameValue

__all__ = ["plus"]


def plus(numbers: list[float | None], parts: list[NameValue], code: str) -> NameValue:
    """``a + b``, given each side as a number (None when it is not one the source shows) and
    as a name, and the expression's source text.

    Both numbers: their sum (``n + 1`` with ``n = 0`` is ``1``). One number and one side not
    shown at all: a value not shown (``n + 1`` in a loop that changes ``n``: a sum, or, in
    languages where ``+`` also joins text, text; either way nothing the source shows). Else the
    two sides joined (``"try-" + n``).
    """
    first, second = numbers
    if first is not None and second is not None:
        total = first + second
        return NameValue.literal(str(int(total)) if total.is_integer() else str(total))
    if (first is not None or second is not None) and any(p.name == "{}" for p in parts):
        return NameValue.runtime(code)
    return NameValue.join(parts)
