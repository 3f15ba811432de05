"""The edge builder and ``prune`` on labelled jumps (``Node.jump_label``), on hand-built trees.

A ``break``/``continue`` carrying a ``jump_label`` leaves or repeats the enclosing statement
with that label instead of the innermost loop: Java's ``break outer;`` / ``continue outer;``,
and the ``break`` that leaves a switch (the parser gives the switch a label of its own). Edges
read ``"a -> b [yes]"`` as in tests/test_edges.py, whose tree helpers these tests reuse.
"""

from __future__ import annotations

from graph_text import edge_texts
from test_edges import blk, brk, cond, cont, draw, loop, node, step, try_

from durable_viz.graph import Kind, Node, walk
from durable_viz.parsers.base import prune


def jump(kind: Kind, label: str) -> Node:
    return node(kind, kind.value, jump_label=label)


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
