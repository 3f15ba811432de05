"""How control leaves Java statements: the jump a ``break``/``continue`` node becomes, and
whether a run of statements can complete normally (Java rejects a statement it cannot reach, and
a method returning a value must not end without a ``return``)."""

from __future__ import annotations

from dataclasses import dataclass

from durable_viz.emit.java_values import is_identifier, quote
from durable_viz.graph import OPERATION_KINDS, Kind, Node

_LOOP_WORDS = ("for", "foreach", "async", "each")

__all__ = [
    "Frame",
    "completes",
    "condition_text",
    "jump",
    "loop_variable",
    "named_in",
    "quote_case",
    "uncaught",
]


@dataclass(eq=False)
class Frame:
    """A statement a jump may leave: a ``loop``, a ``switch`` or a labelled ``block``
    (labelled block, ``if`` or ``try``)."""

    kind: str
    model_label: str | None
    java_label: str
    node: Node | None = None
    used: bool = False


def jump(node: Node, frames: list[Frame]) -> str:
    """``break;``, ``continue outer;``... for a jump node inside ``frames`` (innermost last)."""
    word = "break" if node.kind is Kind.BREAK else "continue"
    target: Frame | None = None
    if node.jump_label is None:
        target = next((f for f in reversed(frames) if f.kind == "loop"), None)
    else:
        target = next((f for f in reversed(frames) if f.model_label == node.jump_label), None)
    innermost_any = next(
        (
            f
            for f in reversed(frames)
            if f.kind == "loop" or (word == "break" and f.kind == "switch")
        ),
        None,
    )
    if target is None:
        if innermost_any is None:
            # Nothing here for it to leave (the model's target lies outside this function).
            # A throw leaves as surely, so the code around stays as Java accepts it.
            where = node.jump_label or "no enclosing loop"
            message = quote(f"TODO: {word} ({where}) has no target here")
            return f"throw new IllegalStateException({message});"
        return f"{word};"
    innermost = next(
        (
            f
            for f in reversed(frames)
            if f.kind == "loop" or (word == "break" and f.kind == "switch")
        ),
        None,
    )
    plain = innermost is target and (node.jump_label is None or target.kind == "switch")
    if plain:
        return f"{word};"
    target.used = True
    return f"{word} {target.java_label};"


def completes(nodes: tuple[Node, ...]) -> bool:
    """Whether a run of statements can complete normally (as the Java compiler decides it)."""
    return all(_completes(node) for node in nodes)


def _completes(node: Node) -> bool:
    kind = node.kind
    if kind in (Kind.RETURN, Kind.RAISE, Kind.BREAK, Kind.CONTINUE):
        return False
    if kind in OPERATION_KINDS:
        return True
    if kind is Kind.CONDITION:
        if _is_switch(node):
            has_default = any(
                (b.label or "") == "default" or (b.label or "").endswith("default")
                for b in node.blocks
            )
            return not has_default or any(completes(b.nodes) for b in node.blocks) or _broken(node)
        if len(node.blocks) < 2:
            return True
        return any(completes(b.nodes) for b in node.blocks) or _broken(node)
    if kind is Kind.LOOP:
        after = all(completes(b.nodes) for b in node.blocks if b.role != "body")
        if node.infinite:
            return _broken(node)
        if node.do_while:
            body = next((b for b in node.blocks if b.role == "body"), None)
            return (
                body is None or completes(body.nodes) or _broken(node) or _continued(node)
            ) and after
        return after
    if kind is Kind.TRY:
        main = [b for b in node.blocks if b.role in ("body", "else")]
        handlers = [b for b in node.blocks if b.role == "handler"]
        final = [b for b in node.blocks if b.role == "finally"]
        ends = completes(tuple(n for b in main for n in b.nodes)) or any(
            completes(b.nodes) for b in handlers
        )
        return (ends or _broken(node)) and all(completes(b.nodes) for b in final)
    if kind is Kind.SCOPE:
        if node.jump_label is None:
            return True  # a helper method's call
        return all(completes(b.nodes) for b in node.blocks) or _broken(node)
    return True


def _is_switch(node: Node) -> bool:
    return any(b.label not in ("yes", "no") for b in node.blocks) or len(node.blocks) > 2


def _broken(target: Node) -> bool:
    """Whether a ``break`` inside ``target`` leaves it."""
    return _jumps_to(target, Kind.BREAK)


def _continued(target: Node) -> bool:
    return _jumps_to(target, Kind.CONTINUE)


def _jumps_to(target: Node, kind: Kind) -> bool:
    stack: list[tuple[Node, bool]] = [
        (n, False) for b in target.blocks for n in b.nodes
    ]  # (node, inside a loop nested in the target)
    while stack:
        node, nested_loop = stack.pop()
        if node.kind is kind:
            if node.jump_label is None:
                if target.kind is Kind.LOOP and not nested_loop:
                    return True
            elif node.jump_label == target.jump_label:
                return True
            continue
        if node.kind in OPERATION_KINDS or (node.kind is Kind.SCOPE and node.jump_label is None):
            continue  # a function: jumps do not leave it
        inner_loop = nested_loop or node.kind is Kind.LOOP
        stack.extend((n, inner_loop) for b in node.blocks for n in b.nodes)
    return False


def named_in(text: str, candidates: list[Node]) -> list[Node]:
    """The operations a combinator's annotation lists (labels joined by ``, ``), in order;
    empty when the text is not such a list."""
    chosen: list[Node] = []
    rest = text
    while rest:
        match = next(
            (
                n
                for n in candidates
                if n not in chosen and (rest == n.label or rest.startswith(n.label + ", "))
            ),
            None,
        )
        if match is None:
            return []
        chosen.append(match)
        rest = rest[len(match.label) + 2 :]
    return chosen


def ancestors(name: str) -> tuple[str, ...]:
    """The exception types catching ``name`` besides itself, as far as the emitter knows."""
    if name == "Throwable":
        return ()
    if name in ("Error", "AssertionError"):
        return ("Error", "Throwable") if name != "Error" else ("Throwable",)
    if name == "Exception":
        return ("Throwable",)
    if name == "RuntimeException":
        return ("Exception", "Throwable")
    return ("RuntimeException", "Exception", "Throwable")


def uncaught(types: list[str], caught: list[str]) -> list[str]:
    """A handler's types less those an earlier handler of the same ``try`` catches (Java
    rejects a catch clause that cannot be reached). When none is left, a broader type that no
    earlier handler catches stands in (``Error``, then ``Throwable``), so the handler stays."""
    left = [t for t in types if t not in caught and not set(ancestors(t)) & set(caught)]
    if left:
        return left
    for fallback in ("Error", "Throwable"):
        if fallback not in caught and not set(ancestors(fallback)) & set(caught):
            return [fallback]
    return types


def condition_text(label: str, keyword: str | None = None) -> str:
    text = label
    if keyword is not None:
        for prefix in ("do … while", "do ... while", "do...while", keyword):
            if text.startswith(prefix):
                text = text[len(prefix) :].strip()
                break
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text or label


def loop_variable(label: str) -> str:
    """The variable a loop header names (``for tool of toolCalls`` gives ``tool``)."""
    tokens = label.replace("(", " ").replace(")", " ").split()
    for index, token in enumerate(tokens):
        if token in ("in", "of", ":") and index > 0:
            candidate = tokens[index - 1]
            if is_identifier(candidate) and candidate not in _LOOP_WORDS:
                return candidate
        if token.endswith(":") and index > 0 and is_identifier(token[:-1]):
            return token[:-1]
    if ".forEach" in label and label.endswith(")"):
        candidate = label.rsplit("(", 1)[-1].rstrip(")").strip()
        if is_identifier(candidate):
            return candidate
    return "item"


def quote_case(label: str | None, index: int, seen: set[str]) -> str:
    text = label or f"case {index}"
    value = quote(text)
    while value in seen:
        value = value[:-1] + f'#{index}"'
    seen.add(value)
    return value
