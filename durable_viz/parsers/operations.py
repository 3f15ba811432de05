"""The language-neutral end of building an operation node.

Each parser reads an operation call its own way (which argument is the name, the config, the
function it runs). Once those parts are read, what the diagram shows of them follows the same
rules in every language: the label of an unnamed operation, the ``unnamed`` and ``calls ...``
annotations, a wait's duration, the names of a retry's backoff waits.
"""

from __future__ import annotations

from collections.abc import Callable

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import NameValue

__all__ = ["FALLBACK_LABELS", "fallback_label", "operation_node"]

FALLBACK_LABELS: dict[Kind, str] = {
    Kind.STEP: "step",
    Kind.WAIT: "wait",
    Kind.INVOKE: "invoke",
    Kind.PARALLEL: "parallel",
    Kind.MAP: "map",
    Kind.CHILD_CONTEXT: "child context",
    Kind.CREATE_CALLBACK: "callback",
    Kind.WAIT_FOR_CALLBACK: "wait for callback",
    Kind.WAIT_FOR_CONDITION: "wait for condition",
    Kind.WITH_RETRY: "with retry",
}
"""What an unnamed operation is labelled when nothing better is known of it."""

Place = Callable[..., Node]
"""Makes a node where the operation's call stands, from its kind, label and the other fields of
:class:`Node` by keyword (an analyzer's ``node`` with the call and its scope bound)."""

Describe = Callable[[], str | None]
"""A short text for the function an operation runs (``audit.write``), None when there is none."""


def fallback_label(
    kind: Kind, target: str | None, config: dict[str, str], describe: Describe
) -> str:
    """What to show for an operation the SDK records without a name: what an invoke calls, a
    wait's duration, the function the operation runs, else the kind."""
    if kind is Kind.INVOKE and target:
        return target
    if kind is Kind.WAIT and "duration" in config:
        return f"wait {config['duration']}"
    described = describe()
    if described:
        return described
    return FALLBACK_LABELS.get(kind, kind.value)


def operation_node(
    place: Place,
    kind: Kind,
    name: NameValue,
    config: dict[str, str],
    notes: list[str],
    *,
    describe: Describe,
    duration: str | None = None,
    target: str | None = None,
    blocks: tuple[Block, ...] = (),
    unnamed_retry: str | None = None,
) -> Node:
    """The node of one operation, from the parts its parser has read of the call.

    Args:
        place: makes the node where the call stands (see :data:`Place`).
        kind: the operation.
        name: the name the SDK records (``NONE_NAME`` when the call gives none).
        config: what its config says (``config`` of the node); completed here.
        notes: the annotations its config gives, in order; completed here.
        describe: asked only when an unnamed operation needs a label (see :data:`Describe`).
        duration: a wait's duration as :func:`~durable_viz.parsers.base.duration_text` gives
            it, when the source shows it.
        target: what an invoke calls, as far as the source shows it.
        blocks: the sub-workflows it runs (branches, items, a body, a submitter).
        unnamed_retry: the name the SDK gives the backoff waits of an unnamed retry (Java:
            ``retry``); None where it gives them none.
    """
    if duration is not None:
        config["duration"] = duration
        notes.insert(0, duration)
    if kind is Kind.WITH_RETRY:
        prefix = name.name if name.name is not None else unnamed_retry
        if prefix is not None:
            # The SDK names the waits between attempts after the retry.
            config["backoff_waits"] = f"{prefix}-backoff-{{n}}"
    if name.name is None:
        notes.append("unnamed")
    label = name.label or fallback_label(kind, target, config, describe)
    if kind is Kind.INVOKE and name.label and target:
        notes.insert(0, f"calls {target}")
    return place(
        kind,
        label,
        name=name.name,
        dynamic=name.dynamic,
        blocks=blocks,
        config=config,
        annotations=tuple(notes),
        target=target,
    )
