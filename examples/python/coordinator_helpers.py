"""Helpers shared by the specialist coordinator.

Nothing here is a durable handler; these functions receive the caller's
DurableContext and record their operations in the caller's workflow.
"""

from aws_durable_execution_sdk_python.config import Duration
from aws_durable_execution_sdk_python.context import DurableContext

from support_kb import knowledge_base


def summarize(ctx: DurableContext, topic: str):
    """Wait for the knowledge base to index new notes, then summarise a topic."""
    ctx.wait(Duration.from_seconds(45), name="await-indexing")
    return ctx.step(
        lambda _: knowledge_base.summarize_notes(topic, max_words=200),
        name=f"summarize-{topic}",
    )


def redact(text: str) -> str:
    """Plain helper: strip card numbers before text leaves the coordinator."""
    words = text.split()
    return " ".join("[redacted]" if w.isdigit() and len(w) >= 12 else w for w in words)
