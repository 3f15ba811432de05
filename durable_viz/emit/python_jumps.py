"""Labelled ``break``/``continue`` said the Python way.

Python has no labelled jumps. A ``break outer`` or ``continue outer`` from a loop nested in
``outer``'s body is written with the inner loop's ``else`` block, which runs only when the inner
loop was not left by a ``break``::

    for line in lines:              # continue outer      # break outer
        if bad: break               #                     #
    else:                           # else:               # else:
        rest_of_outer_body          #     rest            #     rest
                                    #                     #     continue
                                    #                     # break

Pure functions of the model: :func:`unlabel` rewrites a loop body before it is written.
"""

from __future__ import annotations

from dataclasses import replace

from durable_viz.graph import Block, Kind, Node

__all__ = ["unlabel"]

_JUMPS = (Kind.BREAK, Kind.CONTINUE)


def unlabel(nodes: tuple[Node, ...], label: str) -> tuple[tuple[Node, ...], str | None]:
    """A loop body (of the loop labelled ``label``) with the jumps to it from one nested loop
    rewritten as that loop's ``break`` and ``else``, and the jump word rewritten (None when
    nothing could be: no such jump, or jumps Python cannot say this way)."""
    for index, node in enumerate(nodes):
        if node.kind is not Kind.LOOP or any(b.role == "else" for b in node.blocks):
            continue
        body = next((b for b in node.blocks if b.role == "body"), None)
        if body is None:
            continue
        jumps = _jumps(body.nodes, label)
        kinds = {jump.kind for jump in jumps or ()}
        if not jumps or len(kinds) != 1 or _breaks_itself(body.nodes, node.jump_label):
            continue
        kind = kinds.pop()
        rest = nodes[index + 1 :]
        plain_break = replace(jumps[0], kind=Kind.BREAK, label="break", jump_label=None)
        inner = replace(body, nodes=_rewrite(body.nodes, label, plain_break))
        blocks: list[Block] = [b if b is not body else inner for b in node.blocks]
        after: tuple[Node, ...] = ()
        if kind is Kind.BREAK:
            plain_continue = replace(plain_break, kind=Kind.CONTINUE, label="continue")
            blocks.append(Block(role="else", label="else", nodes=(*rest, plain_continue)))
            after = (plain_break,)
        elif rest:
            blocks.append(Block(role="else", label="else", nodes=rest))
        rewritten = replace(node, blocks=tuple(blocks))
        return (*nodes[:index], rewritten, *after), kind.value
    return nodes, None


def _jumps(nodes: tuple[Node, ...], label: str) -> list[Node] | None:
    """The jumps to ``label`` in a loop's body outside nested loops; None when one sits in a
    nested loop (two levels out: not said this way)."""
    found: list[Node] = []
    for node in nodes:
        if node.kind in _JUMPS and node.jump_label == label:
            found.append(node)
        elif node.is_operation:
            continue  # another function: its jumps are its own
        elif node.kind is Kind.LOOP:
            if _jumps(tuple(n for b in node.blocks for n in b.nodes), label):
                return None
        else:
            for block in node.blocks:
                inner = _jumps(block.nodes, label)
                if inner is None:
                    return None
                found.extend(inner)
    return found


def _breaks_itself(nodes: tuple[Node, ...], own: str | None) -> bool:
    """Whether a loop's body leaves the loop with a ``break`` of its own (outside nested loops
    and functions): then its ``else`` cannot tell that break from the rewritten one."""
    for node in nodes:
        if node.kind is Kind.BREAK and node.jump_label in (None, own):
            return True
        if node.kind is Kind.LOOP or node.is_operation:
            continue
        if any(_breaks_itself(block.nodes, own) for block in node.blocks):
            return True
    return False


def _rewrite(nodes: tuple[Node, ...], label: str, plain_break: Node) -> tuple[Node, ...]:
    out: list[Node] = []
    for node in nodes:
        if node.kind in _JUMPS and node.jump_label == label:
            out.append(plain_break)
        elif node.is_operation or node.kind is Kind.LOOP or not node.blocks:
            out.append(node)
        else:
            blocks = tuple(
                replace(b, nodes=_rewrite(b.nodes, label, plain_break)) for b in node.blocks
            )
            out.append(replace(node, blocks=blocks))
    return tuple(out)
