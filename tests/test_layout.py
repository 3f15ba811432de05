"""The structured layout, checked geometrically.

On every example of every language and on hypothesis-generated workflows, in both directions:
no two edges touch unless they share their source or their target (edges merging into one
target or fanning out of one source may run together), no edge passes through a box it does not
start or end at, no two boxes (nodes, stub markers, edge and lane labels) overlap, no edge runs
through a label, frames nest, text fits inside its shape, and every edge of the graph is drawn.
Then the structure itself: sequences stack, branches sit side by side, loops keep their back
edge beside the body, conditions bypass, a try draws one error edge per handler, and ``LR`` is
``TD`` turned on its side.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from geometry import (
    all_problems,
    box_overlaps,
    edge_crossings,
    edges_through_boxes,
    segments_touch,
    text_outside_shape,
)
from hypothesis import HealthCheck, given, settings
from workflows import generated, workflows

from durable_viz.api import load
from durable_viz.edges import Graph, build_graph
from durable_viz.errors import DurableVizError
from durable_viz.graph import Block, Kind, Node, Workflow, walk
from durable_viz.renderers.layout import CHANNEL, Layout, layout_view

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*/*") if p.is_file())
DIRECTIONS = ("TD", "LR")


def _graphs(path: Path) -> list[Graph]:
    try:
        document = load(str(path))
    except DurableVizError:
        return []  # a helper module without a handler
    return [view.graph for view in document.views]


def _coverage(graph: Graph, layout: Layout) -> list[str]:
    """Graph edges with no drawn edge; a try's error edge stands for its body's error edges."""
    drawn = {(e.source, e.target, e.label) for e in layout.edges}
    kinds = {n.id: n.kind for n in graph.nodes}
    collapsed = {(e.label, e.target) for e in layout.edges if kinds[e.source] is Kind.TRY}
    return [
        f"{e.source}->{e.target}[{e.label}] not drawn"
        for e in graph.edges
        if (e.source, e.target, e.label) not in drawn
        and not (e.error and (e.label, e.target) in collapsed)
    ]


def _check(graph: Graph) -> None:
    for direction in DIRECTIONS:
        layout = layout_view(graph, direction)
        problems = all_problems(layout) + _coverage(graph, layout)
        assert not problems, f"{direction}: {problems}"
        drawn_ids = [n.id for n in layout.nodes]
        assert sorted(drawn_ids) == sorted(n.id for n in graph.nodes if n.kind is not Kind.TRY)
        assert len(drawn_ids) == len(set(drawn_ids))


def test_examples_exist() -> None:
    assert sum(len(_graphs(p)) for p in EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_layout_is_clean(path: Path) -> None:
    for graph in _graphs(path):
        _check(graph)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(workflows())
def test_generated_layout_is_clean(workflow: Workflow) -> None:
    _check(build_graph(workflow))


def test_large_generated_workflow_is_clean() -> None:
    graph = build_graph(generated(150))
    layout = layout_view(graph, "TD")
    # The full pairwise edge check is quadratic; on this size it stays fast enough.
    assert not edge_crossings(layout)
    assert not edges_through_boxes(layout)
    assert not box_overlaps(layout)
    assert not text_outside_shape(layout)


# -- the checks themselves can fail ------------------------------------------------------------


def test_checker_sees_a_crossing_and_an_overlap() -> None:
    assert segments_touch((0, 0), (10, 10), (0, 10), (10, 0))
    assert segments_touch((0, 0), (10, 0), (5, 0), (20, 0))  # overlapping
    assert not segments_touch((0, 0), (10, 0), (0, 1), (10, 1))
    layout = layout_view(build_graph(_wf(_step("a"), _step("b"))), "TD")
    a, b = layout.nodes[1], layout.nodes[2]
    b.y = a.y + 2
    assert box_overlaps(layout)
    layout.edges[0].paths[0].append((a.x - 40, a.y + 10))
    layout.edges[0].paths[0].append((a.x + 300, a.y + 10))
    assert edges_through_boxes(layout)


# -- structure ---------------------------------------------------------------------------------


def _step(name: str) -> Node:
    return Node(kind=Kind.STEP, label=name, line=1, column=1, name=name)


def _wf(*nodes: Node) -> Workflow:
    return Workflow(name="w", line=1, nodes=nodes)


def _boxes(layout: Layout) -> dict[str, tuple[float, float, float, float]]:
    by_label = {}
    for n in layout.nodes:
        by_label[n.graph_node.label] = (n.x, n.y, n.width, n.height)
    return by_label


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def test_sequence_stacks_along_the_flow() -> None:
    graph = build_graph(_wf(_step("a"), _step("b"), _step("c")))
    td = _boxes(layout_view(graph, "TD"))
    assert _centre(td["a"])[0] == _centre(td["b"])[0] == _centre(td["c"])[0]
    assert td["a"][1] + td["a"][3] < td["b"][1] < td["b"][1] + td["b"][3] < td["c"][1]
    lr = _boxes(layout_view(graph, "LR"))
    assert _centre(lr["a"])[1] == _centre(lr["b"])[1] == _centre(lr["c"])[1]
    assert lr["a"][0] + lr["a"][2] < lr["b"][0] < lr["c"][0]


def test_branches_sit_side_by_side_in_a_frame() -> None:
    branches = tuple(Block(role="branch", label=f"b{i}", nodes=(_step(f"s{i}"),)) for i in range(3))
    fan = Node(kind=Kind.PARALLEL, label="fan", line=1, column=1, blocks=branches)
    graph = build_graph(_wf(fan, _step("after")))
    layout = layout_view(graph, "TD")
    boxes = _boxes(layout)
    tops = {boxes[f"s{i}"][1] for i in range(3)}
    assert len(tops) == 1
    assert boxes["s0"][0] + boxes["s0"][2] < boxes["s1"][0] < boxes["s2"][0]
    assert boxes["fan"][1] < min(tops) and boxes["after"][1] > max(tops)
    (frame,) = layout.frames
    # The frame is the fan's: its node sits right above it and names it; the frame repeats no
    # label (in either direction).
    assert frame.kind is Kind.PARALLEL and frame.label is None
    assert sorted(lab.text for lab in layout.block_labels) == ["b0", "b1", "b2"]
    fan_box = next(n for n in layout.nodes if n.graph_node.label == "fan")
    assert 0 < frame.y - (fan_box.y + fan_box.height) <= 20
    lr = layout_view(graph, "LR")
    (lr_frame,) = lr.frames
    lr_fan = next(n for n in lr.nodes if n.graph_node.label == "fan")
    assert lr_frame.label is None and 0 < lr_frame.x - (lr_fan.x + lr_fan.width) <= 20


def test_condition_without_else_draws_the_no_path_as_a_bypass() -> None:
    cond = Node(
        kind=Kind.CONDITION,
        label="ok",
        line=1,
        column=1,
        blocks=(Block(role="outcome", label="yes", nodes=(_step("a"),)),),
        fallthrough="no",
    )
    graph = build_graph(_wf(cond, _step("b")))
    layout = layout_view(graph, "TD")
    boxes = _boxes(layout)
    (bypass,) = [e for e in layout.edges if e.label == "no"]
    xs = [x for x, _ in (bypass.paths + bypass.feeds)[0]]
    assert max(xs) > boxes["a"][0] + boxes["a"][2]  # runs beside "a", not through it
    assert bypass.labels and bypass.labels[0].text == "no"


def test_loop_back_edge_runs_beside_the_body() -> None:
    loop = Node(
        kind=Kind.LOOP,
        label="for x in xs",
        line=1,
        column=1,
        blocks=(Block(role="body", nodes=(_step("a"), _step("b"))),),
    )
    layout = layout_view(build_graph(_wf(loop, _step("after"))), "TD")
    boxes = _boxes(layout)
    (back,) = [e for e in layout.edges if e.back]
    assert back.label == "next item"
    assert min(x for x, _ in back.paths[0]) < min(boxes["a"][0], boxes["b"][0])
    (done,) = [e for e in layout.edges if e.label == "done"]
    assert max(x for x, _ in done.paths[0]) > max(boxes["a"][0] + boxes["a"][2], 0)


def test_try_draws_one_error_edge_per_handler_from_the_body() -> None:
    attempt = Node(
        kind=Kind.TRY,
        label="try",
        line=1,
        column=1,
        blocks=(
            Block(role="body", nodes=(_step("a"), _step("b"), _step("c"))),
            Block(role="handler", label="ValueError", nodes=(_step("h1"),)),
            Block(role="handler", label="KeyError", nodes=(_step("h2"),)),
        ),
    )
    graph = build_graph(_wf(attempt))
    assert sum(e.error for e in graph.edges) == 6
    layout = layout_view(graph, "TD")
    errors = [e for e in layout.edges if e.error]
    try_id = next(n.id for n in graph.nodes if n.kind is Kind.TRY)
    assert sorted((e.source, e.label) for e in errors) == [
        (try_id, "KeyError"),
        (try_id, "ValueError"),
    ]
    assert {f.kind for f in layout.frames} == {Kind.TRY}


def _exit(kind: Kind) -> Node:
    return Node(kind=kind, label=kind.value, line=2, column=1)


def test_exits_reach_end_and_fail_by_a_full_edge_when_it_crosses_nothing() -> None:
    guard = Node(
        kind=Kind.CONDITION,
        label="bad",
        line=1,
        column=1,
        blocks=(Block(role="outcome", label="yes", nodes=(_exit(Kind.RAISE),)),),
        fallthrough="no",
    )
    graph = build_graph(_wf(guard, _step("a"), _exit(Kind.RETURN)))
    for direction in DIRECTIONS:
        layout = layout_view(graph, direction)
        assert not [e for e in layout.edges if e.stub is not None]
        ends = {n.id: n for n in layout.nodes if n.id in ("end", "fail")}
        for edge in layout.edges:
            if edge.target in ends:
                x, y = edge.paths[0][-1]
                box = ends[edge.target]
                assert box.x <= x <= box.x + box.width and box.y <= y <= box.y + box.height
        # The guard's "no" path carries on along the axis; its exit lane went to the side.
        no = next(e for e in layout.edges if e.label == "no")
        across = {p[0] if direction == "TD" else p[1] for p in (no.paths + no.feeds)[0]}
        assert len(across) == 1


def test_an_exit_hemmed_in_by_other_lanes_is_a_stub_naming_its_target() -> None:
    split = Node(
        kind=Kind.CONDITION,
        label="which",
        line=1,
        column=1,
        blocks=(
            Block(role="outcome", label="yes", nodes=(_exit(Kind.RETURN),)),
            Block(role="outcome", label="case 1", nodes=(_step("b"), _exit(Kind.RAISE))),
        ),
        fallthrough="no",
    )
    graph = build_graph(_wf(split, _step("after")))
    layout = layout_view(graph, "TD")
    ret_id = next(n.id for n in graph.nodes if n.kind is Kind.RETURN)
    (edge,) = [e for e in layout.edges if e.source == ret_id]
    assert edge.target == "end" and edge.stub is not None and edge.stub.text == "\u2192 End"
    # The stub is short: it stays beside its source.
    (path,) = edge.paths
    assert abs(path[-1][0] - path[0][0]) < 40 and abs(path[-1][1] - path[0][1]) < 20


def test_break_is_a_stub_to_what_follows_the_loop() -> None:
    stop = Node(
        kind=Kind.CONDITION,
        label="enough",
        line=1,
        column=1,
        blocks=(Block(role="outcome", label="yes", nodes=(_exit(Kind.BREAK),)),),
        fallthrough="no",
    )
    loop = Node(
        kind=Kind.LOOP,
        label="for x in xs",
        line=1,
        column=1,
        blocks=(Block(role="body", nodes=(_step("a"), stop)),),
    )
    graph = build_graph(_wf(loop, _step("after")))
    layout = layout_view(graph, "TD")
    stubs = [e for e in layout.edges if e.stub is not None]
    assert [(e.label, e.stub.text) for e in stubs if e.stub] == [("yes", "yes \u2192 after")]


def test_lr_is_td_on_its_side() -> None:
    cond = Node(
        kind=Kind.CONDITION,
        label="ok",
        line=1,
        column=1,
        blocks=(Block(role="outcome", label="yes", nodes=(_step("a"),)),),
        fallthrough="no",
    )
    graph = build_graph(_wf(_step("first"), cond))
    td, lr = layout_view(graph, "TD"), layout_view(graph, "LR")
    assert len(td.edges) == len(lr.edges)
    assert td.height > td.width * 0.8 and lr.width > lr.height


def test_layout_is_linear_enough_and_deterministic() -> None:
    graph = build_graph(generated(1000))
    first = layout_view(graph, "TD")
    second = layout_view(graph, "TD")
    assert [(n.id, n.x, n.y) for n in first.nodes] == [(n.id, n.x, n.y) for n in second.nodes]
    assert [e.paths for e in first.edges] == [e.paths for e in second.edges]


def test_bad_direction() -> None:
    with pytest.raises(ValueError, match="TD or LR"):
        layout_view(build_graph(_wf()), "BT")


def test_two_tries_with_the_same_handler_each_draw_their_error_edge() -> None:
    def attempt(name: str) -> Node:
        return Node(
            kind=Kind.TRY,
            label="try",
            line=1,
            column=1,
            blocks=(
                Block(role="body", nodes=(_step(name),)),
                Block(role="handler", label="Timeout", nodes=()),
            ),
        )

    split = Node(
        kind=Kind.CONDITION,
        label="which",
        line=1,
        column=1,
        blocks=(
            Block(role="outcome", label="yes", nodes=(attempt("a"),)),
            Block(role="outcome", label="no", nodes=(attempt("b"),)),
        ),
    )
    graph = build_graph(_wf(split))
    _check(graph)
    tries = [n.id for n in graph.nodes if n.kind is Kind.TRY]
    errors = [e for e in layout_view(graph, "TD").edges if e.error]
    assert sorted(e.source for e in errors) == sorted(tries)


# -- which node is drawn where ---------------------------------------------------------------


def _at(label: str, line: int) -> Node:
    return Node(kind=Kind.STEP, label=label, line=line, column=5, name=label)


def _centres(layout: Layout) -> dict[str, list[float]]:
    centres: dict[str, list[float]] = {}
    for box in layout.nodes:
        centres.setdefault(box.id, []).append(box.y + box.height / 2)
    return centres


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_one_node_object_in_two_places_is_two_boxes(direction: str) -> None:
    # A hand-built tree may hold one (frozen, equal) node object in two places: each place is
    # a node of its own, keyed by its place in the tree, never by the object or its equality.
    shared = _at("same", 3)
    branches = (
        Block(role="branch", label="a", nodes=(_at("same", 3),)),
        Block(role="branch", label="b", nodes=(_at("same", 3),)),
    )
    fan = Node(kind=Kind.PARALLEL, label="fan", line=2, column=5, name="fan", blocks=branches)
    graph = build_graph(Workflow(name="w", line=1, nodes=(shared, _at("x", 2), shared, fan)))
    assert [g.id for g in graph.nodes] == ["start", "n1", "n2", "n3", "n4", "n5", "n6", "end"]
    layout = layout_view(graph, direction)
    centres = _centres(layout)
    assert sorted(centres) == sorted(g.id for g in graph.nodes)
    assert all(len(c) == 1 for c in centres.values()), "every node drawn exactly once"
    along = {box.id: (box.y if direction == "TD" else box.x) for box in layout.nodes}
    assert along["n1"] < along["n2"] < along["n3"] < along["n4"] < along["n5"] == along["n6"]
    assert [box.graph_node.id for box in layout.nodes] == [box.id for box in layout.nodes]


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_the_layout_walks_the_graphs_tree_not_the_parsers(direction: str) -> None:
    # The edge builder splices labelled blocks out of the tree it hands renderers (the loop
    # holding one is a new object there): the layout draws that tree, node for node.
    block = Node(
        kind=Kind.SCOPE,
        label="found",
        line=3,
        column=5,
        jump_label="found",
        blocks=(
            Block(
                role="body",
                nodes=(
                    _at("look", 4),
                    Node(kind=Kind.BREAK, label="break", line=5, column=9, jump_label="found"),
                ),
            ),
        ),
    )
    loop = Node(
        kind=Kind.LOOP,
        label="for item",
        line=2,
        column=5,
        blocks=(Block(role="body", nodes=(block, _at("after", 6))),),
    )
    workflow = Workflow(name="w", line=1, nodes=(loop, _at("done", 7)))
    graph = build_graph(workflow)
    assert graph.workflow is not workflow
    layout = layout_view(graph, direction)
    drawn = {box.id: box.graph_node for box in layout.nodes}
    assert sorted(drawn) == sorted(g.id for g in graph.nodes)
    in_tree = {id(n) for n in walk(graph.workflow.nodes)}
    assert all(g.node is None or id(g.node) in in_tree for g in drawn.values())
    assert all_problems(layout) == []


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_an_exit_drawn_in_full_leaves_no_room_for_a_marker(direction: str) -> None:
    # A guard clause's raise: its edge to Fail runs in full beside the diagram, so the room a
    # stub's marker would take beside the raise is not kept; the channel sits right beside it.
    raise_ = Node(kind=Kind.RAISE, label="raise ValueError", line=4, column=9)
    guard = Node(
        kind=Kind.CONDITION,
        label="bad?",
        line=3,
        column=5,
        blocks=(Block(role="outcome", label="yes", nodes=(raise_,)),),
        fallthrough="no",
    )
    graph = build_graph(_wf(_at("a", 2), guard, _at("b", 5)))
    layout = layout_view(graph, direction)
    assert all_problems(layout) == []
    box = next(n for n in layout.nodes if n.kind is Kind.RAISE)
    (edge,) = [e for e in layout.edges if e.source == box.id]
    assert edge.target == "fail" and edge.stub is None
    first, channel = edge.paths[0][0], edge.paths[0][1]
    if direction == "TD":
        assert first == (box.x + box.width, box.y + box.height / 2)
        room = channel[0] - first[0]
    else:
        assert first == (box.x + box.width / 2, box.y + box.height)
        room = channel[1] - first[1]
    assert 2 * CHANNEL <= room <= 2 * CHANNEL + 2
