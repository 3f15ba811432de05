"""A workflow written back as a TypeScript handler for ``@aws/durable-execution-sdk-js``.

The file it writes is what a developer would start from: ``withDurableExecution`` around an
async handler, every operation with its name and config, conditions calling stub predicates
(their original text in the stub's comment), loops over placeholder collections the handler
reads from its input, ``try``/``catch`` with error classes declared at the top, bodies marked
``TODO``. It compiles with ``tsc --noEmit`` against the SDK's own types, and our TypeScript
parser reads it back as the same workflow (see ``tests/test_emit_typescript.py``).

Where TypeScript cannot say a construct the way the original did (a Python ``try/else``, a
loop ``else``, a named completion rule of another SDK), the closest code is written with a
comment; :func:`emit_with_notes` lists those adaptations.
"""

from __future__ import annotations

from durable_viz.emit.common import camel
from durable_viz.emit.typescript_flow import Frame, flatten
from durable_viz.emit.typescript_operations import Writer
from durable_viz.emit.typescript_values import RESERVED, comment
from durable_viz.graph import Workflow
from durable_viz.parsers.base import run_deep

__all__ = ["emit", "emit_with_notes"]

SDK = "@aws/durable-execution-sdk-js"


def emit(workflow: Workflow) -> str:
    """The whole source file of a TypeScript handler that draws as ``workflow``."""
    return emit_with_notes(workflow)[0]


def emit_with_notes(workflow: Workflow) -> tuple[str, tuple[str, ...]]:
    """The source file, and the constructs written differently from the original (each once)."""
    writer = Writer()
    handler = writer.module.ids.take(camel(workflow.name, fallback="handler", reserved=RESERVED))
    # A workflow nested thousands deep is written on a large stack, as parsers read one.
    body = run_deep(lambda: writer.statements(workflow.nodes, Frame("context")))
    module = writer.module
    lines = [
        "/**",
        f" * {comment(workflow.name)}: a durable handler skeleton written by durable-viz"
        + (f" from {comment(workflow.file)}." if workflow.file else "."),
        " *",
        " * Every operation, branch, loop, condition and try block of the workflow is in place;",
        " * fill in each TODO (the work each step does, the tests the stub predicates make).",
        " */",
        "",
        "import {",
        *(f"  {name}," for name in sorted(module.imports, key=str.lower)),
        f'}} from "{SDK}";',
        "",
    ]
    lines.extend(module.declarations())
    signature = "async (event: any, context: DurableContext)"
    lines.append(f"export const {handler} = withDurableExecution({signature} => {{")
    if module.inputs:
        lines.append(f"  const {{ {', '.join(module.inputs)} }} = event;")
        lines.append("")
    lines.extend(flatten(body, 1))
    if body:
        lines.append("")
    lines.append('  return { status: "TODO" };')
    lines.append("});")
    return "\n".join(lines) + "\n", tuple(writer.adaptations)
