"""Documents for the page tests and benchmark: examples, hostile labels, generated workflows."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from durable_viz.api import load
from durable_viz.graph import Block, Kind, Node, ParseResult, Workflow
from durable_viz.render import Document, SourceFile

__all__ = [
    "EXAMPLES",
    "HOSTILE_LABELS",
    "ROOT",
    "generated_document",
    "hostile_document",
    "hostile_handler",
]

ROOT = Path(__file__).resolve().parent.parent


def _has_handler(path: Path) -> bool:
    from durable_viz.api import parse_file

    try:
        return bool(parse_file(path).result.workflows)
    except Exception:  # a helper module, or a language whose parser is still being written
        return False


EXAMPLES = [
    p
    for language in ("python", "typescript", "java", "csharp")
    for p in sorted((ROOT / "examples" / language).glob("*"))
    if p.suffix in {".py", ".ts", ".js", ".java", ".cs"} and _has_handler(p)
]
"""Every example handler file (each language's folder, as the parser helpers add them)."""

LONG = ("long-name-" * 200)[:2000]

HOSTILE_LABELS: tuple[str, ...] = (
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "`${alert(1)}` ``code``",
    "{{7*7}} {x} [y] ((z))",
    "a|b||c",
    "rocket \U0001f680 sparkles \u2728",
    "<!-- </style><style>body{display:none}</style>",
    "\u2028line\u2029sep & &amp; ]]>",
    "javascript:alert(1)",
    LONG,
)


def hostile_document() -> Document:
    """One workflow whose every label, name, annotation and branch name is hostile."""
    nodes: list[Node] = []
    for line, label in enumerate(HOSTILE_LABELS, start=2):
        nodes.append(
            Node(
                kind=Kind.STEP,
                label=label,
                name=label,
                line=line,
                column=5,
                annotations=(label[:40],),
            )
        )
    nodes.append(
        Node(
            kind=Kind.PARALLEL,
            label=HOSTILE_LABELS[0],
            name=HOSTILE_LABELS[1],
            line=20,
            column=5,
            blocks=tuple(
                Block(
                    role="branch",
                    label=label,
                    nodes=(Node(kind=Kind.STEP, label=label, name=label, line=21, column=9),),
                )
                for label in (HOSTILE_LABELS[1], HOSTILE_LABELS[4])
            ),
        )
    )
    source = "\n".join(["# " + label for label in HOSTILE_LABELS] + ["</script>"] * 20)
    workflow = Workflow(name=HOSTILE_LABELS[0], line=1, nodes=tuple(nodes))
    path = "</script><img src=x onerror=alert(1)>.py"
    result = ParseResult(language="python", workflows=(workflow,))
    return Document(path, (SourceFile(path, source, result),), "TD")


def hostile_handler(folder: Path) -> Path:
    """A real Python handler whose names are hostile; returns its path."""
    names = [label.replace("\\", "\\\\").replace('"', '\\"') for label in HOSTILE_LABELS]
    body = "\n".join(
        f'    context.step(lambda _: {i}, name="{name}")' for i, name in enumerate(names)
    )
    text = textwrap.dedent(
        """\
        from aws_durable_execution_sdk_python import DurableContext, durable_execution


        @durable_execution
        def handler(event, context: DurableContext):
        """
    )
    path = folder / "hostile.py"
    path.write_text(text + body + "\n", encoding="utf-8")
    return path


def generated_document(operations: int) -> Document:
    """A workflow of about ``operations`` operations: steps, conditions, loops and fan-outs."""
    nodes: list[Node] = []
    line = 2
    count = 0

    def step(name: str) -> Node:
        nonlocal line, count
        line += 1
        count += 1
        return Node(kind=Kind.STEP, label=name, name=name, line=line, column=9)

    index = 0
    while count < operations:
        nodes.append(step(f"step-{index}"))
        if index % 4 == 1:
            yes = Block(role="outcome", label="yes", nodes=(step(f"approve-{index}"),))
            no = Block(role="outcome", label="no", nodes=(step(f"reject-{index}"),))
            line += 1
            nodes.append(
                Node(
                    kind=Kind.CONDITION,
                    label=f"amount > {index}",
                    line=line,
                    column=5,
                    blocks=(yes, no),
                )
            )
        elif index % 4 == 2:
            branches = tuple(
                Block(role="branch", label=f"b{b}", nodes=(step(f"branch-{index}-{b}"),))
                for b in range(3)
            )
            line += 1
            count += 1
            nodes.append(
                Node(
                    kind=Kind.PARALLEL,
                    label=f"fan-{index}",
                    name=f"fan-{index}",
                    line=line,
                    column=5,
                    blocks=branches,
                )
            )
        elif index % 4 == 3:
            body = Block(role="body", nodes=(step(f"item-{index}"),))
            line += 1
            nodes.append(
                Node(
                    kind=Kind.LOOP,
                    label=f"for item in items_{index}",
                    line=line,
                    column=5,
                    blocks=(body,),
                )
            )
        index += 1
    source = "\n".join(f"    line_{n} = {n}" for n in range(1, line + 2))
    workflow = Workflow(name="generated", line=1, nodes=tuple(nodes))
    result = ParseResult(language="python", workflows=(workflow,))
    return Document("generated.py", (SourceFile("generated.py", source, result),), "TD")


def example_document(path: Path) -> Document:
    """The document of one example file, with its path shown relative to the repository."""
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        return load(path.relative_to(ROOT).as_posix())
    finally:
        os.chdir(previous)
