"""Handlers and helpers shared by the ``serve`` tests (``test_serve*.py``)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PY_HANDLER = textwrap.dedent(
    """\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution
    from aws_durable_execution_sdk_python.config import Duration


    @durable_execution
    def handler(event, context: DurableContext):
        context.step(lambda _: 1, name="charge")
        context.wait(Duration.from_seconds(5))
        context.step(lambda _: 2, name="ship")
    """
)

TS_HANDLER = textwrap.dedent(
    """\
    import { withDurableExecution } from "@aws/durable-execution-sdk-js";

    export const handler = withDurableExecution(async (event, context) => {
      await context.step("reserve", async () => 1);
      await context.step("charge", async () => 2);
    });
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def step_names(document: dict[str, Any]) -> list[str]:
    """Every node name of a JSON graph document, in order."""
    return [
        node["name"]
        for workflow in document["workflows"]
        for node in workflow["nodes"]
        if node.get("name")
    ]
