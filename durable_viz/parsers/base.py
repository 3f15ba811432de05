"""What every language parser shares: name patterns, SDK default names, annotation texts,
pruning of control structures that hold nothing durable, and deep-recursion safety."""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from durable_viz.graph import OPERATION_KINDS, Block, Kind, Node

__all__ = [
    "PARALLEL_BRANCH_DEFAULT",
    "MAP_ITEM_DEFAULT",
    "NameValue",
    "completion_text",
    "duration_text",
    "finite",
    "one_line",
    "prune",
    "retry_text",
    "run_deep",
]

T = TypeVar("T")

PARALLEL_BRANCH_DEFAULT = "parallel-branch-{i}"
"""The name the SDKs give a parallel branch that has none (``{i}`` is its index)."""

MAP_ITEM_DEFAULT = "map-item-{i}"
"""The name the SDKs give a map item when no item namer is set."""

RUNTIME = "{}"
"""How a name pattern marks a part only known at run time."""


@dataclass(frozen=True, slots=True)
class NameValue:
    """An operation name as far as the source shows it.

    Attributes:
        name: what the SDK records: a literal, a pattern with ``{}`` for each runtime part, or
            ``None`` when it records no name.
        label: the same with the source text of each runtime part kept (``process-{idx}``).
        dynamic: some part is only known at run time.
    """

    name: str | None
    label: str | None
    dynamic: bool = False

    @staticmethod
    def literal(text: str) -> NameValue:
        """A name written out in full."""
        return NameValue(text, text, False)

    @staticmethod
    def runtime(expression_text: str) -> NameValue:
        """A name computed at run time from an expression."""
        return NameValue(RUNTIME, "{" + one_line(expression_text) + "}", True)

    @staticmethod
    def join(parts: Iterable[NameValue]) -> NameValue:
        """Concatenate name parts (string concatenation, f-string pieces)."""
        names: list[str] = []
        labels: list[str] = []
        dynamic = False
        for part in parts:
            names.append(part.name or "")
            labels.append(part.label or "")
            dynamic = dynamic or part.dynamic
        return NameValue("".join(names), "".join(labels), dynamic)


NONE_NAME = NameValue(None, None, False)


def one_line(text: str, limit: int = 0) -> str:
    """Collapse whitespace to single spaces; cut to ``limit`` characters with an ellipsis."""
    collapsed = " ".join(text.split())
    if limit and len(collapsed) > limit:
        return collapsed[: limit - 1] + "\u2026"
    return collapsed


def duration_text(seconds: float) -> str:
    """A short duration: ``30s``, ``15m``, ``24h``, ``2d``, ``1h 30m``."""
    if math.isnan(seconds):
        return "?"
    if seconds == math.inf:  # ``Duration.from_days(1e306)``: more seconds than a float holds
        return "∞"
    if seconds <= 0:
        return "0s"
    whole = int(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        # A day is easier read as 24h; from two days on, days read better.
        if whole % size == 0 and whole >= (2 * size if unit == "d" else size):
            return f"{whole // size}{unit}"
    parts: list[str] = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return " ".join(parts) if parts else f"{seconds:g}s"


def finite(read: Callable[[], float | None]) -> float | None:
    """What ``read`` evaluates a number the source writes to, or ``None`` when no finite float
    stands for it: ``1e400`` is infinite, ``float(10**400)`` overflows. The callers do
    arithmetic (``int()``, a duration's units) that would fail on either."""
    try:
        number = read()
    except OverflowError:
        return None
    return number if number is not None and math.isfinite(number) else None


def retry_text(kind: str, attempts: int | None = None) -> str:
    """``exponential x5``, ``linear``, ``critical``..."""
    return f"{kind} x{attempts}" if attempts is not None else kind


def completion_text(
    rule: str | None = None,
    *,
    min_successful: str | None = None,
    tolerated_count: str | None = None,
    tolerated_percentage: str | None = None,
) -> str:
    """How a parallel or map decides it is done."""
    if rule:
        return rule.replace("_", " ").lower()
    parts: list[str] = []
    if min_successful is not None:
        parts.append(f"min {min_successful} successful")
    if tolerated_count is not None:
        parts.append(f"tolerates {tolerated_count} failures")
    if tolerated_percentage is not None:
        parts.append(f"tolerates {tolerated_percentage}% failures")
    return ", ".join(parts) or "custom completion"


_Memo = dict[tuple[int, bool], tuple[Node, bool]]
"""Answers of one pruning pass by (node id, loose); each keeps its node alive so ids stay unique."""

_Escapes = dict[int, tuple[Node, frozenset[str]]]
"""Labels of the labelled jumps leaving each node, by node id (kept alive the same way)."""


def _escaping(node: Node, memo: _Escapes) -> frozenset[str]:
    """The labels of labelled ``break``/``continue`` nodes inside ``node`` that leave it.

    Such a jump decides how an enclosing statement goes on (``continue outer`` from a search
    loop holding nothing durable), so the structures it sits in are kept. A jump never leaves
    a function: operations' blocks and scopes stop it (a labelled block is no function).
    """
    known = memo.get(id(node))
    if known is not None:
        return known[1]
    if node.kind in (Kind.BREAK, Kind.CONTINUE):
        labels = frozenset((node.jump_label,)) if node.jump_label is not None else frozenset()
    elif node.kind in OPERATION_KINDS or (node.kind is Kind.SCOPE and node.jump_label is None):
        labels = frozenset()
    else:
        found: set[str] = set()
        for block in node.blocks:
            for child in block.nodes:
                found.update(_escaping(child, memo))
        found.discard(node.jump_label or "")
        labels = frozenset(found)
    memo[id(node)] = (node, labels)
    return labels


def _meaningful(nodes: tuple[Node, ...], *, loose: bool, memo: _Memo) -> bool:
    """Whether a run of nodes holds something the diagram must show.

    Operations, returns and raises always count; plain ``break``/``continue`` count when
    ``loose`` (inside a condition, they change how a loop is left; labelled ones count where
    they leave a structure, see :func:`_escaping`). ``memo`` holds the answer for every
    node already asked about in this pruning pass, so that deep nesting stays linear.
    """
    for node in nodes:
        key = (id(node), loose)
        known = memo.get(key)
        if known is None:
            known = (node, _node_meaningful(node, loose=loose, memo=memo))
            memo[key] = known
        if known[1]:
            return True
    return False


def _node_meaningful(node: Node, *, loose: bool, memo: _Memo) -> bool:
    if node.kind in OPERATION_KINDS or node.kind in (Kind.RETURN, Kind.RAISE):
        return True
    if loose and node.kind in (Kind.BREAK, Kind.CONTINUE) and node.jump_label is None:
        return True
    return any(_meaningful(block.nodes, loose=loose, memo=memo) for block in node.blocks)


def prune(nodes: Iterable[Node]) -> tuple[Node, ...]:
    """Drop control structures that hold nothing durable and empty transparent scopes.

    A labelled block (a ``scope`` with a ``jump_label``) stays while a kept ``break`` names it
    and it holds something durable (or a jump going further out); otherwise its statements take
    its place, or nothing when they hold nothing durable.
    """
    return _prune(nodes, {}, {})


def _prune(nodes: Iterable[Node], memo: _Memo, escapes: _Escapes) -> tuple[Node, ...]:
    kept: list[Node] = []
    for original in nodes:
        node = original
        if node.blocks:
            node = replace(
                node,
                blocks=tuple(replace(b, nodes=_prune(b.nodes, memo, escapes)) for b in node.blocks),
            )
        if (
            node.kind is Kind.CONDITION
            and not _meaningful(
                tuple(n for b in node.blocks for n in b.nodes), loose=True, memo=memo
            )
            and not _escaping(node, escapes)
        ):
            continue
        if (
            node.kind in (Kind.LOOP, Kind.TRY)
            and not _meaningful(
                tuple(n for b in node.blocks for n in b.nodes), loose=False, memo=memo
            )
            and not _escaping(node, escapes)
        ):
            continue
        if node.kind is Kind.SCOPE and node.jump_label is not None:
            kept.extend(_labelled_block(node, memo, escapes))
            continue
        if node.kind is Kind.SCOPE:
            inner = node.blocks[0].nodes if node.blocks else ()
            if not inner:
                continue
            if not any(n.kind is Kind.RETURN and n.scope == "function" for n in _flat(inner)):
                kept.extend(inner)
                continue
        kept.append(node)
    return tuple(kept)


def _labelled_block(node: Node, memo: _Memo, escapes: _Escapes) -> tuple[Node, ...]:
    """What a (pruned) labelled block leaves in its sequence: itself, or its statements when no
    kept ``break`` names it, or nothing when it holds nothing durable and no jump leaving it."""
    inner = node.blocks[0].nodes if node.blocks else ()
    named = any(node.jump_label in _escaping(n, escapes) for n in inner)
    if not named:
        return inner
    if not _meaningful(inner, loose=True, memo=memo) and not _escaping(node, escapes):
        return ()  # ``found: { if (x) break found; }``: its jumps decide nothing
    return (node,)


def _flat(nodes: tuple[Node, ...]) -> Iterable[Node]:
    for node in nodes:
        yield node
        if node.kind in OPERATION_KINDS:
            continue  # a return inside a container's block is that block's own
        for block in node.blocks:
            yield from _flat(block.nodes)


def block(
    role: str, nodes: Iterable[Node], label: str | None = None, dynamic: bool = False
) -> Block:
    """Shorthand for a :class:`Block` with pruned nodes."""
    return Block(role=role, label=label, nodes=prune(nodes), dynamic=dynamic)


DEEP_RECURSION_LIMIT = 60_000
DEEP_STACK_BYTES = 256 * 1024 * 1024


def run_deep(function: Callable[[], T]) -> T:
    """Run ``function``; if it recurses too deeply, run it again on a thread with a large stack.

    Parsers recurse over syntax trees. A pathologically nested input (thousands of levels) must
    still give a result or a clean error, never a crash.
    """
    try:
        return function()
    except RecursionError:
        pass
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(DEEP_RECURSION_LIMIT)
        try:
            outcome.append(function())
        except BaseException as error:  # handed back to the calling thread
            failure.append(error)
        finally:
            sys.setrecursionlimit(previous)

    previous_size = threading.stack_size()
    threading.stack_size(DEEP_STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="durable-viz-deep")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous_size)
    if failure:
        raise failure[0]
    return outcome[0]
