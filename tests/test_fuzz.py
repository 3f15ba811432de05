"""Fuzzing every parser: damaged handlers, random text and random bytes never crash durable-viz.

Inputs (see ``tests/fuzz/strategies.py``) start from every file of ``examples/<language>/``
and are truncated, have line ranges deleted, duplicated or swapped, get tokens of the language
inserted (keywords, brackets, quotes, ``await``, ``context.step(``, comment and string
openers, ``\\r``, tabs, NUL escapes, lone surrogates) or whole statements with odd arguments,
have a number made extreme (``1e400``, 400 digits), are spliced with another example or get a
durable call nested up to 1,000 levels deep; token soup, random text and random bytes (decoded
as the API decodes a file) come on top. Mutated examples also go through the command line
(``cli.run`` in a copy of the example folder, so the damaged file is read as a helper too).

The property is the promise of the README: every input gives either a :class:`ParseResult`
whose positions lie in the file, whose workflows build a graph and render in every format, or
a :class:`DurableVizError` with a one-line message and the file's path. Never another
exception, never a hang (each case runs under a timer, see :func:`time_limit`).

The runs are derandomized (the same inputs on every run, so a failure in CI reproduces
locally) and bounded: ``DURABLE_VIZ_FUZZ_EXAMPLES`` examples per property and language
(default 150: the file takes 45 s on an idle 2-core machine, about a minute on a busy one).
A longer local hunt, with fresh inputs each time (``DURABLE_VIZ_FUZZ_RANDOM=1`` turns
derandomizing off)::

    DURABLE_VIZ_FUZZ_RANDOM=1 DURABLE_VIZ_FUZZ_EXAMPLES=1000 .venv/bin/pytest -q tests/test_fuzz.py

draws 1,000 inputs per property and language and takes about 5 minutes. Every crash found is
minimised into an explicit regression test below (:data:`CRASHES`, :data:`NUMBER_CRASHES`,
:data:`DEEP_SHAPES`).
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from bad_input import assert_drawn_or_one_error, in_process
from fuzz.strategies import (
    LANGUAGES,
    ROOT,
    Case,
    example_paths,
    mutated_examples,
    token_soup,
    truncated_bytes,
)
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from durable_viz.api import decode_source, parse_source, render
from durable_viz.edges import build_graph
from durable_viz.errors import DurableVizError
from durable_viz.graph import ParseResult, walk
from durable_viz.parsers.base import run_deep
from durable_viz.parsers.python import incremental
from durable_viz.render import Document, SourceFile

EXAMPLES = int(os.environ.get("DURABLE_VIZ_FUZZ_EXAMPLES", "150"))
"""Examples per property and language."""

CASE_SECONDS = 10.0
"""The slowest a single input may be. The slowest legitimate case (a call nested 1,000 levels
deep in a C# example, read in a folder and drawn as SVG) takes about two seconds; a hang is
stopped at twice this."""

FORMATS = ("mermaid", "json", "svg")
"""Rendered for every input that has a workflow; ``html`` (slower) only in its own test."""

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("DURABLE_VIZ_FUZZ_RANDOM"),
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def time_limit(seconds: float = CASE_SECONDS) -> Iterator[None]:
    """Fail if the block takes longer than ``seconds``; interrupt it at twice that (a hang).

    The interruption uses SIGALRM, which only the main thread receives: pytest's. Where there
    is no SIGALRM the block is only timed.
    """
    armed = hasattr(signal, "setitimer")
    previous = None
    if armed:

        def expire(signum: int, frame: FrameType | None) -> None:
            raise _Expired

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, 2 * seconds)
    start = time.monotonic()
    try:
        yield
    except _Expired:
        raise AssertionError(f"no result after {2 * seconds:.0f} s: the input hangs") from None
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s (limit {seconds:.0f} s)"


def _note(outcome: str) -> None:
    """Count an outcome, shown by ``--hypothesis-show-statistics`` (how many inputs were
    drawn rather than refused tells whether the mutations still reach the analysers)."""
    if currently_in_test_context():
        event(outcome)


def _one_line(message: str) -> bool:
    return bool(message.strip()) and len(message.splitlines()) == 1


def assert_clean_error(error: DurableVizError, shown: str) -> None:
    """What the CLI turns into its one error line: a message and the file's path."""
    assert _one_line(error.message), f"not a one-line message: {error.message!r}"
    assert error.path == shown, f"error names {error.path!r}, not the file {shown!r}"
    assert error.line is None or error.line >= 1, error.line
    assert error.column is None or error.column >= 1, error.column


def assert_drawable(result: ParseResult, source: str, shown: str, formats: tuple[str, ...]) -> None:
    """Positions are in the file, every workflow builds a graph, the file renders in every
    format."""
    # Parsers disagree on what ends a line (``\r`` alone, ``\u2028``): a loose bound.
    lines = source.count("\n") + source.count("\r") + 1
    for diagnostic in result.diagnostics:
        assert _one_line(diagnostic.message), f"diagnostic message: {diagnostic.message!r}"
        assert diagnostic.file is not None, diagnostic
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        if diagnostic.file == shown:
            assert diagnostic.line <= lines, diagnostic
    for workflow in result.workflows:
        for node in walk(workflow.nodes):
            if node.file is None:  # not inlined from a helper module
                assert 1 <= node.line <= lines and 1 <= node.column <= len(source) + 1, node
        # As render() does: a workflow nested thousands deep is walked on a large stack.
        run_deep(lambda: build_graph(workflow))  # noqa: B023 (called before the next turn)
    if result.workflows:
        document = Document(shown, (SourceFile(shown, source, result),))
        for name in formats:
            assert render(document, name), f"{name} rendered nothing"


def check_source(
    source: str, path: Path, formats: tuple[str, ...] = FORMATS, seconds: float = CASE_SECONDS
) -> ParseResult | None:
    """The property, for a text read as the file ``path`` (which picks the parser). Returns
    what was read (``None`` for a clean error)."""
    shown = path.relative_to(ROOT).as_posix()
    with time_limit(seconds):
        try:
            result = parse_source(source, path, display=shown)
        except DurableVizError as error:
            _note(f"refused: {type(error).__name__}")  # --hypothesis-show-statistics
            assert_clean_error(error, shown)
            return None
        _note(f"drawn: {min(len(result.workflows), 2)} workflows")
        assert_drawable(result, source, shown, formats)
    return result


def check_bytes(data: bytes, path: Path) -> None:
    """The property, for bytes decoded as the API decodes a file it reads."""
    shown = path.relative_to(ROOT).as_posix()
    try:
        source = decode_source(data, shown)
    except DurableVizError as error:
        _note(f"not decoded: {type(error).__name__}")
        assert_clean_error(error, shown)
        return
    check_source(source, path)


# A minimal handler per language, with ``{}`` where the code goes; and a step.
HANDLERS = {
    "python": (
        "examples/python/order_processor.py",
        "@durable_execution\ndef handler(event, context: DurableContext):\n    {}\n",
        "context.step(lambda _: 1, name='deep')",
    ),
    "typescript": (
        "examples/typescript/orderProcessor.ts",
        "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n"
        "export const handler = withDurableExecution(async (event, context) => {\n{}\n});\n",
        'await context.step("deep", async () => 1);',
    ),
    "java": (
        "examples/java/OrderProcessor.java",
        "class H extends DurableHandler<String, String> {\n"
        "  public String handleRequest(String input, DurableContext context) {\n{}\n"
        "    return null;\n  }\n}\n",
        'context.step("deep", String.class, s -> "1");',
    ),
    "csharp": (
        "examples/csharp/OrderProcessor.cs",
        "public class F {\n"
        "  public async Task<string> Workflow(string input, IDurableContext context) {\n{}\n"
        '    return "";\n  }\n}\n',
        'await context.StepAsync(async (s, ct) => 1, name: "deep");',
    ),
}

# Found by the fuzzing (a mutated PaymentSaga.cs took 20 s): each loop in C#, and each
# ``try`` in TypeScript, Java and C#, walked all the code nested in it to find the names it
# assigns, so N levels cost N walks: 1,000 nested loops or ``try`` blocks took 15 to 20 s,
# 3,000 minutes. Now one walk answers for every level (see ``changed_in`` in the TypeScript
# and Java ``loops.py``, ``_summary`` in C#'s ``assigned.py``).
DEEP_SHAPES = [
    ("csharp", "for (;;) {", "}"),
    ("csharp", "while (x) {", "}"),
    ("csharp", "foreach (var a in b) {", "}"),
    ("csharp", "do {", "} while (x);"),
    ("csharp", "try {", "} catch (Exception e) { x = 1; }"),
    ("csharp", "try {", "} finally { x = 1; }"),
    ("java", "try {", "} catch (Exception e) { x = 1; }"),
    ("java", "try {", "} finally { x = 1; }"),
    ("typescript", "try {", "} catch (e) { x = 1; }"),
    ("typescript", "try {", "} finally { x = 1; }"),
]


# Found by the fuzzing (numbers replaced in the examples): a number no finite float stands
# for crashed every parser with an OverflowError: ``int(inf)`` in ``duration_text`` or in a
# retry's attempt count, ``float()`` of an integer literal of 400 digits. Numbers are now
# evaluated through ``base.finite`` (not finite: not a number the source shows) and
# ``duration_text`` says ``∞`` for more seconds than a float holds.
_HUGE = "1" + "0" * 400
_HEX = "0x" + "f" * 300
NUMBER_CRASHES = [
    ("python", "context.wait(Duration.from_seconds(1e400))"),
    ("python", "context.wait(Duration.from_days(1e306))"),
    ("python", f"context.wait(Duration.from_seconds({_HUGE}))"),
    (
        "python",
        "context.step(lambda _: 1, config=StepConfig(retry_strategy=create_retry_strategy("
        "RetryStrategyConfig(max_attempts=-1e400))))",
    ),
    ("typescript", "await context.wait({ seconds: 1e400 });"),
    ("typescript", "await context.wait({ days: 1e306 });"),
    ("typescript", f"await context.wait({{ seconds: {_HEX} }});"),
    (
        "typescript",
        "await context.step('s', async () => 1, "
        "{ retryStrategy: createRetryStrategy({ maxAttempts: -1e400 }) });",
    ),
    ("java", 'context.wait("w", Duration.ofSeconds(1e400));'),
    ("java", 'context.wait("w", Duration.ofDays(1e306));'),
    (
        "java",
        'context.step("s", String.class, s -> "1", StepConfig.builder().retryStrategy('
        "RetryStrategies.fixedDelay(-1e400, Duration.ofSeconds(1))).build());",
    ),
    ("csharp", "await context.WaitAsync(TimeSpan.FromSeconds(1e400));"),
    ("csharp", "await context.WaitAsync(TimeSpan.FromDays(1e306));"),
    ("csharp", f"await context.WaitAsync(TimeSpan.FromSeconds({_HEX}));"),
    (
        "csharp",
        'await context.StepAsync(async (s, ct) => 1, name: "s", config: new StepConfig '
        "{ RetryStrategy = RetryStrategy.Exponential(maxAttempts: -1e400) });",
    ),
]


# Found by the fuzzing (odd statements in a Python handler, random text): text and bytes joined
# (``b'' ''``) and a character CPython calls non-printable (U+13460, which libcst's tokenizer
# takes for a name) are syntax errors CPython reports; libcst then refused to build the node
# with a CSTValidationError, which escaped as a traceback instead of the syntax error.
CRASHES = [
    ("examples/python/order_processor.py", "b'' ''\n"),
    ("examples/python/order_processor.py", "\U00013460"),
    (
        "examples/python/order_processor.py",
        "@durable_execution\ndef handler(event, context):\n"
        "    context.step(lambda _: 1, name=('a' f'{x}' rb'c'))\n",
    ),
]


@pytest.mark.parametrize(("example", "source"), CRASHES)
def test_crash_found_by_fuzzing(example: str, source: str) -> None:
    assert check_source(source, ROOT / example, (*FORMATS, "html")) is None  # a syntax error


@pytest.mark.parametrize(("language", "code"), NUMBER_CRASHES)
def test_numbers_no_float_holds(language: str, code: str) -> None:
    example, handler, _ = HANDLERS[language]
    source = handler.replace("{}", code)
    result = check_source(source, ROOT / example, (*FORMATS, "html"))
    assert result is not None and len(result.workflows) == 1


@pytest.mark.parametrize(("language", "opener", "closer"), DEEP_SHAPES)
def test_deep_nesting_is_read_in_linear_time(language: str, opener: str, closer: str) -> None:
    example, handler, call = HANDLERS[language]
    depth = 1000
    source = handler.replace("{}", opener * depth + call + closer * depth)
    result = check_source(source, ROOT / example, ("json",), seconds=8.0)
    assert result is not None and len(result.workflows) == 1
    assert [d.code for d in result.diagnostics] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_example_cut_at_every_line(language: str) -> None:
    """Not random: each example truncated after each of its lines (a file being typed)."""
    for path in example_paths(language):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for end in range(0, len(lines) + 1, 3):
            check_source("".join(lines[:end]), path, ("json",))


@pytest.mark.parametrize("language", LANGUAGES)
@FUZZ
@given(data=st.data())
def test_mutated_examples(language: str, data: st.DataObject) -> None:
    case: Case = data.draw(mutated_examples(language), label="case")
    check_source(case.text, case.path)


def _outcome(case: Case) -> ParseResult | str:
    """What parsing the case gives: its result, or the clean error's text."""
    try:
        with time_limit():
            return parse_source(case.text, case.path)
    except DurableVizError as error:
        return str(error)


@FUZZ
@given(data=st.data())
def test_editor_reparse_is_a_full_parse(data: st.DataObject) -> None:
    """``durable-viz serve`` parses Python by pieces it caches across requests (see
    ``parsers/python/incremental.py``): damaged examples parsed one after another, each twice
    (the second time from the cache), give what a full parse gives."""
    case: Case = data.draw(mutated_examples("python"), label="case")
    full = _outcome(case)
    _note("refused" if isinstance(full, str) else "read")
    with pytest.MonkeyPatch.context() as patch:
        # As ``start_editor_session()`` does, for this test only (that switch has no off).
        patch.setattr(incremental, "editor_session", lambda: True)
        assert _outcome(case) == full
        assert _outcome(case) == full


@pytest.mark.parametrize("language", LANGUAGES)
@FUZZ
@given(data=st.data())
def test_token_soup(language: str, data: st.DataObject) -> None:
    case: Case = data.draw(token_soup(language), label="case")
    check_source(case.text, case.path)


@pytest.mark.parametrize("language", LANGUAGES)
@FUZZ
@given(data=st.data())
def test_examples_cut_at_any_byte(language: str, data: st.DataObject) -> None:
    path, blob = data.draw(truncated_bytes(language), label="bytes")
    check_bytes(blob, path)


@pytest.mark.parametrize("language", LANGUAGES)
@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes(language: str, blob: bytes) -> None:
    check_bytes(blob, example_paths(language)[0])


@pytest.mark.parametrize("language", LANGUAGES)
@FUZZ
@given(text=st.text(max_size=1000))
def test_random_text(language: str, text: str) -> None:
    check_bytes(text.encode("utf-8"), example_paths(language)[0])


def _run_cli(case: Case, whole_folder: bool, *options: str) -> None:
    """``durable-viz TARGET OPTIONS`` in a copy of the case's example folder, where the case
    replaced its example: so the other files read the damaged one as a helper module. The
    target is the damaged file or the whole folder."""
    with tempfile.TemporaryDirectory() as folder:
        for example in case.path.parent.iterdir():  # with C#'s .csproj, which bounds helpers
            if example.is_file():
                Path(folder, example.name).write_bytes(example.read_bytes())
        damaged = Path(folder, case.path.name)
        damaged.write_bytes(case.text.encode("utf-8", "surrogatepass"))
        target = folder if whole_folder else str(damaged)
        with time_limit():
            result = in_process([target, *options], Path(folder))
        _note(f"exit {result.code}")
        assert_drawn_or_one_error(result, target)


@pytest.mark.parametrize("language", LANGUAGES)
@FUZZ
@given(data=st.data(), whole_folder=st.booleans(), fmt=st.sampled_from(FORMATS))
def test_cli_on_mutated_examples(
    language: str, data: st.DataObject, whole_folder: bool, fmt: str
) -> None:
    _run_cli(data.draw(mutated_examples(language), label="case"), whole_folder, "--format", fmt)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(FUZZ, max_examples=max(EXAMPLES // 8, 3))
@given(data=st.data())
def test_cli_html_on_mutated_examples(language: str, data: st.DataObject) -> None:
    _run_cli(data.draw(mutated_examples(language), label="case"), False, "--format", "html")
