"""Workflow trees built directly from the model, for layout tests and benchmarks.

``workflows()`` is a hypothesis strategy covering every construct the layout handles (sequences,
fan-outs, conditions with and without a fall-through, loops of every flavour, try with handlers,
else and finally, early exits, break/continue, inlined helper scopes). ``generated(n)`` is a
deterministic workflow with about ``n`` operations, for timing.
"""

from __future__ import annotations

import functools
import itertools

from hypothesis import strategies as st

from durable_viz.graph import Block, Kind, Node, Workflow

__all__ = ["generated", "workflows"]

_counter = itertools.count(1)


def _op(kind: Kind, label: str, dynamic: bool = False, notes: tuple[str, ...] = ()) -> Node:
    line = next(_counter) % 5000 + 1
    return Node(
        kind=kind, label=label, line=line, column=5, name=label, dynamic=dynamic, annotations=notes
    )


_LABELS = st.sampled_from(
    [
        "validate",
        "charge-card",
        "x",
        "process-{idx}",
        "a-rather-long-operation-name-that-must-wrap-somewhere-sensible",
        "日本語 ラベル",
        "</script><b>&amp;",
    ]
)
_NOTES = st.sampled_from([(), ("retry: exponential x3",), ("at most once", "timeout 24h")])

_leaf = st.one_of(
    st.builds(lambda label, notes: _op(Kind.STEP, label, notes=notes), _LABELS, _NOTES),
    st.builds(lambda label: _op(Kind.INVOKE, label), _LABELS),
    st.builds(lambda label: _op(Kind.WAIT, label, dynamic=True), _LABELS),
    st.builds(lambda label: _op(Kind.WAIT_FOR_CALLBACK, label), _LABELS),
)
_exit = st.one_of(
    st.builds(
        lambda scope: Node(kind=Kind.RETURN, label="return", line=1, column=1, scope=scope),
        st.sampled_from(["workflow", "function"]),
    ),
    # Fresh objects each time: the edge builder tells nodes apart by identity.
    st.builds(lambda: Node(kind=Kind.RAISE, label="raise ValueError", line=1, column=1)),
    st.builds(lambda: Node(kind=Kind.BREAK, label="break", line=1, column=1)),
    st.builds(lambda: Node(kind=Kind.CONTINUE, label="continue", line=1, column=1)),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    seq = st.lists(children, max_size=3).map(tuple)
    seq_or_exit = st.tuples(seq, st.one_of(st.none(), _exit)).map(
        lambda pair: pair[0] + ((pair[1],) if pair[1] is not None else ())
    )
    fanout = st.builds(
        lambda kind, label, blocks: Node(
            kind=kind,
            label=label,
            line=1,
            column=1,
            name=label,
            blocks=tuple(
                Block(role="branch", label=f"branch-{i}", nodes=b) for i, b in enumerate(blocks)
            ),
        ),
        st.sampled_from([Kind.PARALLEL, Kind.PROMISE_ALL, Kind.CHILD_CONTEXT, Kind.MAP]),
        _LABELS,
        st.lists(seq_or_exit, min_size=1, max_size=3),
    )
    condition = st.builds(
        lambda blocks, fall: Node(
            kind=Kind.CONDITION,
            label="order.total > 100",
            line=1,
            column=1,
            blocks=tuple(
                Block(role="outcome", label=f"case {i}" if i else "yes", nodes=b)
                for i, b in enumerate(blocks)
            ),
            fallthrough=fall,
        ),
        st.lists(seq_or_exit, min_size=1, max_size=3),
        st.sampled_from([None, "no", "default"]),
    )
    loop = st.builds(
        lambda body, orelse, flavour: Node(
            kind=Kind.LOOP,
            label="for item in items",
            line=1,
            column=1,
            blocks=(Block(role="body", nodes=body), Block(role="else", nodes=orelse)),
            do_while=flavour == "do",
            infinite=flavour == "forever",
        ),
        seq_or_exit,
        seq,
        st.sampled_from(["for", "do", "forever"]),
    )
    attempt = st.builds(
        lambda body, handlers, orelse, final, catch_all: Node(
            kind=Kind.TRY,
            label="try",
            line=1,
            column=1,
            catch_all=catch_all,
            blocks=(
                Block(role="body", nodes=body),
                *(
                    Block(role="handler", label=f"Error{i}", nodes=h)
                    for i, h in enumerate(handlers)
                ),
                *((Block(role="else", nodes=orelse),) if orelse else ()),
                *((Block(role="finally", nodes=final),) if final is not None else ()),
            ),
        ),
        seq_or_exit,
        st.lists(seq_or_exit, max_size=3),
        seq,
        st.one_of(st.none(), seq),
        st.booleans(),
    )
    scope = st.builds(
        lambda body: Node(
            kind=Kind.SCOPE,
            label="helper",
            line=1,
            column=1,
            blocks=(Block(role="body", nodes=body),),
        ),
        seq_or_exit,
    )
    return st.one_of(children, fanout, condition, loop, attempt, scope)


def workflows() -> st.SearchStrategy[Workflow]:
    """Random workflows of every construct, a few levels deep."""
    node = st.recursive(_leaf, _extend, max_leaves=14)
    return st.lists(node, max_size=5).map(
        lambda nodes: Workflow(name="generated", line=1, nodes=tuple(nodes))
    )


def _step_at(line: int, name: str) -> Node:
    return Node(kind=Kind.STEP, label=name, line=line, column=5, name=name)


def generated(operations: int) -> Workflow:
    """A deterministic workflow of about ``operations`` operations mixing every construct."""
    nodes: list[Node] = []
    count = 0
    index = 0
    while count < operations:
        index += 1
        step = functools.partial(_step_at, index)
        pattern = index % 5
        if pattern == 0:
            blocks = tuple(
                Block(
                    role="branch",
                    label=f"b{j}",
                    nodes=(step(f"s{index}-{j}a"), step(f"s{index}-{j}b")),
                )
                for j in range(3)
            )
            nodes.append(
                Node(kind=Kind.PARALLEL, label=f"fan-{index}", line=index, column=5, blocks=blocks)
            )
            count += 7
        elif pattern == 1:
            nodes.append(
                Node(
                    kind=Kind.CONDITION,
                    label=f"check {index}",
                    line=index,
                    column=5,
                    blocks=(Block(role="outcome", label="yes", nodes=(step(f"c{index}"),)),),
                    fallthrough="no",
                )
            )
            count += 1
        elif pattern == 2:
            body = (step(f"l{index}a"), step(f"l{index}b"))
            nodes.append(
                Node(
                    kind=Kind.LOOP,
                    label=f"for x in xs{index}",
                    line=index,
                    column=5,
                    blocks=(Block(role="body", nodes=body),),
                )
            )
            count += 2
        elif pattern == 3:
            nodes.append(
                Node(
                    kind=Kind.TRY,
                    label="try",
                    line=index,
                    column=5,
                    blocks=(
                        Block(role="body", nodes=(step(f"t{index}"),)),
                        Block(role="handler", label="ValueError", nodes=(step(f"h{index}"),)),
                    ),
                )
            )
            count += 2
        else:
            nodes.append(step(f"step-{index}"))
            count += 1
    return Workflow(name="generated", line=1, nodes=tuple(nodes))
