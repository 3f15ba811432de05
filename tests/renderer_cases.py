"""Hand-built workflows that exercise every renderer feature, for ``test_renderers.py``.

Each case is a function returning a fresh :class:`Document`, so determinism tests can compare
renders of equal documents built from distinct objects.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from durable_viz.graph import Block, Diagnostic, Kind, Node, ParseResult, Severity, Via, Workflow
from durable_viz.render import Document, SourceFile

__all__ = ["CASES", "HOSTILE", "LONG_NAME", "random_texts"]

LONG_NAME = ('a"b|c<d>' * 250)[:2000]

HOSTILE: tuple[str, ...] = (
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "`rm -rf /` ``code`` ```",
    "{}",
    "{{x}} [y] ((z)) [/w\\]",
    "a|b||c",
    "#35; #fff # #L1",
    "a;b;c;",
    "end",
    "subgraph x",
    "click n1 call alert(1)",
    "style: #60;x#62;",
    "%% not a comment",
    "rocket \U0001f680 sparkles \u2728 \u65e5\u672c\u8a9e",
    LONG_NAME,
    "line1\nline2\r\n\tline3",
    "a --> b -.-> c ==> d",
    "[x](javascript:alert(1))",
    "back\\slash",
    "&amp; &lt; &#60;",
    "\x00\x07\x7f\u2028\u200b\ufeff",
    "'single' \"double\"",
    "lone \ud800 surrogate",
    "",
    " ",
)
"""Texts a handler might contain, which must never break an output or reach it raw."""


def random_texts(count: int, seed: int = 7) -> list[str]:
    """Reproducible random texts drawn from ASCII punctuation, controls and far code points."""
    rng = random.Random(seed)
    pools = (
        [chr(c) for c in range(0x20, 0x7F)],
        [chr(c) for c in range(0x20)],
        ["\u00e9", "\u2028", "\ufeff", "\U0001f600", "\U0010fffd", "\u0301", "\u202e"],
    )
    texts: list[str] = []
    for _ in range(count):
        length = rng.randint(1, 40)
        texts.append("".join(rng.choice(rng.choice(pools)) for _ in range(length)))
    return texts


def op(kind: Kind, label: str, line: int, **extra: Any) -> Node:
    """An operation node named after its label unless ``name`` is given."""
    extra.setdefault("name", label)
    return Node(kind=kind, label=label, line=line, column=extra.pop("column", 5), **extra)


def control(kind: Kind, label: str, line: int, *blocks: Block, **extra: Any) -> Node:
    """A control structure or exit (not an operation, so no name)."""
    return Node(kind=kind, label=label, line=line, column=5, blocks=blocks, **extra)


def block(role: str, label: str | None, *nodes: Node, dynamic: bool = False) -> Block:
    """A block of ``nodes``."""
    return Block(role=role, label=label, nodes=nodes, dynamic=dynamic)


def document(
    *workflows: Workflow,
    path: str = "handler.py",
    language: str = "python",
    diagnostics: tuple[Diagnostic, ...] = (),
    direction: str = "TD",
    title: str | None = None,
) -> Document:
    """A one-file document."""
    result = ParseResult(language=language, workflows=workflows, diagnostics=diagnostics)
    return Document(path, (SourceFile(path, "", result),), direction, title)


def sequence() -> Document:
    """Every leaf operation in a row, a child context, a retry inlined from a helper, a return."""
    return document(
        Workflow(
            name="handler",
            line=3,
            nodes=(
                op(Kind.STEP, "validate", 4),
                op(
                    Kind.INVOKE,
                    "charge",
                    5,
                    target="payments-fn",
                    config={"timeout": "30s"},
                    annotations=("timeout 30s",),
                ),
                op(Kind.WAIT, "cool-down", 6, name=None),
                op(Kind.CREATE_CALLBACK, "callback", 7),
                op(Kind.WAIT_FOR_CONDITION, "until-ready", 8),
                op(
                    Kind.CHILD_CONTEXT,
                    "audit",
                    9,
                    blocks=(block("body", None, op(Kind.STEP, "write-{id}", 10, dynamic=True)),),
                ),
                op(
                    Kind.WITH_RETRY,
                    "ship",
                    12,
                    via=Via("ship_helper", 40),
                    annotations=("retry: exponential x3",),
                    blocks=(block("body", None, op(Kind.STEP, "ship-once", 41)),),
                ),
                control(Kind.RETURN, "return", 14),
            ),
        )
    )


def containers() -> Document:
    """A parallel with three named branches (one empty), a map, a combinator, a hidden scope."""
    return document(
        Workflow(
            name="fan_out",
            line=1,
            nodes=(
                op(
                    Kind.PARALLEL,
                    "prepare",
                    2,
                    config={"completion": "all"},
                    blocks=(
                        block("branch", "inventory", op(Kind.STEP, "reserve", 3, column=9)),
                        block("branch", "nothing"),
                        block(
                            "branch",
                            "billing",
                            op(Kind.STEP, "bill", 5, column=9),
                            op(Kind.STEP, "receipt", 6, column=9),
                        ),
                    ),
                ),
                op(
                    Kind.MAP,
                    "process-items",
                    8,
                    blocks=(
                        block(
                            "item",
                            "map-item-{i}",
                            op(Kind.STEP, "process-{idx}", 9, dynamic=True),
                            control(Kind.RETURN, "return", 10, scope="function"),
                        ),
                    ),
                ),
                control(Kind.SCOPE, "scope", 11, block("body", None, op(Kind.STEP, "scoped", 12))),
                op(
                    Kind.PROMISE_ALL,
                    "all",
                    13,
                    blocks=(
                        block("branch", "a", op(Kind.STEP, "a", 14)),
                        block("branch", "b", op(Kind.INVOKE, "b", 15, target="other")),
                    ),
                ),
                op(
                    Kind.PROMISE_ANY,
                    "any",
                    16,
                    blocks=(block("branch", "only", op(Kind.WAIT, "w", 17)),),
                ),
                op(Kind.PROMISE_RACE, "race", 18),
                op(Kind.PROMISE_ALL_SETTLED, "settled", 19),
            ),
        )
    )


def conditions() -> Document:
    """if/else, if without else, an elif chain and a guard that returns."""
    return document(
        Workflow(
            name="decide",
            line=1,
            nodes=(
                control(
                    Kind.CONDITION,
                    "amount > 100",
                    2,
                    block("outcome", "yes", op(Kind.STEP, "approve", 3)),
                    block("outcome", "no", op(Kind.STEP, "auto", 5)),
                ),
                control(
                    Kind.CONDITION,
                    "vip",
                    6,
                    block("outcome", "yes", op(Kind.STEP, "notify", 7)),
                    fallthrough="no",
                ),
                control(
                    Kind.CONDITION,
                    "a",
                    8,
                    block("outcome", "yes", op(Kind.STEP, "on-a", 9)),
                    block(
                        "outcome",
                        "no",
                        control(
                            Kind.CONDITION,
                            "b",
                            10,
                            block("outcome", "yes", op(Kind.STEP, "on-b", 11)),
                            fallthrough="no",
                        ),
                    ),
                ),
                control(
                    Kind.CONDITION,
                    "not ok",
                    12,
                    block("outcome", "yes", control(Kind.RETURN, "return", 13)),
                    fallthrough="no",
                ),
                op(Kind.STEP, "finish", 14),
            ),
        )
    )


def loops() -> Document:
    """A for loop with a back edge, an infinite loop left by break, a do-while, continue."""
    return document(
        Workflow(
            name="repeat",
            line=1,
            nodes=(
                control(
                    Kind.LOOP,
                    "for order in orders",
                    2,
                    block("body", None, op(Kind.STEP, "handle-{order}", 3, dynamic=True)),
                ),
                control(
                    Kind.LOOP,
                    "while true",
                    4,
                    block(
                        "body",
                        None,
                        op(Kind.STEP, "poll", 5),
                        control(
                            Kind.CONDITION,
                            "done",
                            6,
                            block("outcome", "yes", control(Kind.BREAK, "break", 7)),
                            fallthrough="no",
                        ),
                    ),
                    infinite=True,
                ),
                control(
                    Kind.LOOP,
                    "do ... while more",
                    8,
                    block("body", None, op(Kind.STEP, "tick", 9)),
                    do_while=True,
                ),
                control(
                    Kind.LOOP,
                    "for x in xs",
                    10,
                    block(
                        "body",
                        None,
                        control(
                            Kind.CONDITION,
                            "skip",
                            11,
                            block("outcome", "yes", control(Kind.CONTINUE, "continue", 12)),
                            fallthrough="no",
                        ),
                        op(Kind.STEP, "use-x", 13),
                    ),
                ),
                control(Kind.LOOP, "for nothing in xs", 14, block("body", None)),
            ),
        )
    )


def errors() -> Document:
    """try/except/else/finally with a raise, a catch-all try and an uncaught raise."""
    return document(
        Workflow(
            name="careful",
            line=1,
            nodes=(
                control(
                    Kind.TRY,
                    "try",
                    2,
                    block("body", None, op(Kind.STEP, "risky", 3), op(Kind.STEP, "other", 4)),
                    block("handler", "ValueError", op(Kind.STEP, "recover", 6)),
                    block("handler", "KeyError", control(Kind.RAISE, "raise LookupError", 8)),
                    block("else", None, op(Kind.STEP, "celebrate", 10)),
                    block("finally", None, op(Kind.STEP, "cleanup", 12)),
                ),
                control(
                    Kind.TRY,
                    "try",
                    13,
                    block("body", None, op(Kind.INVOKE, "call", 14, target="fn")),
                    block("handler", None),
                    catch_all=True,
                ),
                control(Kind.RAISE, "raise RuntimeError", 16),
            ),
        ),
        diagnostics=(
            Diagnostic(
                severity=Severity.WARNING, code="DV101", message="cannot read x", line=3, column=9
            ),
        ),
    )


def callbacks() -> Document:
    """A wait_for_callback whose submitter holds a step."""
    return document(
        Workflow(
            name="approval",
            line=1,
            nodes=(
                op(
                    Kind.WAIT_FOR_CALLBACK,
                    "approval",
                    2,
                    annotations=("timeout 24h",),
                    blocks=(block("body", "submitter", op(Kind.STEP, "send-email", 3, column=9)),),
                ),
                op(Kind.STEP, "after", 5),
            ),
        ),
        path="approval.ts",
        language="typescript",
    )


def hostile() -> Document:
    """Every hostile text as labels, names, branch and error labels, annotations and paths."""
    nodes: list[Node] = []
    for index, text in enumerate(HOSTILE):
        line = 10 * index + 1
        nodes.append(
            op(
                Kind.STEP,
                text,
                line,
                name=text,
                dynamic=True,
                annotations=(text,),
                config={text: text},
                via=Via(text, 1),
            )
        )
        nodes.append(
            op(
                Kind.PARALLEL,
                text,
                line + 1,
                blocks=(
                    block("branch", text, op(Kind.INVOKE, text, line + 2, target=text or "t")),
                    block("branch", f"{text}2", op(Kind.WAIT, text, line + 3)),
                ),
            )
        )
        nodes.append(
            control(
                Kind.CONDITION,
                text,
                line + 4,
                block("outcome", text or "yes", op(Kind.MAP, text, line + 5)),
                fallthrough=text or "no",
            )
        )
        nodes.append(
            control(
                Kind.TRY,
                text,
                line + 6,
                block("body", None, op(Kind.CHILD_CONTEXT, text, line + 7)),
                block("handler", text, op(Kind.STEP, "h", line + 8)),
            )
        )
    path = 'dir "x" <b>/h|o`s#t;i:l\ne.py'
    diagnostics = tuple(
        Diagnostic(severity=Severity.INFO, code="DV900", message=text, line=1, column=1, file=path)
        for text in HOSTILE
    )
    return document(
        Workflow(name="</script>", line=1, nodes=tuple(nodes)),
        path=path,
        diagnostics=diagnostics,
        title='"><img src=x onerror=alert(1)>',
    )


def fuzzed() -> Document:
    """Random texts as step labels and condition outcomes."""
    nodes = tuple(
        control(
            Kind.CONDITION,
            text,
            index + 1,
            block("outcome", text, op(Kind.STEP, text[::-1], index + 1)),
            fallthrough=text,
        )
        for index, text in enumerate(random_texts(40))
    )
    return document(Workflow(name="fuzz", line=1, nodes=nodes))


def several() -> Document:
    """Two files in two languages, three workflows in all, drawn left to right."""
    python = ParseResult(
        language="python",
        workflows=(
            Workflow(
                name="first",
                line=1,
                nodes=(op(Kind.STEP, "one", 2), control(Kind.RAISE, "raise", 3)),
            ),
            Workflow(
                name="second",
                line=10,
                nodes=(
                    op(
                        Kind.PARALLEL,
                        "p",
                        11,
                        blocks=(block("branch", "x", op(Kind.STEP, "x", 12)),),
                    ),
                ),
            ),
        ),
        diagnostics=(
            Diagnostic(
                severity=Severity.ERROR, code="DV001", message="m", line=1, column=2, file="a.py"
            ),
        ),
    )
    typescript = ParseResult(
        language="typescript",
        workflows=(
            Workflow(
                name="handler",
                line=1,
                nodes=(
                    control(
                        Kind.TRY,
                        "try",
                        2,
                        block("body", None, op(Kind.STEP, "t", 3)),
                        block("handler", "Error", op(Kind.STEP, "c", 4)),
                    ),
                ),
            ),
        ),
    )
    files = (SourceFile("src/a.py", "", python), SourceFile("src/b.ts", "", typescript))
    return Document("src", files, "LR")


def empty() -> Document:
    """A handler with no durable operation: Start straight to End."""
    return document(Workflow(name="nothing", line=1))


CASES: dict[str, Callable[[], Document]] = {
    "sequence": sequence,
    "containers": containers,
    "conditions": conditions,
    "loops": loops,
    "errors": errors,
    "callbacks": callbacks,
    "hostile": hostile,
    "fuzzed": fuzzed,
    "several": several,
    "empty": empty,
}
