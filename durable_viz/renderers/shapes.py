"""Node shapes and their text: how each kind is drawn and how large its box must be.

A node's box is sized from its text (label lines and annotation lines) measured with the
glyph-width table of :mod:`durable_viz.renderers.metrics`, plus padding that depends on the shape:
a diamond or a circle needs more room around the same text than a rectangle. Long labels are
wrapped at word (or identifier) boundaries and ellipsised after a few lines; the full text goes
into the node's ``<title>``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from durable_viz.graph import Kind
from durable_viz.renderers.metrics import text_width

__all__ = [
    "ANNOTATION_LINE",
    "ANNOTATION_SIZE",
    "LABEL_LINE",
    "LABEL_SIZE",
    "SMALL_LINE",
    "SMALL_SIZE",
    "Shape",
    "TextBlock",
    "ellipsize",
    "shape_of",
    "size_node",
    "wrap",
]

LABEL_SIZE = 13.0
LABEL_LINE = 16.0
ANNOTATION_SIZE = 11.0
ANNOTATION_LINE = 14.0
SMALL_SIZE = 11.0
SMALL_LINE = 14.0
ELLIPSIS = "\u2026"
MAX_LABEL_LINES = 3


class Shape:
    """Shape names, as used by the SVG writer."""

    RECT = "rect"
    STADIUM = "stadium"
    TRAPEZOID = "trapezoid"
    HEXAGON = "hexagon"
    CIRCLE = "circle"
    DIAMOND = "diamond"
    SUBROUTINE = "subroutine"


_SHAPES: dict[Kind, str] = {
    Kind.START: Shape.STADIUM,
    Kind.END: Shape.STADIUM,
    Kind.RETURN: Shape.STADIUM,
    Kind.RAISE: Shape.STADIUM,
    Kind.STEP: Shape.RECT,
    Kind.INVOKE: Shape.TRAPEZOID,
    Kind.PARALLEL: Shape.HEXAGON,
    Kind.MAP: Shape.HEXAGON,
    Kind.PROMISE_ALL: Shape.HEXAGON,
    Kind.PROMISE_ANY: Shape.HEXAGON,
    Kind.PROMISE_RACE: Shape.HEXAGON,
    Kind.PROMISE_ALL_SETTLED: Shape.HEXAGON,
    Kind.WAIT: Shape.CIRCLE,
    Kind.CREATE_CALLBACK: Shape.CIRCLE,
    Kind.WAIT_FOR_CALLBACK: Shape.CIRCLE,
    Kind.WAIT_FOR_CONDITION: Shape.CIRCLE,
    Kind.CONDITION: Shape.DIAMOND,
    Kind.LOOP: Shape.DIAMOND,
    Kind.CHILD_CONTEXT: Shape.SUBROUTINE,
    Kind.WITH_RETRY: Shape.SUBROUTINE,
}

# The widest a label line may get before it wraps, per shape: diamonds and circles grow in both
# directions with their text, so they wrap sooner.
_MAX_WIDTH = {Shape.DIAMOND: 150.0, Shape.CIRCLE: 110.0}
_DEFAULT_MAX_WIDTH = 220.0
_PAD_X = 12.0
_PAD_Y = 8.0
_MIN_WIDTH = 56.0
_MIN_HEIGHT = 34.0
SUBROUTINE_INSET = 8.0

_BREAK_AFTER = re.compile(r"(?<=[ \-_./,:;|)\]}])")


def shape_of(kind: Kind) -> str:
    """The shape a kind is drawn with (a rectangle for anything unlisted)."""
    return _SHAPES.get(kind, Shape.RECT)


def ellipsize(text: str, max_width: float, size: float) -> str:
    """``text``, cut and ended with an ellipsis if it is wider than ``max_width`` px."""
    if text_width(text, size) <= max_width:
        return text
    width = text_width(ELLIPSIS, size)
    kept: list[str] = []
    for char in text:
        char_width = text_width(char, size)
        if width + char_width > max_width:
            break
        kept.append(char)
        width += char_width
    return "".join(kept).rstrip() + ELLIPSIS


def wrap(text: str, max_width: float, size: float, max_lines: int = MAX_LABEL_LINES) -> list[str]:
    """Greedy line wrapping at spaces and identifier punctuation, ellipsised after ``max_lines``.

    Args:
        text: the text; runs of whitespace (newlines included) count as one space.
        max_width: the widest a line may be, in px.
        size: font size in px.
        max_lines: lines kept; the last one ends with an ellipsis when text was left out.

    Returns:
        At least one line (an empty label gives one empty line); every line fits ``max_width``.
    """
    text = " ".join(text.split())
    chunks = [chunk for chunk in _BREAK_AFTER.split(text) if chunk]
    lines: list[str] = []
    current = ""
    for chunk in chunks:
        candidate = current + chunk
        if text_width(candidate.rstrip(), size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
        # A chunk wider than a whole line is cut by characters.
        rest = chunk
        while text_width(rest.rstrip(), size) > max_width:
            head = ellipsize(rest, max_width, size)[:-1] or rest[0]
            lines.append(head)
            rest = rest[len(head) :]
        current = rest
        if len(lines) > max_lines:
            break
    if current.strip() or not lines:
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], ellipsize(rest + ELLIPSIS, max_width, size)]
    return lines


@dataclass(frozen=True, slots=True)
class TextBlock:
    """A node's text, wrapped, and the box it needs.

    ``width``/``height`` are the node's outer size in px; ``text_width``/``text_height`` the size
    of the text block centred inside it.
    """

    shape: str
    lines: tuple[str, ...]
    annotations: tuple[str, ...]
    text_width: float
    text_height: float
    width: float
    height: float


@lru_cache(maxsize=4096)  # a pure function the layout asks several times per node and redraw
def size_node(kind: Kind, label: str, annotations: tuple[str, ...] = ()) -> TextBlock:
    """Wrap a node's text and size its shape so the text fits inside it.

    Args:
        kind: the node's kind (chooses the shape).
        label: the full label.
        annotations: short texts drawn under the label, one line each.

    Returns:
        The wrapped text and the outer size of the shape.
    """
    shape = shape_of(kind)
    max_width = _MAX_WIDTH.get(shape, _DEFAULT_MAX_WIDTH)
    lines = tuple(wrap(label, max_width, LABEL_SIZE))
    notes = tuple(ellipsize(" ".join(a.split()), max_width, ANNOTATION_SIZE) for a in annotations)
    tw = max(
        [text_width(line, LABEL_SIZE) for line in lines]
        + [text_width(note, ANNOTATION_SIZE) for note in notes]
    )
    th = len(lines) * LABEL_LINE + len(notes) * ANNOTATION_LINE
    w, h = _outer(shape, tw, th)
    return TextBlock(shape, lines, notes, tw, th, _up(w), _up(h))


def _outer(shape: str, tw: float, th: float) -> tuple[float, float]:
    """The outer size of ``shape`` holding a centred ``tw`` x ``th`` text block."""
    if shape == Shape.DIAMOND:
        # The text's corner (x, y) must satisfy x/a + y/b <= 1 for half-diagonals a, b.
        x, y = tw / 2 + 4, th / 2 + 4
        b = y + 16
        a = x / (1 - y / b)
        return max(2 * a, 64.0), 2 * b
    if shape == Shape.CIRCLE:
        r = math.hypot(tw / 2 + 4, th / 2 + 4)
        d = max(2 * r, 48.0)
        return d, d
    h = max(th + 2 * _PAD_Y, _MIN_HEIGHT)
    w = tw + 2 * _PAD_X
    if shape == Shape.STADIUM:
        w = tw + h
    elif shape in (Shape.TRAPEZOID, Shape.HEXAGON):
        # Slanted sides lean in by a quarter of the height at the text's top and bottom.
        w = tw + 2 * _PAD_X + h / 2
    elif shape == Shape.SUBROUTINE:
        w = tw + 2 * _PAD_X + 2 * SUBROUTINE_INSET
    return max(w, _MIN_WIDTH), h


def _up(value: float) -> float:
    """Round up to whole pixels so coordinates stay short and deterministic."""
    return float(math.ceil(value - 1e-9))
