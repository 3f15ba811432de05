"""Hypothesis strategies that damage real handlers the way editors and humans do.

Every input starts from a file of ``examples/<language>/``: truncated at any character or byte,
line ranges deleted, duplicated or swapped, tokens of the language inserted anywhere (keywords,
brackets, quotes, durable calls, comment and string openers, odd whitespace and characters),
whole statements inserted (durable calls with missing, wrong or extreme arguments, jumps in odd
places, the context rebound), a number made extreme, two examples spliced, a durable call
nested up to 1,000 levels deep. The tokens are chosen to open constructs a parser must then
recover from: an unclosed string, a lone ``await``, a ``context.step(`` with no arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"

LANGUAGES = ("python", "typescript", "java", "csharp")
SUFFIXES = {
    "python": (".py",),
    "typescript": (".ts", ".js", ".mjs"),
    "java": (".java",),
    "csharp": (".cs",),
}

# Characters that have broken parsers elsewhere: line and paragraph separators (a line break
# to some tools, not to others), NEL, form feed, BOM, zero-width space, combining mark, emoji
# and the last code point (several UTF-16 units), control characters, lone surrogates (which
# an editor buffer can hold though a file cannot).
ODD_CHARACTERS = (
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u0301",
    "é",
    "😀",
    "\U0010ffff",
    "\ud800",
    "\udfff",
)

_SHARED_TOKENS = (
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ":",
    ".",
    "=",
    "'",
    '"',
    "\\",
    "\n",
    " ",
    "context",
    "ctx",
    "x",
    "0",
    "'\\ud800'",
    '"\\udfff"',
    '"\\u{10ffff}"',
    "\\x00",
)

TOKENS: dict[str, tuple[str, ...]] = {
    "python": (
        *_SHARED_TOKENS,
        "def ",
        "async def h(event, context):\n",
        "await ",
        "context.step(",
        "context.wait(",
        "context.parallel(",
        "context.map(",
        "context.run_in_child_context(",
        "context.invoke(",
        "context.wait_for_callback(",
        "context.create_callback(",
        "@durable_execution\n",
        "@durable_step\n",
        "if x:\n",
        "else:\n",
        "elif y:\n",
        "for i in xs:\n",
        "while True:\n",
        "try:\n",
        "except Exception:\n",
        "finally:\n",
        "return ",
        "break\n",
        "continue\n",
        "raise\n",
        "lambda: ",
        "with x:\n",
        "match x:\n    case 1:\n",
        "yield ",
        "import ",
        "from . import ",
        '"""',
        "'''",
        "f'{",
        "b'",
        "rb'",
        "u'",
        "#",
        "\n    ",
        "\n        ",
        "Duration.from_seconds(",
        "name=",
    ),
    "typescript": (
        *_SHARED_TOKENS,
        "function ",
        "async ",
        "await ",
        "context.step(",
        "context.wait(",
        "context.parallel(",
        "context.map(",
        "context.runInChildContext(",
        "context.invoke(",
        "context.waitForCallback(",
        "context.createCallback(",
        "withDurableExecution(",
        "withDurableExecution(async (event, context) => {",
        "export const handler = ",
        "if (x) ",
        "else ",
        "for (const i of xs) ",
        "for (;;) ",
        "while (true) ",
        "do {",
        "} while (x);",
        "try {",
        "} catch (e) {",
        "} finally {",
        "switch (x) {",
        "case 1:",
        "default:",
        "return ",
        "break;",
        "continue;",
        "throw e;",
        "label: ",
        "break label;",
        "=> ",
        "Promise.all([",
        "Promise.race([",
        "`",
        "${",
        "//",
        "/*",
        "*/",
        "/re/g",
        "<T>",
        " as any",
        "const x = ",
        "import { a } from './coordinatorHelpers';\n",
        "{ timeout: { seconds: 5 } }",
    ),
    "java": (
        *_SHARED_TOKENS,
        "class H extends DurableHandler<String, String> {",
        "public String handleRequest(String input, DurableContext context) {",
        "@Override\n",
        "context.step(",
        "context.stepAsync(",
        "context.wait(",
        "context.invoke(",
        "context.runInChildContext(",
        "context.waitForCallback(",
        "context.createCallback(",
        ".get()",
        ".join()",
        "DurableFuture.allOf(",
        "if (x) ",
        "else ",
        "for (var i : xs) ",
        "for (;;) ",
        "while (true) ",
        "do {",
        "} while (x);",
        "try {",
        "} catch (Exception e) {",
        "} finally {",
        "switch (x) {",
        "case 1 ->",
        "case 1:",
        "default:",
        "return ",
        "break;",
        "continue;",
        "throw e;",
        "label: ",
        "-> ",
        "() -> {",
        '"""',
        "//",
        "/*",
        "*/",
        "<T>",
        "new ",
        "var x = ",
        "Duration.ofSeconds(",
        "String.class",
        "record R(int a) {}",
    ),
    "csharp": (
        *_SHARED_TOKENS,
        "class H {",
        "[DurableExecution]",
        "public async Task<string> Run(string input, IDurableContext context) {",
        "DurableFunction.WrapAsync(",
        "await ",
        "async ",
        "context.StepAsync(",
        "context.WaitAsync(",
        "context.InvokeAsync(",
        "context.RunInChildContextAsync(",
        "context.ParallelAsync(",
        "context.MapAsync(",
        "context.WaitForCallbackAsync(",
        "Task.WhenAll(",
        "Task.WhenAny(",
        "if (x) ",
        "else ",
        "foreach (var i in xs) ",
        "for (;;) ",
        "while (true) ",
        "do {",
        "} while (x);",
        "try {",
        "} catch (Exception e) {",
        "} finally {",
        "switch (x) {",
        "case 1:",
        "default:",
        "return ",
        "break;",
        "continue;",
        "throw;",
        "goto L;",
        "L: ",
        "=> ",
        '@"',
        '$"{',
        '$@"',
        '"""',
        "//",
        "/*",
        "*/",
        "#if X\n",
        "#endif\n",
        "#region r\n",
        "<T>",
        "new ",
        "var x = ",
        "TimeSpan.FromSeconds(",
        "using var s = ",
    ),
}


@dataclass(frozen=True)
class Case:
    """One input: the example it came from (its path picks the parser) and the text to read."""

    path: Path
    text: str

    def __repr__(self) -> str:
        # Hypothesis prints the failing case: the name and the text are what one needs to
        # reproduce it.
        return f"Case({self.path.relative_to(ROOT).as_posix()!r}, {self.text!r})"


@cache
def example_paths(language: str) -> tuple[Path, ...]:
    """The example files of one language, sorted."""
    folder = EXAMPLES / language
    return tuple(sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES[language]))


@cache
def example_text(path: Path) -> str:
    """An example's text (read once)."""
    return path.read_text(encoding="utf-8")


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


@st.composite
def _truncate(draw: st.DrawFn, text: str, language: str) -> str:
    return text[: draw(st.integers(0, len(text)))]


@st.composite
def _line_range(draw: st.DrawFn, lines: list[str]) -> tuple[int, int]:
    start = draw(st.integers(0, max(len(lines) - 1, 0)))
    end = draw(st.integers(start, min(len(lines), start + 12)))
    return start, end


@st.composite
def _delete_lines(draw: st.DrawFn, text: str, language: str) -> str:
    lines = _lines(text)
    start, end = draw(_line_range(lines))
    del lines[start:end]
    return "".join(lines)


@st.composite
def _duplicate_lines(draw: st.DrawFn, text: str, language: str) -> str:
    lines = _lines(text)
    start, end = draw(_line_range(lines))
    at = draw(st.integers(0, len(lines)))
    lines[at:at] = lines[start:end]
    return "".join(lines)


@st.composite
def _swap_lines(draw: st.DrawFn, text: str, language: str) -> str:
    lines = _lines(text)
    if len(lines) < 2:
        return text
    first, second = draw(_line_range(lines)), draw(_line_range(lines))
    if first > second:
        first, second = second, first
    if first[1] > second[0]:
        return text
    return "".join(
        lines[: first[0]]
        + lines[second[0] : second[1]]
        + lines[first[1] : second[0]]
        + lines[first[0] : first[1]]
        + lines[second[1] :]
    )


@st.composite
def _insert_tokens(draw: st.DrawFn, text: str, language: str) -> str:
    tokens = st.sampled_from(TOKENS[language]) | st.sampled_from(ODD_CHARACTERS)
    for token in draw(st.lists(tokens, min_size=1, max_size=6)):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + token + text[at:]
    return text


@st.composite
def _splice(draw: st.DrawFn, text: str, language: str) -> str:
    other = example_text(draw(st.sampled_from(example_paths(language))))
    cut = draw(st.integers(0, len(text)))
    start = draw(st.integers(0, len(other)))
    return text[:cut] + other[start:]


@st.composite
def _nest(draw: st.DrawFn, text: str, language: str) -> str:
    """A durable call inside many levels of control structures, put on a line boundary."""
    lines = _lines(text)
    at = draw(st.integers(0, len(lines)))
    if language == "python":
        # CPython's parser refuses past about 100 levels: stay below to reach the analyser.
        depth = draw(st.integers(1, 90))
        shape = draw(st.sampled_from(("if x:", "for i in xs:", "while x:", "try:", "with x:")))
        block = "".join("    " * level + shape + "\n" for level in range(depth))
        nested = block + "    " * depth + "context.step(lambda _: 1, name='deep')\n"
    else:
        # Deeper (3,000) nesting is tested once per shape in test_fuzz.py: here it would
        # make each case slow for little more coverage.
        depth = draw(st.sampled_from((1, 2, 10, 100, 1000)))
        shape = draw(st.sampled_from(("if (x) {", "while (x) {", "try {", "{", "for (;;) {")))
        call = "context.StepAsync(" if language == "csharp" else "context.step("
        nested = shape * depth + f'await {call}"deep", x => 1);' + "}" * depth + "\n"
    lines.insert(at, nested)
    return "".join(lines)


# Whole statements, each valid on its own, with the arguments the analysers must not trust:
# missing, of the wrong type, spread, computed, negative or huge durations, a context
# rebound or handed away, loops and jumps in odd places. Inserted at the indentation of a
# line, they keep a file parseable far more often than single tokens (which matters for
# Python: libcst refuses a file with any syntax error, so only valid text reaches its analyser).
STATEMENTS: dict[str, tuple[str, ...]] = {
    "python": (
        "context.step()",
        "context.step(lambda _: 1)",
        "context.step(lambda _: 1, name=f'{x}-{y}')",
        "context.step(lambda _: 1, name=1)",
        "context.step(lambda _: 1, name='a' b'b')",
        "context.step(lambda _: 1, name='{}-{}'.format(x))",
        "context.step(lambda _: 1, name=f'{x!r:>{w}}')",
        "context.step(lambda _: 1, name=None, config=StepConfig(retry_strategy=None))",
        "context.step(*args, **kwargs)",
        "context.step(step_one(1), 'positional-name')",
        "context.wait(Duration.from_seconds(-1))",
        "context.wait(Duration.from_days(10**30))",
        "context.wait(duration=Duration(seconds=x))",
        "context.wait()",
        "context.parallel([])",
        "context.parallel([lambda c: c.step(lambda _: 1)] * 3)",
        "context.map([], None)",
        "context.map(inputs=xs, func=lambda c, i, n, _: c.step(lambda _: i))",
        "context.run_in_child_context(context)",
        "context.run_in_child_context(lambda c: c.wait(Duration.from_seconds(1)))",
        "context.invoke()",
        "context.invoke('fn', {}, name='')",
        "context.create_callback(name='cb').result()",
        "context.wait_for_callback(lambda cb, c: None)",
        "context.wait_for_condition(f, WaitForConditionConfig(None, None))",
        "context.unknown_method()",
        "context.logger.info('x')",
        "helper(context)",
        "handler(event, context)",
        "x = context",
        "context = None",
        "del context",
        "global context",
        "return",
        "return context.step(lambda _: 1)",
        "break",
        "continue",
        "raise",
        "pass",
        "...",
        "yield context.step(lambda _: 1)",
        "if x: context.step(lambda _: 1)",
        "for _ in x: break",
        "while x: continue",
        "with context: pass",
        "lambda: context.step(lambda _: 1)",
        "def inner(context): return context.step(lambda _: 1)",
        "async def inner(ctx): await ctx.step(lambda _: 1)",
        "class C: step = context.step",
        "@durable_execution\ndef handler(event, context): context.step(lambda _: 1)",
        "@durable_step\ndef step_one(step_context): return 1",
        "try: context.step(lambda _: 1)\nfinally: return",
    ),
    "typescript": (
        "await context.step();",
        "await context.step(async () => 1);",
        "await context.step(`${x}-${y}`, async () => 1);",
        "await context.step(1, 2, 3);",
        "await context.step(...args);",
        "await context.step(undefined, async () => 1, { retryStrategy: null });",
        "context.step('never-awaited', async () => 1);",
        "await context.wait({ seconds: -1 });",
        "await context.wait({ days: 1e300 });",
        "await context.wait({});",
        "await context.wait();",
        "await context.parallel([]);",
        "await context.parallel('p', [async (c) => c.step(async () => 1), { name: 1 }]);",
        "await context.map([], null);",
        "await context.map('m', xs, async (c, item) => c.step(async () => item));",
        "await context.runInChildContext(context);",
        "await context.runInChildContext(async (c) => c.wait({ seconds: 1 }));",
        "await context.invoke();",
        "await context.invoke('', '', '');",
        "const [p, id] = await context.createCallback('cb');",
        "await context.waitForCallback(async (id) => {});",
        "await context.waitForCondition(f, {});",
        "await context.promise.all([]);",
        "await Promise.all([context.step(async () => 1), context.wait({ seconds: 1 })]);",
        "await context.unknownMethod();",
        "await helper(context);",
        "const c = context;",
        "context = null;",
        "return;",
        "return context.step(async () => 1);",
        "break;",
        "continue;",
        "throw new Error();",
        ";",
        "if (x) await context.step(async () => 1);",
        "for (const _ of x) break;",
        "while (x) continue;",
        "outer: for (;;) { break outer; }",
        "switch (x) { case 1: await context.step(async () => 1); default: }",
        "const f = () => context.step(async () => 1);",
        "async function inner(ctx) { await ctx.step(async () => 1); }",
        "class C { run() { return context.step(async () => 1); } }",
        "export const h2 = withDurableExecution(async (e, c) => c.step(async () => 1));",
        "try { await context.step(async () => 1); } finally { return; }",
    ),
    "java": (
        "context.step();",
        'context.step("s", String.class, s -> "1");',
        'context.step("s-" + x + y, String.class, s -> "1");',
        "context.step(null, String.class, s -> null);",
        "context.step(1, 2, 3);",
        'context.stepAsync("never-joined", String.class, s -> "1");',
        'context.wait("w", Duration.ofSeconds(-1));',
        'context.wait("w", Duration.ofDays(Long.MAX_VALUE));',
        "context.wait(null, null);",
        "context.wait();",
        'try (var p = context.parallel("p")) { p.branch(null, String.class, c -> "1"); }',
        'context.map("m", List.of(), String.class, (item, i, c) -> c.step("x", String.class, '
        "s -> item));",
        "context.map(null, null, null, null);",
        'context.runInChildContext("c", String.class, c -> { c.wait(null, Duration.ofSeconds(1));'
        ' return ""; });',
        "context.invoke();",
        'context.invoke("", "", "", String.class);',
        'var cb = context.createCallback("cb", String.class);',
        'context.waitForCallback("w", String.class, (id, s) -> {});',
        'context.waitForCondition("c", String.class, (st, s) -> null);',
        'context.withRetry("r", (attempt, c) -> c.step("x", String.class, s -> "1"));',
        "DurableFuture.allOf();",
        "context.unknownMethod();",
        "helper(context);",
        "var c = context;",
        "context = null;",
        "return;",
        "return null;",
        "break;",
        "continue;",
        "throw new RuntimeException();",
        ";",
        'if (x) context.step("s", String.class, s -> "1");',
        "for (var _x : xs) break;",
        "while (x) continue;",
        "outer: for (;;) { break outer; }",
        'switch (x) { case 1 -> context.step("s", String.class, s -> "1"); default -> {} }',
        'Runnable r = () -> context.step("s", String.class, s -> "1");',
        "class Inner extends DurableHandler<String, String> { public String handleRequest("
        'String i, DurableContext c) { return c.step("s", String.class, s -> "1"); } }',
        'try { context.step("s", String.class, s -> "1"); } finally { return null; }',
    ),
    "csharp": (
        "await context.StepAsync();",
        "await context.StepAsync(async (s, ct) => 1);",
        'await context.StepAsync(async (s, ct) => 1, name: $"{x}-{y}");',
        "await context.StepAsync(async (s, ct) => 1, name: null, config: null);",
        "await context.StepAsync(1, 2, 3);",
        'context.StepAsync(async (s, ct) => 1, name: "never-awaited");',
        "await context.WaitAsync(TimeSpan.FromSeconds(-1));",
        "await context.WaitAsync(TimeSpan.MaxValue);",
        "await context.WaitAsync(TimeSpan.FromDays(1e300));",
        "await context.WaitAsync();",
        "await context.ParallelAsync("
        "new Func<IDurableContext, CancellationToken, Task<int>>[] { });",
        "await context.ParallelAsync(new[] { new DurableBranch<int>(null, async (c, ct) => 1) },"
        ' name: "p");',
        "await context.MapAsync(new int[0], null);",
        "await context.MapAsync(xs, async (c, item, i, all, ct) => "
        "await c.StepAsync(async (s, t) => item));",
        "await context.RunInChildContextAsync(context);",
        "await context.RunInChildContextAsync(async (c, ct) => "
        "{ await c.WaitAsync(TimeSpan.FromSeconds(1)); return 1; });",
        "await context.InvokeAsync<int, int>();",
        'await context.InvokeAsync<string, string>("", "", name: "");',
        'var cb = await context.CreateCallbackAsync<string>("cb");',
        "await context.WaitForCallbackAsync<string>(async (id, c, ct) => { });",
        "await context.WaitForConditionAsync(f, null);",
        "await Task.WhenAll(context.StepAsync(async (s, ct) => 1), "
        "context.WaitAsync(TimeSpan.Zero));",
        "await context.UnknownAsync();",
        "await Helper(context);",
        "var c = context;",
        "context = null;",
        "return;",
        "return default;",
        "break;",
        "continue;",
        "throw;",
        ";",
        "goto L;",
        "L: ;",
        "if (x) await context.StepAsync(async (s, ct) => 1);",
        "foreach (var _x in xs) break;",
        "while (x) continue;",
        "switch (x) { case 1: await context.StepAsync(async (s, ct) => 1); break; "
        "default: break; }",
        "Func<Task> f = async () => await context.StepAsync(async (s, ct) => 1);",
        "async Task Inner(IDurableContext c) { await c.StepAsync(async (s, ct) => 1); }",
        "try { await context.StepAsync(async (s, ct) => 1); } finally { }",
        "await using var d = context;",
        "lock (context) { }",
    ),
}


# Numbers at the edges of what a float holds, and of the integer types the SDKs use.
ODD_NUMBERS = (
    "0",
    "-1",
    "-0.0",
    "0.5",
    "1e-400",
    "1e306",
    "1e400",
    "-1e400",
    "1" + "0" * 400,
    "0x" + "f" * 300,
    "2147483648",
    "9223372036854775808",
    "1_000",
    "NaN",
    "Infinity",
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


@st.composite
def _replace_number(draw: st.DrawFn, text: str, language: str) -> str:
    """One number of the text (a duration, a retry count, a concurrency) made extreme."""
    found = list(_NUMBER.finditer(text))
    if not found:
        return text
    match = draw(st.sampled_from(found))
    return text[: match.start()] + draw(st.sampled_from(ODD_NUMBERS)) + text[match.end() :]


@st.composite
def _insert_statement(draw: st.DrawFn, text: str, language: str) -> str:
    """A whole statement put before a line, at that line's indentation."""
    lines = _lines(text)
    at = draw(st.integers(0, len(lines)))
    following = lines[at] if at < len(lines) else ""
    indent = following[: len(following) - len(following.lstrip(" \t"))]
    statement = draw(st.sampled_from(STATEMENTS[language]))
    lines.insert(at, "".join(indent + line + "\n" for line in statement.split("\n")))
    return "".join(lines)


MUTATIONS = (
    _truncate,
    _delete_lines,
    _duplicate_lines,
    _swap_lines,
    _insert_tokens,
    _splice,
    _nest,
    _replace_number,
    # Twice: statements reach the analysers where most other mutations stop at syntax.
    _insert_statement,
    _insert_statement,
)


@st.composite
def mutated_examples(draw: st.DrawFn, language: str) -> Case:
    """An example of ``language`` with one to four mutations applied in turn."""
    path = draw(st.sampled_from(example_paths(language)))
    text = example_text(path)
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        text = draw(mutation(text, language))
    return Case(path, text)


@st.composite
def token_soup(draw: st.DrawFn, language: str) -> Case:
    """Tokens of the language in random order: mostly unbalanced, half-written constructs."""
    path = draw(st.sampled_from(example_paths(language)))
    pieces = (
        st.sampled_from(TOKENS[language]) | st.sampled_from(ODD_CHARACTERS) | st.text(max_size=3)
    )
    return Case(path, "".join(draw(st.lists(pieces, max_size=80))))


@st.composite
def truncated_bytes(draw: st.DrawFn, language: str) -> tuple[Path, bytes]:
    """An example's UTF-8 bytes (a BOM sometimes) cut at any byte, maybe followed by junk."""
    path = draw(st.sampled_from(example_paths(language)))
    text = example_text(path)
    # The examples are ASCII: multi-byte characters put in first give cuts inside a character.
    wide = st.sampled_from([c for c in ODD_CHARACTERS if not 0xD800 <= ord(c[0]) <= 0xDFFF])
    for character in draw(st.lists(wide, max_size=4)):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + character + text[at:]
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    data = data[: draw(st.integers(0, len(data)))]
    return path, data + draw(st.binary(max_size=16))
