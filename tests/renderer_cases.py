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
    "style:x#y; classDef a:#fff;",
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


def op(kind: Kind, label: str, line: int, *blocks: Block, **extra: Any) -> Node:
    """An operation node named after its label unless ``name`` is given."""
    extra.setdefault("name", label)
    column = extra.pop("column", 5)
    return Node(kind=kind, label=label, line=line, column=column, blocks=blocks, **extra)


def step(label: str, line: int, **extra: Any) -> Node:
    """A step."""
    return op(Kind.STEP, label, line, **extra)


def control(kind: Kind, label: str, line: int, *blocks: Block, **extra: Any) -> Node:
    """A control structure or exit (not an operation, so no name)."""
    return Node(kind=kind, label=label, line=line, column=5, blocks=blocks, **extra)


def cond(label: str, line: int, *blocks: Block, **extra: Any) -> Node:
    """A condition; ``fallthrough`` defaults to ``no`` when only one outcome is given."""
    if len(blocks) == 1:
        extra.setdefault("fallthrough", "no")
    return control(Kind.CONDITION, label, line, *blocks, **extra)


def loop(label: str, line: int, *nodes: Node, **extra: Any) -> Node:
    """A loop whose body holds ``nodes``."""
    return control(Kind.LOOP, label, line, block("body", None, *nodes), **extra)


def block(role: str, label: str | None, *nodes: Node) -> Block:
    """A block of ``nodes``."""
    return Block(role=role, label=label, nodes=nodes)


def body(*nodes: Node) -> Block:
    """A body block."""
    return block("body", None, *nodes)


def branch(label: str, *nodes: Node) -> Block:
    """A parallel or combinator branch."""
    return block("branch", label, *nodes)


def outcome(label: str, *nodes: Node) -> Block:
    """A condition outcome."""
    return block("outcome", label, *nodes)


def document(
    *workflows: Workflow,
    path: str = "handler.py",
    language: str = "python",
    diagnostics: tuple[Diagnostic, ...] = (),
    title: str | None = None,
) -> Document:
    """A one-file document."""
    result = ParseResult(language=language, workflows=workflows, diagnostics=diagnostics)
    return Document(path, (SourceFile(path, "", result),), "TD", title)


def workflow(name: str, line: int, *nodes: Node) -> Workflow:
    """A workflow of ``nodes``."""
    return Workflow(name=name, line=line, nodes=nodes)


def sequence() -> Document:
    """Every leaf operation in a row, a child context, a retry inlined from a helper, a return."""
    charge = op(Kind.INVOKE, "charge", 5, target="payments-fn", config={"timeout": "30s"},
                annotations=("timeout 30s",))  # fmt: skip
    ship = op(Kind.WITH_RETRY, "ship", 12, body(step("ship-once", 41)),
              via=Via("ship_helper", 40), annotations=("retry: exponential x3",))  # fmt: skip
    return document(workflow("handler", 3,
        step("validate", 4),
        charge,
        op(Kind.WAIT, "cool-down", 6, name=None),
        op(Kind.CREATE_CALLBACK, "callback", 7),
        op(Kind.WAIT_FOR_CONDITION, "until-ready", 8),
        op(Kind.CHILD_CONTEXT, "audit", 9, body(step("write-{id}", 10, dynamic=True))),
        ship,
        control(Kind.RETURN, "return", 14),
    ))  # fmt: skip


def containers() -> Document:
    """A parallel with three named branches (one empty), a map, a combinator, a hidden scope."""
    return document(workflow("fan_out", 1,
        op(Kind.PARALLEL, "prepare", 2,
           branch("inventory", step("reserve", 3, column=9)),
           branch("nothing"),
           branch("billing", step("bill", 5, column=9), step("receipt", 6, column=9)),
           config={"completion": "all"}),
        op(Kind.MAP, "process-items", 8, block("item", "map-item-{i}",
            step("process-{idx}", 9, dynamic=True),
            control(Kind.RETURN, "return", 10, scope="function"))),
        control(Kind.SCOPE, "scope", 11, body(step("scoped", 12))),
        op(Kind.PROMISE_ALL, "all", 13,
           branch("a", step("a", 14)), branch("b", op(Kind.INVOKE, "b", 15, target="other"))),
        op(Kind.PROMISE_ANY, "any", 16, branch("only", op(Kind.WAIT, "w", 17))),
        op(Kind.PROMISE_RACE, "race", 18),
        op(Kind.PROMISE_ALL_SETTLED, "settled", 19),
    ))  # fmt: skip


def conditions() -> Document:
    """if/else, if without else, an elif chain and a guard that returns."""
    return document(workflow("decide", 1,
        cond("amount > 100", 2, outcome("yes", step("approve", 3)),
             outcome("no", step("auto", 5))),
        cond("vip", 6, outcome("yes", step("notify", 7))),
        cond("a", 8, outcome("yes", step("on-a", 9)),
             outcome("no", cond("b", 10, outcome("yes", step("on-b", 11))))),
        cond("not ok", 12, outcome("yes", control(Kind.RETURN, "return", 13))),
        step("finish", 14),
    ))  # fmt: skip


def loops() -> Document:
    """A for loop with a back edge, an infinite loop left by break, a do-while, continue."""
    return document(workflow("repeat", 1,
        loop("for order in orders", 2, step("handle-{order}", 3, dynamic=True)),
        loop("while true", 4,
             step("poll", 5),
             cond("done", 6, outcome("yes", control(Kind.BREAK, "break", 7))),
             infinite=True),
        loop("do ... while more", 8, step("tick", 9), do_while=True),
        loop("for x in xs", 10,
             cond("skip", 11, outcome("yes", control(Kind.CONTINUE, "continue", 12))),
             step("use-x", 13)),
        loop("for nothing in xs", 14),
    ))  # fmt: skip


def errors() -> Document:
    """try/except/else/finally with a raise, a catch-all try and an uncaught raise."""
    warning = Diagnostic(severity=Severity.WARNING, code="DV101", message="cannot read x",
                         line=3, column=9)  # fmt: skip
    return document(workflow("careful", 1,
        control(Kind.TRY, "try", 2,
                body(step("risky", 3), step("other", 4)),
                block("handler", "ValueError", step("recover", 6)),
                block("handler", "KeyError", control(Kind.RAISE, "raise LookupError", 8)),
                block("else", None, step("celebrate", 10)),
                block("finally", None, step("cleanup", 12))),
        control(Kind.TRY, "try", 13,
                body(op(Kind.INVOKE, "call", 14, target="fn")),
                block("handler", None),
                catch_all=True),
        control(Kind.RAISE, "raise RuntimeError", 16),
    ), diagnostics=(warning,))  # fmt: skip


def callbacks() -> Document:
    """A wait_for_callback whose submitter holds a step."""
    approval = op(Kind.WAIT_FOR_CALLBACK, "approval", 2,
                  block("body", "submitter", step("send-email", 3, column=9)),
                  annotations=("timeout 24h",))  # fmt: skip
    workflows = workflow("approval", 1, approval, step("after", 5))
    return document(workflows, path="approval.ts", language="typescript")


def hostile() -> Document:
    """Every hostile text as labels, names, branch and error labels, annotations and paths."""
    nodes: list[Node] = []
    for index, text in enumerate(HOSTILE):
        line = 10 * index + 1
        nodes += [
            step(text, line, dynamic=True, annotations=(text,), config={text: text},
                 via=Via(text, 1)),
            op(Kind.PARALLEL, text, line + 1,
               branch(text, op(Kind.INVOKE, text, line + 2, target=text or "t")),
               branch(f"{text}2", op(Kind.WAIT, text, line + 3))),
            cond(text, line + 4, outcome(text or "yes", op(Kind.MAP, text, line + 5)),
                 fallthrough=text or "no"),
            control(Kind.TRY, text, line + 6,
                    body(op(Kind.CHILD_CONTEXT, text, line + 7)),
                    block("handler", text, step("h", line + 8))),
        ]  # fmt: skip
    path = 'dir "x" <b>/h|o`s#t;i:l\ne.py'
    diagnostics = tuple(
        Diagnostic(severity=Severity.INFO, code="DV900", message=text, line=1, column=1, file=path)
        for text in HOSTILE
    )
    return document(
        workflow("</script>", 1, *nodes),
        path=path,
        diagnostics=diagnostics,
        title='"><img src=x onerror=alert(1)>',
    )


def fuzzed() -> Document:
    """Random texts as step labels and condition outcomes."""
    nodes = [
        cond(text, index + 1, outcome(text, step(text[::-1], index + 1)), fallthrough=text)
        for index, text in enumerate(random_texts(40))
    ]
    return document(workflow("fuzz", 1, *nodes))


def several() -> Document:
    """Two files in two languages, three workflows in all, drawn left to right."""
    error = Diagnostic(severity=Severity.ERROR, code="DV001", message="m", line=1, column=2,
                       file="a.py")  # fmt: skip
    python = ParseResult(language="python", workflows=(
        workflow("first", 1, step("one", 2), control(Kind.RAISE, "raise", 3)),
        workflow("second", 10, op(Kind.PARALLEL, "p", 11, branch("x", step("x", 12)))),
    ), diagnostics=(error,))  # fmt: skip
    typescript = ParseResult(language="typescript", workflows=(
        workflow("handler", 1, control(Kind.TRY, "try", 2, body(step("t", 3)),
                                       block("handler", "Error", step("c", 4)))),
    ))  # fmt: skip
    files = (SourceFile("src/a.py", "", python), SourceFile("src/b.ts", "", typescript))
    return Document("src", files, "LR")


def empty() -> Document:
    """A handler with no durable operation: Start straight to End."""
    return document(workflow("nothing", 1))


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
