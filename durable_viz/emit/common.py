"""What every emitter needs: identifiers made from operation names, and dynamic names split into
the text they keep and the runtime values they interpolate.

A workflow read from one language and written in another carries names such as ``validate-order``
(which must become ``validate_order``, ``validateOrder`` or ``ValidateOrder`` where code needs an
identifier) and patterns such as ``process-{}`` whose label says what filled the hole
(``process-{item.id}``). The helpers here are pure functions of text, the same for every language;
each emitter adds its own spelling (quotes, interpolation syntax, reserved words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "Identifiers",
    "NamePattern",
    "camel",
    "name_pattern",
    "pascal",
    "snake",
    "split_label",
    "words",
]

_WORD = re.compile(r"[A-Za-z0-9]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(text: str) -> list[str]:
    """The lower-case words of a name: ``validate-order``, ``validateOrder`` and
    ``Validate_Order`` all give ``["validate", "order"]``. Characters that cannot appear in an
    identifier separate words and are otherwise dropped."""
    found: list[str] = []
    for chunk in _WORD.findall(text):
        found.extend(part.lower() for part in _CAMEL_BOUNDARY.split(chunk) if part)
    return found


def _safe(identifier: str, fallback: str, reserved: Iterable[str]) -> str:
    fallback = fallback or "value"
    if not identifier:
        identifier = fallback
    if identifier[0].isdigit():
        identifier = f"{fallback}_{identifier}" if "_" in fallback else fallback + identifier
    if identifier in frozenset(reserved):
        identifier += "_"
    return identifier


def snake(text: str, *, fallback: str = "value", reserved: Iterable[str] = ()) -> str:
    """``validate-order`` -> ``validate_order`` (Python functions and variables)."""
    return _safe("_".join(words(text)), fallback, reserved)


def camel(text: str, *, fallback: str = "value", reserved: Iterable[str] = ()) -> str:
    """``validate-order`` -> ``validateOrder`` (TypeScript and Java members, C# locals)."""
    parts = words(text)
    joined = parts[0] + "".join(p.capitalize() for p in parts[1:]) if parts else ""
    return _safe(joined, fallback, reserved)


def pascal(text: str, *, fallback: str = "Value", reserved: Iterable[str] = ()) -> str:
    """``validate-order`` -> ``ValidateOrder`` (classes; C# methods)."""
    return _safe("".join(p.capitalize() for p in words(text)), fallback, reserved)


class Identifiers:
    """Hands out identifiers unique within one generated file.

    ``take("validate_order")`` returns ``validate_order`` the first time and ``validate_order_2``
    the next, so two operations with the same name get two functions. Names given at creation
    (imports, parameters) are never handed out.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)

    def take(self, wanted: str) -> str:
        """``wanted``, or ``wanted`` with the first free numeric suffix."""
        candidate = wanted
        counter = 2
        while candidate in self._taken:
            candidate = (
                f"{wanted}_{counter}" if not wanted[-1:].isdigit() else f"{wanted}x{counter}"
            )
            counter += 1
        self._taken.add(candidate)
        return candidate

    def __contains__(self, identifier: str) -> bool:
        return identifier in self._taken


@dataclass(frozen=True, slots=True)
class NamePattern:
    """A name split at its runtime parts.

    ``texts`` has one more entry than ``holes``: the name is ``texts[0] + hole[0] + texts[1] ...``.
    Each hole is the expression the source interpolated (``item.id``), or ``None`` when the label
    does not say; :func:`name_pattern` only fills what it can match exactly.
    """

    texts: tuple[str, ...]
    holes: tuple[str | None, ...]

    @property
    def is_literal(self) -> bool:
        """True when the name has no runtime part."""
        return not self.holes


def name_pattern(name: str, label: str | None = None, *, dynamic: bool = True) -> NamePattern:
    """Split a model name (``process-{}``) at its runtime parts, taking each part's expression
    from the label when the label is the same text with expressions in the holes
    (``process-{item.id}``).

    A name that is not dynamic is one literal text, braces and all.
    """
    if not dynamic or "{}" not in name:
        return NamePattern((name,), ())
    texts = tuple(name.split("{}"))
    holes: list[str | None] = [None] * (len(texts) - 1)
    if label is not None:
        matched = _match_holes(texts, label)
        if matched is not None:
            holes = list(matched)
    return NamePattern(texts, tuple(holes))


def _match_holes(texts: tuple[str, ...], label: str) -> list[str | None] | None:
    """The expressions between the literal texts of a label, or None when it does not fit."""
    if not label.startswith(texts[0]) or not label.endswith(texts[-1]):
        return None
    position = len(texts[0])
    end_limit = len(label) - len(texts[-1])
    holes: list[str | None] = []
    for following in texts[1:]:
        if not label.startswith("{", position):
            return None
        if following is texts[-1] and len(holes) == len(texts) - 2:
            close = end_limit - 1
        else:
            close = label.find("}" + following, position)
        if close < position or label[close] != "}":
            return None
        holes.append(label[position + 1 : close] or None)
        position = close + 1 + len(following)
    return holes if position == len(label) else None


def split_label(
    label: str, *, strict: bool = True
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A label's literal texts and the ``{...}`` expressions between them: ``file-{i}-{key}``
    gives ``("file-", "-", "")`` and ``("i", "key")``; braces inside an expression nest
    (``send-{ {a: 1}[k] }``). There is always one more text than expressions.

    Braces that do not pair up give None, or with ``strict=False`` stay in the texts as they are
    (a ``}`` with no ``{``, and a ``{`` never closed with what follows it).
    """
    texts: list[str] = []
    holes: list[str] = []
    current: list[str] = []
    hole: list[str] = []
    depth = 0
    for char in label:
        if depth == 0:
            if char == "{":
                depth = 1
                texts.append("".join(current))
                current = []
                hole = []
            elif char == "}" and strict:
                return None
            else:
                current.append(char)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                holes.append("".join(hole))
                continue
        hole.append(char)
    if depth:
        if strict:
            return None
        current = ["{", *hole]
    texts.append("".join(current))
    return tuple(texts), tuple(holes)
