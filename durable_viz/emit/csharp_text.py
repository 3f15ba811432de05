"""C# spelling for the C# emitter: string literals, interpolated names, identifiers, and the
stub members (predicates, collections, input fields) a generated handler declares.

The emitter writes code as lists of lines at relative indentation; :func:`indent` shifts them
and :func:`call` lays out a call on one line or one argument per line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from durable_viz.emit import common
from durable_viz.emit.common import Identifiers, camel, name_pattern, pascal, words

__all__ = [
    "KEYWORDS",
    "TAKEN",
    "Lines",
    "Names",
    "call",
    "comment",
    "expression_root",
    "indent",
    "is_type_name",
    "literal",
    "split_label",
]

Lines = list[str]
"""Code lines at relative indentation (four spaces a level)."""

KEYWORDS = frozenset(
    {
        "abstract",
        "as",
        "base",
        "bool",
        "break",
        "byte",
        "case",
        "catch",
        "char",
        "checked",
        "class",
        "const",
        "continue",
        "decimal",
        "default",
        "delegate",
        "do",
        "double",
        "else",
        "enum",
        "event",
        "explicit",
        "extern",
        "false",
        "finally",
        "fixed",
        "float",
        "for",
        "foreach",
        "goto",
        "if",
        "implicit",
        "in",
        "int",
        "interface",
        "internal",
        "is",
        "lock",
        "long",
        "namespace",
        "new",
        "null",
        "object",
        "operator",
        "out",
        "override",
        "params",
        "private",
        "protected",
        "public",
        "readonly",
        "ref",
        "return",
        "sbyte",
        "sealed",
        "short",
        "sizeof",
        "stackalloc",
        "static",
        "string",
        "struct",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "uint",
        "ulong",
        "unchecked",
        "unsafe",
        "ushort",
        "using",
        "virtual",
        "void",
        "volatile",
        "while",
        "var",
        "async",
        "await",
        "when",
    }
)
"""C# keywords (and contextual ones that read badly as names): never handed out as names."""

TAKEN = frozenset(
    {
        # The handler's own names and the lambda parameters every function gets.
        "input",
        "context",
        "Handler",
        "WorkflowInput",
        "ct",
        "all",
        "state",
        "check",
        "_",
        # Types the generated code names: a member of the same name would hide them.
        "Task",
        "TimeSpan",
        "List",
        "Func",
        "Exception",
        "NotImplementedException",
        "InvalidOperationException",
        "ArgumentException",
        "KeyNotFoundException",
        "TimeoutException",
        "CancellationToken",
        "IReadOnlyList",
        "IDurableContext",
        "DurableFunction",
        "DurableBranch",
        "RetryStrategy",
        "WaitStrategy",
        "StepSemantics",
        "NestingType",
        "CompletionConfig",
        "StepConfig",
        "ParallelConfig",
        "MapConfig",
        "CallbackConfig",
        "WaitForCallbackConfig",
        "WaitForConditionConfig",
        "InvokeConfig",
        "ChildContextConfig",
    }
)
"""Names a generated file uses for itself: never handed out to a stub or a variable."""

_ROOT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
LINE_LIMIT = 100


def is_type_name(text: str) -> bool:
    """``IOException`` or ``System.IO.IOException``: a name C# reads as a type."""
    return bool(_TYPE_NAME.fullmatch(text)) and not any(
        part in KEYWORDS for part in text.split(".")
    )


def expression_root(text: str) -> str | None:
    """The variable an expression starts from (``tool`` in ``tool["name"]``) when the text
    reads as one C# expression inside an interpolated string, else ``None``."""
    found = _ROOT.match(text)
    if found is None or found.group(0) in KEYWORDS or not _reads_as_expression(text):
        return None
    return found.group(0)


@lru_cache(maxsize=512)
def _reads_as_expression(text: str) -> bool:
    """``text`` parses as one C# expression inside ``$"{...}"``, nothing more, nothing less."""
    if any(_unprintable(c) for c in text):
        return False  # a name is one line of printable characters
    from durable_viz.parsers.treesitter import Source

    source = Source(f'class C {{ object M() => $"{{{text}}}"; }}', "csharp")
    if source.root.has_error:
        return False
    stack = [source.root]
    while stack:
        node = stack.pop()
        if node.type == "interpolation":
            inner = [c for c in node.named_children if c.type != "interpolation_brace"]
            return len(inner) == 1 and source.text_of(inner[0]) == text
        stack.extend(node.children)
    return False


def _unprintable(char: str) -> bool:
    """Control, format, separator and unassigned characters (C# ends a line at U+0085,
    U+2028 and U+2029; tree-sitter reads some others as errors)."""
    category = unicodedata.category(char)
    return category[0] == "C" or (category[0] == "Z" and char != " ")


def _escaped(text: str, *, braces: bool) -> str:
    out: list[str] = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif braces and char in "{}":
            out.append(char * 2)
        elif _unprintable(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def comment(text: str) -> str:
    """Text for a ``//`` comment: one line of printable characters."""
    flat = " ".join(text.split())
    return "".join(f"\\u{ord(c):04x}" if _unprintable(c) else c for c in flat)


def literal(text: str | None) -> str:
    """A C# string literal (``null`` for ``None``)."""
    return "null" if text is None else f'"{_escaped(text, braces=False)}"'


def split_label(label: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A label's literal texts and its ``{...}`` runtime parts (braces balanced), or ``None``
    when it has none or its braces do not pair up."""
    parts = common.split_label(label)
    return parts if parts is not None and parts[1] else None


def indent(lines: Iterable[str], levels: int = 1) -> Lines:
    """Lines shifted right by ``levels`` (blank lines stay blank)."""
    pad = "    " * levels
    return [pad + line if line else line for line in lines]


def call(head: str, args: Sequence[Lines], tail: str = ";") -> Lines:
    """``head(arg, arg)`` + ``tail``: on one line when every argument fits on one, else one
    argument per line."""
    if all(len(a) == 1 for a in args):
        one = f"{head}({', '.join(a[0] for a in args)}){tail}"
        if len(one) <= LINE_LIMIT:
            return [one]
    out = [f"{head}("]
    for index, arg in enumerate(args):
        end = "," if index < len(args) - 1 else f"){tail}"
        shifted = indent(arg)
        shifted[-1] += end
        out.extend(shifted)
    if not args:
        out[-1] += f"){tail}"
    return out


@dataclass
class Names:
    """The names one generated file declares: locals, stub members and input fields."""

    ids: Identifiers = field(default_factory=lambda: Identifiers({*KEYWORDS, *TAKEN}))
    predicates: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Stub members by the source text they stand for: ``(name, C# type)``."""
    fields: dict[str, str] = field(default_factory=dict)
    """Properties of the workflow input record, by the hole text they stand for."""
    variables: list[set[str]] = field(default_factory=lambda: [set()])
    """Variables in scope (loop variables, map items), innermost last."""
    placeholders: dict[str, str] = field(default_factory=dict)
    """Placeholder fields (``dynamic``) by name, with the source text that first read them."""
    keep_source: bool = False
    """Runtime parts are being written as the source's own expressions (see :meth:`target`)."""
    binders: set[str] = field(default_factory=set)
    """Names already used for loop variables and map items (reusable out of their scope)."""

    def scoped(self, wanted: str) -> str:
        """A name for a lambda parameter: free in the enclosing scopes, so sibling lambdas
        share it. The caller declares it in the level it pushes for the lambda."""
        candidate = wanted
        counter = 2
        while self.declared(candidate) or candidate in self.ids or candidate in self.binders:
            candidate = f"{wanted}{counter}"
            counter += 1
        return candidate

    def local(self, wanted: str) -> str:
        """A fresh local variable name (camelCase), no loop variable's either (C# forbids a
        local of the same name as one in a nested scope)."""
        variable = self.ids.take(camel(wanted, fallback="value", reserved=KEYWORDS))
        while variable in self.binders:
            variable = self.ids.take(variable)
        return variable

    def stub(self, text: str, returns: str, fallback: str, name: str | None = None) -> str:
        """The stub member standing for the source text ``text`` (one per text), called
        ``name`` or after the words of the text."""
        key = f"{returns}:{text}"
        known = self.predicates.get(key)
        if known is None and name is not None:
            known = (self.ids.take(pascal(name, fallback=fallback)), returns)
            self.predicates[key] = known
        if known is None:
            spoken = (
                text.replace("!=", " is not ")
                .replace("==", " is ")
                .replace("!", " not ")
                .replace("&&", " and ")
                .replace("||", " or ")
            )
            wanted = pascal(" ".join(words(spoken)[:6]), fallback=fallback)
            known = (self.ids.take(wanted), returns)
            self.predicates[key] = known
        return f"{known[0]}()"

    def declared(self, variable: str) -> bool:
        """True when a loop variable or item of that name is in scope."""
        return any(variable in level for level in self.variables)

    def hole(self, text: str | None) -> str:
        """The C# expression standing for a runtime part of a name: a variable in scope of the
        same name, a ternary over the literal choices it lists, or a field of the input."""
        if text is not None and " | " in text and "{" not in text:
            choices = [c.strip() for c in text.split(" | ")]
            expression = literal(None if choices[-1] == "null" else choices[-1])
            for choice in reversed(choices[:-1]):
                value = literal(None if choice == "null" else choice)
                expression = f"{self.stub(text, 'bool', 'Choice')} ? {value} : {expression}"
            return f"({expression})"
        root = expression_root(text) if text is not None else None
        if text is not None and root is not None and self.declared(root):
            return text  # the source's own expression over a variable in scope
        variable = camel(text or "value", fallback="value", reserved=KEYWORDS)
        if self.declared(variable):
            return variable
        if self.keep_source and text is not None and root == "input":
            member = re.fullmatch(r"input\.([A-Z][A-Za-z0-9_]*)", text)
            if member is not None and member.group(1) not in self.fields.values():
                self.fields[text] = member.group(1)  # a property of the input record
            return text  # the workflow's input, as the source read it
        placeholder = root is not None and (root in self.placeholders or root not in self.ids)
        if self.keep_source and text is not None and root is not None and placeholder:
            # The source's expression over a placeholder field (an invoke target, which must
            # read back as written).
            if root not in self.placeholders:
                self.ids.take(root)
                self.placeholders[root] = text
            return text
        prop = self.fields.get(text or "")
        if prop is None:
            prop = pascal(text or "value", fallback="Value", reserved=("Id",))
            while prop in self.fields.values():
                prop += "X"
            self.fields[text or ""] = prop
        return f"input.{prop}"

    def interpolated(self, texts: Sequence[str], holes: Sequence[str | None]) -> str:
        """``$"text{hole}text"``; a lone hole is its expression."""
        if len(holes) == 1 and texts[0] == "" and texts[1] == "":
            expression = self.hole(holes[0])
            return expression[1:-1] if expression.startswith("(") else expression
        parts = [_escaped(texts[0], braces=True)]
        for hole, text in zip(holes, texts[1:], strict=True):
            parts.append("{" + self.hole(hole) + "}")
            parts.append(_escaped(text, braces=True))
        return '$"' + "".join(parts) + '"'

    def name(self, name: str | None, label: str | None, dynamic: bool) -> str | None:
        """The C# expression for an operation name (``None``: the operation has none)."""
        if name is None:
            return None
        pattern = name_pattern(name, label, dynamic=dynamic)
        if pattern.is_literal:
            return literal(name)
        return self.interpolated(pattern.texts, pattern.holes)

    def label(self, label: str, dynamic: bool = True) -> str:
        """A label that may carry ``{expression}`` parts (a branch or target), as C#."""
        split = split_label(label) if dynamic else None
        if split is None:
            return literal(label)
        return self.interpolated(*split)

    def target(self, label: str) -> str:
        """What an invoke calls, its runtime parts kept as the source wrote them."""
        self.keep_source = True
        try:
            return self.label(label)
        finally:
            self.keep_source = False

    def binder(self, holes: Iterable[str | None], fallback: str) -> str:
        """The variable a loop or map item binds: the variable the first runtime part of a
        name inside it reads (or what its text reads as) that nothing in scope is called yet,
        else ``fallback``. Loop variables are reused by later loops: their scope has ended."""
        for text in [*holes, fallback]:
            if text is None or " | " in text:
                continue
            variable = expression_root(text) or camel(text, fallback=fallback, reserved=KEYWORDS)
            if variable in KEYWORDS or self.declared(variable):
                continue
            if variable in self.binders or variable not in self.ids:
                self.binders.add(variable)
                return variable
        variable = self.scoped(fallback)
        self.binders.add(variable)
        return variable
