"""The edge builder and ``prune`` on labelled jumps (``Node.jump_label``), on hand-built trees.

A ``break``/``continue`` carrying a ``jump_label`` leaves or repeats the enclosing statement
with that label instead of the innermost loop: Java's ``break outer;`` / ``continue outer;``,
and the ``break`` that leaves a switch (the parser gives the switch a label of its own). A
labelled block (``found: { ... }``) is a ``scope`` node with a ``jump_label``: no function, just
its statements, bounding where ``break found`` goes. Edges read ``"a -> b [yes]"`` as in
tests/test_edges.py, whose tree helpers these tests reuse.
"""

from __future__ import annotations

import json

import pytest
from geometry import all_problems
from graph_text import edge_texts
from test_edges import blk, branch, brk, cond, cont, draw, loop, node, parallel, ret, step, try_

from durable_viz.edges import build_graph
from durable_viz.graph import Kind, Node, ParseResult, Workflow, walk
from durable_viz.parsers.base import prune
from durable_viz.registry import get_renderer
from durable_viz.render import Document, SourceFile


def jump(kind: Kind, label: str) -> Node:
    return node(kind, kind.value, jump_label=label)


def labelled(label: str, *nodes: Node) -> Node:
    """``label: { nodes }``."""
    return node(Kind.SCOPE, label, blk("body", *nodes), jump_label=label)


def helper(label: str, *nodes: Node) -> Node:
    """An inlined helper's body: a function scope (its ``return`` ends only the helper)."""
    return node(Kind.SCOPE, label, blk("body", *nodes))


def switch(label: str, *cases: tuple[str, tuple[Node, ...]], jump_label: str) -> Node:
    """A switch statement without default: one outcome per case, a path around it."""
    blocks = [blk("outcome", *nodes, label=case) for case, nodes in cases]
    return node(Kind.CONDITION, label, *blocks, fallthrough="no match", jump_label=jump_label)


def test_labelled_break_leaves_the_labelled_loop() -> None:
    tree = (
        loop(
            "for o",
            loop("for i", step("x"), cond("t", (jump(Kind.BREAK, "outer"),))),
            step("y"),
            jump_label="outer",
        ),
        step("z"),
    )
    assert edge_texts(draw(*tree)) == {
        "Start -> for o",
        "for o -> for i",
        "for i -> x",
        "x -> t",
        "t -> z [yes]",
        "t -> for i [no] (back)",
        "for i -> y [done]",
        "y -> for o [next item] (back)",
        "for o -> z [done]",
        "z -> End",
    }


def test_a_plain_break_still_leaves_the_innermost_loop() -> None:
    tree = (
        loop("for o", loop("for i", step("x"), cond("t", (brk(),))), step("y"), jump_label="outer"),
        step("z"),
    )
    edges = edge_texts(draw(*tree))
    assert "t -> y [yes]" in edges
    assert "t -> z [yes]" not in edges


def test_labelled_continue_repeats_the_labelled_loop() -> None:
    tree = (
        loop(
            "for o",
            loop("for i", step("x"), cond("t", (jump(Kind.CONTINUE, "outer"),))),
            step("y"),
            jump_label="outer",
        ),
    )
    assert edge_texts(draw(*tree)) == {
        "Start -> for o",
        "for o -> for i",
        "for i -> x",
        "x -> t",
        "t -> for o [yes] (back)",
        "t -> for i [no] (back)",
        "for i -> y [done]",
        "y -> for o [next item] (back)",
        "for o -> End [done]",
    }


def test_a_plain_continue_skips_a_labelled_switch_for_its_loop() -> None:
    tree = (
        loop(
            "while w",
            switch(
                "switch k",
                ("case 1", (step("a"), cond("t", (cont(),)), step("b"))),
                jump_label="sw",
            ),
            step("c"),
        ),
    )
    edges = edge_texts(draw(*tree))
    assert "t -> while w [yes] (back)" in edges
    assert "t -> c [yes]" not in edges


def test_break_naming_a_switch_leaves_the_switch_only() -> None:
    tree = (
        loop(
            "while w",
            switch(
                "switch k",
                ("case 1", (step("a"), cond("t", (jump(Kind.BREAK, "sw"),)), step("b"))),
                ("case 2", (step("d"),)),
                jump_label="sw",
            ),
            step("c"),
        ),
    )
    assert edge_texts(draw(*tree)) == {
        "Start -> while w",
        "while w -> switch k",
        "switch k -> a [case 1]",
        "a -> t",
        "t -> c [yes]",
        "t -> b [no]",
        "b -> c",
        "switch k -> d [case 2]",
        "d -> c",
        "switch k -> c [no match]",
        "c -> while w [next item] (back)",
        "while w -> End [done]",
    }


def test_labelled_break_goes_through_a_finally_on_its_way() -> None:
    tree = (
        loop(
            "for o",
            loop("for i", try_((step("x"), jump(Kind.BREAK, "outer")), final=(step("f"),))),
            jump_label="outer",
        ),
        step("z"),
    )
    edges = edge_texts(draw(*tree))
    assert {"x -> f", "f -> z [break]"} <= edges
    assert "f -> for i [break]" not in edges


def test_a_label_no_enclosing_statement_carries_is_a_plain_jump() -> None:
    tree = (loop("for i", step("x"), cond("t", (jump(Kind.BREAK, "gone"),))), step("z"))
    assert "t -> z [yes]" in edge_texts(draw(*tree))


def test_prune_keeps_a_loop_a_labelled_jump_leaves() -> None:
    inner = loop("for i", cond("t", (jump(Kind.CONTINUE, "outer"),)))
    outer = loop("for o", inner, step("y"), jump_label="outer")
    pruned = prune((outer,))
    assert [n.label for n in walk(pruned)] == ["for o", "for i", "t", "continue", "y"]


def test_prune_drops_what_only_jumps_inside_itself() -> None:
    # The labelled loop holds nothing durable; its jumps stay inside it.
    quiet = loop(
        "for o", loop("for i", cond("t", (jump(Kind.BREAK, "outer"),))), jump_label="outer"
    )
    sw = switch("switch k", ("case 1", (cond("t2", (jump(Kind.BREAK, "sw"),)),)), jump_label="sw")
    assert [n.label for n in walk(prune((quiet, sw, step("z"))))] == ["z"]


# -- labelled blocks ---------------------------------------------------------------------------


def test_break_naming_a_labelled_block_goes_on_after_it() -> None:
    tree = (labelled("found", step("a"), cond("t", (jump(Kind.BREAK, "found"),)), step("b")),)
    assert edge_texts(draw(*tree, step("z"))) == {
        "Start -> a",
        "a -> t",
        "t -> z [yes]",
        "t -> b [no]",
        "b -> z",
        "z -> End",
    }


def test_a_labelled_block_is_no_loop_for_plain_jumps() -> None:
    block = labelled(
        "found",
        cond("t", (brk(),)),
        cond("u", (cont(),)),
        cond("v", (jump(Kind.BREAK, "found"),)),
        step("b"),
    )
    edges = edge_texts(draw(loop("for i", step("a"), block, step("c")), step("z")))
    assert {"t -> z [yes]", "u -> for i [yes] (back)", "v -> c [yes]", "b -> c"} <= edges


def test_break_naming_a_labelled_block_from_a_loop_inside_it() -> None:
    inner = loop("for i", step("a"), cond("t", (jump(Kind.BREAK, "found"),)))
    edges = edge_texts(draw(labelled("found", inner, step("b")), step("z")))
    assert {"t -> z [yes]", "t -> for i [no] (back)", "for i -> b [done]", "b -> z"} <= edges


def test_break_naming_a_labelled_block_goes_through_a_finally() -> None:
    guarded = try_((step("a"), jump(Kind.BREAK, "found")), final=(step("f"),))
    edges = edge_texts(draw(labelled("found", guarded, step("b")), step("z")))
    assert {"a -> f", "f -> z [break]"} <= edges
    assert "f -> b" not in edges


def test_a_return_in_a_labelled_block_leaves_the_function_around_it() -> None:
    # A labelled block in an inlined helper: its ``return`` ends the helper, not the block.
    body = labelled("found", cond("t", (ret(scope="function"),)), step("b"))
    edges = edge_texts(draw(helper("check", body, step("c")), step("z")))
    assert {"t -> return [yes]", "return -> z", "b -> c", "c -> z"} <= edges
    assert not any(e.startswith("return -> c") for e in edges)


def test_nested_labelled_blocks_each_take_their_own_breaks() -> None:
    inner = labelled(
        "inner",
        cond("t", (jump(Kind.BREAK, "outer"),)),
        cond("u", (jump(Kind.BREAK, "inner"),)),
        step("a"),
    )
    edges = edge_texts(draw(labelled("outer", inner, step("b")), step("z")))
    assert {"t -> z [yes]", "u -> b [yes]", "a -> b", "b -> z"} <= edges


def test_renderers_walk_a_tree_without_labelled_blocks() -> None:
    body = labelled("found", step("a"), cond("t", (jump(Kind.BREAK, "found"),)), step("b"))
    check = helper("check", body, cond("u", (ret(scope="function"),)))
    tree = (parallel("p", branch("one", check)), step("z"))
    graph = draw(*tree)
    flat = tuple(walk(graph.workflow.nodes))
    assert [n.label for n in flat] == ["p", "check", "a", "t", "break", "b", "u", "return", "z"]
    # Every drawn node is the copy in that tree, and sits where the block sat.
    drawn = {id(n) for n in flat}
    assert all(id(g.node) in drawn for g in graph.nodes if g.node is not None)
    parents = {g.label: (g.parent, g.block) for g in graph.nodes}
    assert parents["a"] == parents["b"] == parents["u"] == (graph.nodes[1].id, "one")


def test_a_tree_without_labelled_blocks_reaches_renderers_as_it_is() -> None:
    workflow = Workflow(name="handler", line=1, nodes=(helper("check", step("a")), step("z")))
    assert build_graph(workflow).workflow is workflow


@pytest.mark.parametrize("format_name", ["mermaid", "json", "svg", "html"])
def test_every_renderer_draws_a_labelled_block(format_name: str) -> None:
    block = labelled("found", step("a"), cond("t", (jump(Kind.BREAK, "found"),)), step("b"))
    workflow = Workflow(name="handler", line=1, nodes=(loop("for i", block, step("c")), step("z")))
    result = ParseResult(language="typescript", workflows=(workflow,))
    document = Document("handler.ts", (SourceFile("handler.ts", "", result),))
    text = get_renderer(format_name)(document)
    for label in ("a", "b", "c", "z"):
        assert label in text
    if format_name in ("mermaid", "svg"):
        assert "found" not in text  # the block draws nothing of its own
    if format_name == "json":
        # No node of its own; the tree the JSON keeps for scaffold records it as an undrawn
        # entry of the loop's block, and the break that leaves it names it.
        assert '"kind": "scope", "label": "found"' in text
        nodes = json.loads(text)["workflows"][0]["nodes"]
        assert [n["label"] for n in nodes] == ["Start", "for i", "a", "t", "b", "c", "z", "End"]


def test_the_layout_of_a_labelled_block_is_clean() -> None:
    from durable_viz.renderers.layout import layout_view

    block = labelled("found", step("a"), cond("t", (jump(Kind.BREAK, "found"),)), step("b"))
    graph = draw(loop("for i", block, step("c")), step("z"))
    for direction in ("TD", "LR"):
        layout = layout_view(graph, direction)
        assert not all_problems(layout)
        drawn = {(e.source, e.target, e.label) for e in layout.edges}
        assert all((e.source, e.target, e.label) in drawn for e in graph.edges)


def test_prune_keeps_a_labelled_block_a_break_names() -> None:
    block = labelled("found", step("a"), cond("t", (jump(Kind.BREAK, "found"),)), step("b"))
    pruned = prune((block,))
    assert [(n.kind, n.label) for n in walk(pruned)] == [
        (Kind.SCOPE, "found"),
        (Kind.STEP, "a"),
        (Kind.CONDITION, "t"),
        (Kind.BREAK, "break"),
        (Kind.STEP, "b"),
    ]


def test_prune_unwraps_a_labelled_block_no_break_names() -> None:
    block = labelled("found", step("a"), cond("t", (jump(Kind.BREAK, "other"),)), step("b"))
    pruned = prune((loop("for i", block, jump_label="other"),))
    assert [n.label for n in walk(pruned)] == ["for i", "a", "t", "break", "b"]
    assert [n.label for n in prune((labelled("found", step("a")),))] == ["a"]


def test_prune_drops_a_labelled_block_whose_breaks_decide_nothing() -> None:
    quiet = labelled("found", cond("t", (jump(Kind.BREAK, "found"),)), cond("u", ()))
    assert [n.label for n in prune((quiet, step("z")))] == ["z"]


def test_prune_sees_a_labelled_jump_through_a_labelled_block() -> None:
    # ``continue outer`` inside a labelled block of an inner loop holding nothing durable.
    inner = loop("for i", labelled("found", cond("t", (jump(Kind.CONTINUE, "outer"),))))
    pruned = prune((loop("for o", inner, step("y"), jump_label="outer"),))
    assert [n.label for n in walk(pruned)] == ["for o", "for i", "t", "continue", "y"]


def test_prune_keeps_a_labelled_block_around_a_plain_break_of_its_loop() -> None:
    block = labelled("found", cond("t", (jump(Kind.BREAK, "found"),)), brk())
    pruned = prune((loop("for i", block, step("c")),))
    assert [n.label for n in walk(pruned)] == ["for i", "found", "t", "break", "break", "c"]
