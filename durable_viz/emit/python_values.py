"""Python spellings of the values a workflow carries: string literals, f-strings for dynamic
names, durations, retry and completion settings, ``match`` patterns, exception names, and
the headers of loops read from other languages.

Pure functions of text. Checks on Python syntax use the standard library's ``ast`` (never the
code being converted: a label is text, parsed here only to know whether Python can say it).
"""

from __future__ import annotations

import ast
import builtins
import keyword
from dataclasses import dataclass

from durable_viz.emit.common import snake, split_label, words

__all__ = [
    "RESERVED",
    "single_quoted",
    "LoopHeader",
    "case_pattern",
    "condition_identifier",
    "duration_call",
    "exception_class",
    "expression_names",
    "handler_types",
    "identifier",
    "is_identifier",
    "loop_header",
    "note",
    "py_string",
    "split_label",
]

RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
"""Names a generated identifier must not take: keywords and builtins (``id``, ``list``...)."""

_MAX_WORDS = 5


def identifier(text: str, *, fallback: str = "value") -> str:
    """A snake_case identifier for a name or a condition (at most five words)."""
    kept = words(text)[:_MAX_WORDS]
    return snake(" ".join(kept), fallback=fallback, reserved=RESERVED)


_OPERATORS = (
    ("!==", " not "),
    ("!=", " not "),
    ("===", " is "),
    ("==", " is "),
    (">=", " at least "),
    ("<=", " at most "),
    ("&&", " and "),
    ("||", " or "),
    ("!", " not "),
    (">", " over "),
    ("<", " under "),
)


def condition_identifier(text: str) -> str:
    """A predicate's name from the condition it decides, its operators said in words
    (``hotel != null`` gives ``hotel_not_null``, ``!ok`` gives ``not_ok``)."""
    for operator, spoken in _OPERATORS:
        text = text.replace(operator, spoken)
    kept = words(text)[: _MAX_WORDS + 1]
    return snake(" ".join(kept), fallback="condition", reserved=RESERVED)


def is_identifier(text: str) -> bool:
    """True for a plain Python name that is not a keyword."""
    return text.isidentifier() and not keyword.iskeyword(text)


def note(text: str) -> str:
    """Text for a comment: characters that would end the line (or are unprintable) escaped."""
    return "".join(c if c.isprintable() else _escape(c, "") for c in text)


def py_string(text: str, quote: str = '"') -> str:
    """A Python string literal holding ``text`` exactly."""
    return quote + _escape(text, quote) + quote


def _escape(text: str, quote: str) -> str:
    out: list[str] = []
    for char in text:
        if char == "\\" or (quote and char == quote):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif not char.isprintable() or 0xD800 <= ord(char) <= 0xDFFF:
            code = ord(char)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def f_string(texts: tuple[str, ...], holes: tuple[str, ...]) -> str:
    """An f-string: ``texts[0]{holes[0]}texts[1]...``; the quote avoids those the holes use
    (before Python 3.12 an f-string expression cannot hold its own quote)."""
    quote = "'" if any('"' in hole for hole in holes) else '"'
    parts = [_escape(texts[0], quote).replace("{", "{{").replace("}", "}}")]
    for hole, text in zip(holes, texts[1:], strict=True):
        parts.append("{" + hole + "}")
        parts.append(_escape(text, quote).replace("{", "{{").replace("}", "}}"))
    return "f" + quote + "".join(parts) + quote


def single_quoted(expression: str) -> str:
    """An expression's string literals in single quotes, so that the f-string holding it keeps
    double ones (``tool["name"]`` is ``tool['name']``); as written when it holds both quotes."""
    if "'" in expression or "\\" in expression:
        return expression
    return expression.replace('"', "'")


def expression_names(text: str) -> tuple[str, ...] | None:
    """The names a Python expression reads, in order; None when ``text`` cannot sit in an
    f-string hole (not an expression, or it holds braces, a backslash, both quotes, a lambda,
    ``await`` or ``:=``)."""
    if not text or "\\" in text or "{" in text or "}" in text or "\n" in text:
        return None
    if '"' in text and "'" in text:
        return None
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Lambda, ast.Await, ast.NamedExpr, ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return None
        if isinstance(node, ast.Name) and node.id not in found:
            found.append(node.id)
    return tuple(found)


# -- durations -------------------------------------------------------------------------------

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def duration_seconds(text: str) -> float | None:
    """Seconds in a duration text as ``duration_text`` writes it (``1h 30m``, ``15m``, ``0.5s``)."""
    total = 0.0
    parts = text.split()
    if not parts:
        return None
    for part in parts:
        unit = _UNITS.get(part[-1:])
        try:
            amount = float(part[:-1])
        except ValueError:
            return None
        if unit is None:
            return None
        total += amount * unit
    return total


def duration_call(text: str | None) -> str | None:
    """``Duration.from_minutes(15)`` for ``15m``; None when the text is not a duration."""
    if text is None:
        return None
    seconds = duration_seconds(text)
    if seconds is None:
        return None
    if seconds != int(seconds):
        return f"Duration.from_seconds({seconds:g})"
    whole = int(seconds)
    if whole >= 2 * 86400 and whole % 86400 == 0:
        return f"Duration.from_days({whole // 86400})"
    if whole >= 3600 and whole % 3600 == 0:
        return f"Duration.from_hours({whole // 3600})"
    if whole >= 60 and whole % 60 == 0:
        return f"Duration.from_minutes({whole // 60})"
    return f"Duration.from_seconds({whole})"


# -- loops -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoopHeader:
    """What a loop label says: ``while`` (with its test) or ``for`` (with its variable)."""

    kind: str
    target: str
    source: str


_FOR_PREFIXES = ("for await ", "await foreach ", "async for ", "foreach ", "for ")


def loop_header(label: str) -> LoopHeader:
    """Read a loop label of any language: ``for tool in tools`` (Python), ``for tool : xs``
    (Java), ``foreach var x in xs`` (C#), ``for (const x of xs)``, ``xs.forEach(x)`` (TS),
    ``while ...``. The variable is a Python target, ``item`` when none can be read."""
    text = label.strip()
    if text.startswith("while"):
        test = text[len("while") :].strip()
        if test.startswith("(") and test.endswith(")") and test.count("(") == 1:
            test = test[1:-1].strip()
        return LoopHeader("while", "", test)
    body = text
    for prefix in _FOR_PREFIXES:
        if body.startswith(prefix):
            body = body[len(prefix) :].strip()
            break
    else:
        if ".forEach(" in body and body.endswith(")"):
            head, _, inner = body.partition(".forEach(")
            return LoopHeader("for", _target(inner[:-1].split(",")[0]), head)
        return LoopHeader("for", "item", body)
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1].strip()
    for separator in (" in ", " of ", " : "):
        head, found, rest = body.partition(separator)
        if found:
            return LoopHeader("for", _target(head), rest.strip())
    return LoopHeader("for", "item", body)


def _target(text: str) -> str:
    """A ``for`` target from a loop variable declaration (``const x``, ``var (a, b)``,
    ``String name``, ``i, item``)."""
    text = text.strip()
    if is_target(text):
        return text
    for bracket in "()[]{}":
        text = text.replace(bracket, " ")
    last = text.replace(",", " , ").split()
    # Declarations put the name last (``final Tool tool``); a tuple keeps its names.
    names = [t for t in last if t != ","]
    if "," in last:
        cleaned = [n for n in names if is_identifier(n) and n not in ("var", "const", "let")]
        if cleaned:
            return ", ".join(cleaned)
    if names and is_identifier(names[-1]):
        return names[-1]
    return "item"


def is_target(text: str) -> bool:
    """True for a Python ``for`` target made of plain names (``x``, ``i, x``)."""
    parts = [p.strip() for p in text.split(",")]
    return bool(parts) and all(is_identifier(p) for p in parts)


# -- match/case ------------------------------------------------------------------------------


def case_pattern(label: str) -> str | None:
    """The Python pattern for an outcome labelled ``case X``: the label's own text when Python
    reads it as a pattern that binds nothing and is not irrefutable, or Java's ``case A, case B``
    as ``A | B``; None when Python cannot say it so (``case EXPRESS`` would capture)."""
    if not label.startswith("case "):
        return None
    text = label[len("case ") :]
    candidates = [text]
    if ", case " in text:
        candidates.append(" | ".join(text.split(", case ")))
    return next((c for c in candidates if _is_value_pattern(c)), None)


def _is_value_pattern(text: str) -> bool:
    source = f"match x:\n    case {text}:\n        pass\n    case _:\n        pass\n"
    try:
        tree = ast.parse(source)
        compile(tree, "<pattern>", "exec")
    except (SyntaxError, ValueError):
        return False
    return not any(
        (isinstance(node, ast.MatchAs) and node.name is not None)
        or isinstance(node, ast.MatchStar)
        or (isinstance(node, ast.MatchMapping) and node.rest is not None)
        for node in ast.walk(tree.body[0].cases[0].pattern)  # type: ignore[attr-defined]
    )


# -- exceptions ------------------------------------------------------------------------------

CATCH_ALL = frozenset({"error", "Exception", "Throwable", "System.Exception", "BaseException"})
"""Handler labels that catch every error in some language."""


def _is_dotted(text: str) -> bool:
    return bool(text) and all(is_identifier(part) for part in text.split("."))


def exception_class(text: str) -> str | None:
    """The exception class a ``raise``/``throw`` label names (``InvalidOrderError``); None
    when it names none (``throw error``, ``raise``)."""
    if _is_dotted(text) and text.rsplit(".", maxsplit=1)[-1][:1].isupper():
        return text
    return None


def is_builtin_exception(name: str) -> bool:
    """True for a Python built-in exception class (no stub class needed)."""
    found = getattr(builtins, name, None)
    return isinstance(found, type) and issubclass(found, BaseException)


def handler_types(label: str | None) -> tuple[str, bool]:
    """The ``except`` clause for a handler label and whether Python can say it as written:
    ``(A, B)`` for ``A | B``, ``Exception`` for a catch-all or a type Python cannot name."""
    if label is None or label in CATCH_ALL:
        return ("BaseException" if label == "BaseException" else "Exception"), True
    head, when, _ = label.partition(" when ")  # C#'s exception filter
    names = [part.strip() for part in head.split("|")]
    if all(_is_dotted(name) for name in names):
        return (names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"), not when
    return "Exception", False


def name_words(text: str, fallback: str) -> str:
    """An identifier from a name with its ``{}`` holes dropped."""
    return identifier(text.replace("{}", " "), fallback=fallback)
