"""The module around a generated Python handler: its imports, the stub functions and classes the
handler calls (step bodies, predicates, submitters...), and call expressions laid out to fit
the line length."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from durable_viz.emit.common import Identifiers
from durable_viz.emit.python_values import note

__all__ = ["SDK", "WIDTH", "Call", "Frame", "Module", "keyword", "render"]

WIDTH = 99
"""Longest line the layout aims for (the project's ruff limit is 100)."""

SDK = "aws_durable_execution_sdk_python"

_HOME = {
    "DurableContext": SDK,
    "ParallelBranch": SDK,
    "StepContext": SDK,
    "durable_execution": SDK,
    "durable_step": SDK,
    "with_retry": SDK,
    "WithRetryConfig": SDK,
    "CallbackConfig": f"{SDK}.config",
    "ChildConfig": f"{SDK}.config",
    "CompletionConfig": f"{SDK}.config",
    "Duration": f"{SDK}.config",
    "InvokeConfig": f"{SDK}.config",
    "MapConfig": f"{SDK}.config",
    "NestingType": f"{SDK}.config",
    "ParallelConfig": f"{SDK}.config",
    "StepConfig": f"{SDK}.config",
    "StepSemantics": f"{SDK}.config",
    "WaitForCallbackConfig": f"{SDK}.config",
    "LinearRetryStrategyConfig": f"{SDK}.retries",
    "RetryDecision": f"{SDK}.retries",
    "RetryPresets": f"{SDK}.retries",
    "RetryStrategyConfig": f"{SDK}.retries",
    "create_linear_retry_strategy": f"{SDK}.retries",
    "create_retry_strategy": f"{SDK}.retries",
    "WaitForCallbackContext": f"{SDK}.types",
    "WaitForConditionCheckContext": f"{SDK}.types",
    "WaitForConditionConfig": f"{SDK}.waits",
    "WaitForConditionDecision": f"{SDK}.waits",
    "WaitStrategyConfig": f"{SDK}.waits",
    "create_wait_strategy": f"{SDK}.waits",
    "Any": "typing",
}
"""The module each name the generated code uses is imported from."""

SECTIONS = ("exceptions", "steps", "conditions", "values", "callbacks", "strategies")
_AFTER = {
    "steps": "The work of each step: what it returns is checkpointed.",
    "conditions": "Conditions the workflow branches and loops on.",
    "values": "Values the workflow reads from its input.",
    "callbacks": "Callback submitters and polling checks.",
    "strategies": "Custom retry strategies.",
}


@dataclass(frozen=True, slots=True)
class Call:
    """A call (or a list, or a comprehension) laid out on one line when it fits, else one
    argument a line, the way ruff formats it.

    Attributes:
        head: what precedes the brackets (the callee, ``name=callee`` for a keyword argument).
        args: the arguments, each a text or a nested call.
        brackets: ``()`` for a call, ``[]`` for a list.
        comprehension: the args are the parts of a comprehension (joined by spaces, no commas).
    """

    head: str
    args: tuple[str | Call, ...] = ()
    brackets: str = "()"
    comprehension: bool = False

    def lines(self, indent: str, prefix: str = "", suffix: str = "") -> list[str]:
        """The call as source lines at ``indent``, after ``prefix`` and before ``suffix``."""
        flat = self.flat()
        if len(indent) + len(prefix) + len(flat) + len(suffix) <= WIDTH:
            return [f"{indent}{prefix}{flat}{suffix}"]
        opening, closing = self.brackets[0], self.brackets[1]
        lines = [f"{indent}{prefix}{self.head}{opening}"]
        inner = indent + "    "
        comma = "" if self.comprehension else ","
        for arg in self.args:
            if isinstance(arg, Call):
                lines.extend(arg.lines(inner, suffix=comma))
            else:
                lines.append(f"{inner}{arg}{comma}")
        lines.append(f"{indent}{closing}{suffix}")
        return lines

    def flat(self) -> str:
        """The call on one line."""
        parts = [a.flat() if isinstance(a, Call) else a for a in self.args]
        opening, closing = self.brackets[0], self.brackets[1]
        joined = (" " if self.comprehension else ", ").join(parts)
        return f"{self.head}{opening}{joined}{closing}"


def keyword(name: str, value: str | Call) -> str | Call:
    """A keyword argument ``name=value`` (a call value keeps its layout)."""
    if isinstance(value, Call):
        return Call(f"{name}={value.head}", value.args, value.brackets, value.comprehension)
    return f"{name}={value}"


@dataclass
class Frame:
    """The function whose body is being written.

    Attributes:
        context: the name of its DurableContext variable.
        declared: names a dynamic name may interpolate here (parameters, loop variables,
            placeholders read from the input).
        placeholders: the placeholder local standing for each runtime expression so far.
        loops: the jump labels of the loops around the code being written, innermost last
            (None for an unlabelled loop); a nested function starts with none.
        handlers: how many ``except`` blocks are around the code being written.
        nesting: how many loops and ``try`` blocks are around it (CPython allows 20 in one
            function).
    """

    context: str
    declared: set[str] = field(default_factory=set)
    placeholders: dict[str, str] = field(default_factory=dict)
    loops: list[str | None] = field(default_factory=list)
    handlers: int = 0
    nesting: int = 0

    def inner(self) -> Frame:
        """The frame of a block nested in this one (what it declares stays in it)."""
        return Frame(
            self.context,
            set(self.declared),
            dict(self.placeholders),
            list(self.loops),
            self.handlers,
            self.nesting,
        )

    def nested(self, context: str, params: tuple[str, ...] = ()) -> Frame:
        """The frame of a function defined here: a closure, it sees what is declared."""
        return Frame(context, self.declared | set(params), dict(self.placeholders))


@dataclass
class Module:
    """What a generated file holds besides the handler: imports and stubs, each made once.

    ``names`` hands out every identifier of the file; ``variables`` are the names of the
    original's variables (loop variables, values interpolated in names), which no stub takes and
    a placeholder standing for one keeps.
    """

    names: Identifiers
    variables: frozenset[str] = frozenset()
    imports: dict[str, set[str]] = field(default_factory=dict)
    sections: dict[str, list[list[str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _made: dict[tuple[str, str], str] = field(default_factory=dict)

    def use(self, name: str) -> str:
        """Import ``name`` from where the SDK (or typing) defines it; returns the name."""
        self.imports.setdefault(_HOME[name], set()).add(name)
        return name

    def stub(self, section: str, key: str, wanted: str, make: Callable[[str], list[str]]) -> str:
        """The identifier of a module-level stub, written by ``make`` the first time ``key``
        is asked for in ``section``."""
        made = self._made.get((section, key))
        if made is not None:
            return made
        identifier = self.names.take(wanted)
        self._made[(section, key)] = identifier
        self.sections.setdefault(section, []).append(make(identifier))
        return identifier

    def adapt(self, text: str) -> None:
        """Record a construct Python cannot say as written (listed in the module docstring)."""
        if text not in self.notes:
            self.notes.append(text)


def render(module: Module, docstring: Iterable[str], handler: list[str]) -> str:
    """The whole file: docstring, imports, exception classes, the handler, the other stubs."""
    lines = list(docstring)
    if module.notes:
        lines.append("")
        lines.append("Written differently from the original, as Python cannot say it:")
        for text in module.notes:
            lines.extend(
                textwrap.wrap(text, WIDTH - 4, initial_indent="- ", subsequent_indent="  ")
            )
    out = ['"""' + _docstring_text(lines[0]), *(_docstring_text(line) for line in lines[1:]), '"""']
    out.append("")
    out.append("from __future__ import annotations")
    out.append("")
    if "typing" in module.imports:
        out.append("from typing import " + ", ".join(sorted(module.imports["typing"])))
        out.append("")
    for home in sorted(h for h in module.imports if h != "typing"):
        names = sorted(module.imports[home], key=_import_order)
        flat = f"from {home} import {', '.join(names)}"
        if len(flat) <= WIDTH:
            out.append(flat)
        else:
            out.append(f"from {home} import (")
            out.extend(f"    {name}," for name in names)
            out.append(")")
    for chunk in module.sections.get("exceptions", []):
        out.extend(["", "", *chunk])
    out.extend(["", "", *handler])
    for section in SECTIONS[1:]:
        chunks = module.sections.get(section, [])
        if not chunks:
            continue
        out.extend(["", "", f"# -- {_AFTER[section]}"])
        for index, chunk in enumerate(chunks):
            out.extend(chunk if index == 0 else ["", "", *chunk])
    return "\n".join(out) + "\n"


def _docstring_text(text: str) -> str:
    # A label may hold backslashes or quotes; the docstring must still end where it should.
    return note(text).replace("\\", "\\\\").replace('"""', '\\"""')


def _import_order(name: str) -> tuple[int, str]:
    # isort's order within a statement: constants, classes, then functions.
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)
