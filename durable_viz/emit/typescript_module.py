"""What a generated TypeScript file declares around its handler: SDK imports, error classes,
predicate stubs for conditions, placeholder functions an unnamed step calls, values switch cases
name, and the variables the handler reads from its input. Names come from one
:class:`~durable_viz.emit.common.Identifiers`, so nothing is declared twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from durable_viz.emit.common import Identifiers, camel, pascal, words
from durable_viz.emit.typescript_values import (
    GLOBALS,
    RESERVED,
    comment,
    expression,
    is_identifier,
)

__all__ = ["BUILTIN_ERRORS", "Module"]

BUILTIN_ERRORS = frozenset(
    {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"}
)

HANDLER_NAMES = ("event", "context", "ctx", "error", "callbackId", "state", "attempt")
"""Names the emitter gives parameters; an input variable never takes one of them."""

SDK_NAMES = (
    "DurableContext",
    "withDurableExecution",
    "withRetry",
    "retryPresets",
    "createRetryStrategy",
    "createLinearRetryStrategy",
    "createWaitStrategy",
    "StepSemantics",
    "NestingType",
)
"""What the file may import from the SDK: nothing it declares takes one of these names."""


@dataclass
class Module:
    """The declarations a handler needs, gathered while its body is written."""

    ids: Identifiers = field(default_factory=lambda: Identifiers(RESERVED | GLOBALS))
    imports: set[str] = field(default_factory=lambda: {"DurableContext", "withDurableExecution"})
    errors: dict[str, str | None] = field(default_factory=dict)
    predicates: list[tuple[str, str, str]] = field(default_factory=list)
    stubs: dict[str, set[str]] = field(default_factory=dict)
    cases: dict[str, set[str]] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in (*HANDLER_NAMES, *SDK_NAMES):
            self.ids.take(name)

    def use(self, name: str) -> None:
        """Import ``name`` from the SDK."""
        self.imports.add(name)

    def error_class(self, label: str) -> tuple[str, str | None]:
        """The class a handler catches or a ``throw`` raises for an error type ``label``, and
        the original name when TypeScript cannot use it (then ``Error``)."""
        found = expression(label)
        if found is None or found.code != label or found.reads != (label,):
            return "Error", label
        if label in BUILTIN_ERRORS or self.errors.get(label, "") is None:
            return label, None
        if label in self.ids:
            return "Error", label
        self.ids.take(label)
        self.errors[label] = None
        return label, None

    def predicate(self, condition: str, returns: str = "boolean") -> str:
        """A stub function standing for a condition (its text kept in the stub's comment)."""
        parts = words(condition)[:4]
        if condition.lstrip().startswith(("!", "not ")) and parts[:1] != ["not"]:
            parts = ["not", *parts[:3]]
        if parts and parts[0] in ("is", "has", "should", "can", "needs", "not"):
            wanted = camel(" ".join(parts), reserved=RESERVED)
        else:
            wanted = "is" + pascal(" ".join(parts), fallback="Ready")
        if returns != "boolean":
            wanted = camel(" ".join(parts), fallback="choice", reserved=RESERVED)
        for known, text, kind in self.predicates:
            if text == condition and kind == returns:
                return known  # the same test written twice calls one stub
        name = self.ids.take(wanted)
        self.predicates.append((name, condition, returns))
        return name

    def callee(self, described: str) -> str | None:
        """A placeholder for the function an unnamed operation runs (``transcripts.save``), so
        that it is described as before; None when the text is no plain function path."""
        parts = described.split(".")
        if len(parts) > 2 or not all(is_identifier(p) for p in parts):
            return None
        root = parts[0]
        if root in self.stubs:
            if (len(parts) == 1) != (not self.stubs[root]):
                return None
        elif root in self.ids:
            return None
        else:
            self.ids.take(root)
            self.stubs[root] = set()
        if len(parts) == 2:
            self.stubs[root].add(parts[1])
        return described

    def case_value(self, text: str) -> str | None:
        """A ``case`` expression for a case value of any language: a literal as it is, an
        enum-like ``Speed.Express`` or ``EXPRESS`` declared here; None when TypeScript cannot say
        it."""
        found = expression(text)
        if found is None:
            return None
        if not found.reads:
            return text
        parts = text.split(".")
        if len(parts) > 2 or not all(is_identifier(p) for p in parts):
            return None
        root = parts[0]
        if root in self.cases:
            if (len(parts) == 1) != (not self.cases[root]):
                return None
        elif root in self.ids:
            return None
        else:
            self.ids.take(root)
            self.cases[root] = set()
        if len(parts) == 2:
            self.cases[root].add(parts[1])
        return text

    def read(self, names: tuple[str, ...], bound: frozenset[str]) -> bool:
        """Declare the input variables an expression reads (those no enclosing code binds);
        False when one of them clashes with a name the file already uses."""
        for name in names:
            if name in bound or name in self.inputs or name == "event":
                continue
            if name in self.ids:
                return False
        for name in names:
            if name not in bound and name not in self.inputs and name != "event":
                self.ids.take(name)
                self.inputs.append(name)
        return True

    def declarations(self) -> list[str]:
        """The module-level declarations, after the imports and before the handler."""
        lines: list[str] = []
        for name in self.errors:
            lines.append(f"class {name} extends Error {{}}")
        if self.errors:
            lines.append("")
        for root, members in sorted(self.cases.items()):
            if members:
                body = ", ".join(f'{m} = "{m}"' for m in sorted(members))
                lines.append(f"enum {root} {{ {body} }}")
            else:
                lines.append(f'const {root} = "{root}";')
        if self.cases:
            lines.append("")
        for root, members in sorted(self.stubs.items()):
            lines.append(f"/** TODO: the work {root} does. */")
            if members:
                lines.append(f"const {root} = {{")
                for member in sorted(members):
                    lines.append(f"  {member}: async (): Promise<unknown> => undefined,")
                lines.append("};")
            else:
                lines.append(f"async function {root}(): Promise<unknown> {{")
                lines.append("  return undefined;")
                lines.append("}")
            lines.append("")
        for name, condition, returns in self.predicates:
            lines.append(f"/** TODO: `{_doc(condition)}` in the original. */")
            lines.append(f"function {name}(): {returns} {{")
            lines.append("  return false;" if returns == "boolean" else "  return undefined;")
            lines.append("}")
            lines.append("")
        return lines


def _doc(text: str) -> str:
    return comment(text).replace("`", "'")
