"""Control structures written as TypeScript statements: ``if``/``else if``, ``switch``, loops,
``try``/``catch``/``finally``, jumps with the labels they need, returns, throws and labelled
blocks. Operations are written by :mod:`durable_viz.emit.typescript_operations`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from durable_viz.emit.common import camel
from durable_viz.emit.typescript_module import Module
from durable_viz.emit.typescript_values import RESERVED, comment, is_identifier, quote
from durable_viz.graph import OPERATION_KINDS, Block, Kind, Node

__all__ = ["Flow", "Frame", "Lines", "Target", "flatten", "indent"]

_TERMINAL = frozenset({Kind.RETURN, Kind.RAISE, Kind.BREAK, Kind.CONTINUE})
_ITERATION_PREFIXES = ("async for ", "await foreach ", "for await ", "foreach ", "for ")
_SEPARATORS = (" of ", " in ", " : ")


MAX_DEPTH = 40
"""Past this many levels lines are not shifted further: code nested thousands deep stays valid
and its size linear (no one reads it at that depth)."""


class Shift:
    """Lines one level further in, kept as they are until the file is flattened, so nesting a
    block costs the same at any depth."""

    __slots__ = ("lines",)

    def __init__(self, lines: Lines) -> None:
        self.lines = lines


Lines = list["str | Shift"]
"""Statements as written: text lines and blocks shifted one level in."""


def indent(lines: Lines) -> Lines:
    """Lines shifted one level (two spaces) right."""
    return [Shift(lines)] if lines else []


def flatten(lines: Lines, depth: int = 0) -> list[str]:
    """The text lines, each with its indentation; blank lines stay blank."""
    flat: list[str] = []
    stack: list[tuple[Lines, int, int]] = [(lines, 0, depth)]
    while stack:
        current, position, level = stack.pop()
        while position < len(current):
            line = current[position]
            position += 1
            if isinstance(line, Shift):
                stack.append((current, position, level))
                current, position, level = line.lines, 0, level + 1
                continue
            for part in line.split("\n"):
                flat.append("  " * min(level, MAX_DEPTH) + part if part else part)
    return flat


@dataclass
class Target:
    """A statement a ``break`` or ``continue`` can name: a loop, a switch or a labelled block.

    ``label`` is the label written before it (the code's own, or one made up when a jump from
    further in needs it); ``model`` is the jump label the workflow gives it; ``flag`` is the
    variable a ``break`` clears when a loop ``else`` follows the loop.
    """

    kind: str
    model: str | None
    label: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Frame:
    """Where statements are written: the context variable, the variables enclosing code binds,
    the statements jumps can name (innermost last) and the catch variable, if any."""

    context: str
    bound: frozenset[str] = frozenset()
    targets: tuple[Target, ...] = ()
    error: str | None = None
    name_variable: str | None = None

    def binding(self, *names: str) -> Frame:
        """This frame with more variables bound by enclosing code."""
        return replace(self, bound=self.bound | frozenset(names))

    def function(self, context: str, *names: str) -> Frame:
        """The frame of a function body: its own context and no jump targets."""
        return Frame(context, self.bound | frozenset(names), (), None)


@dataclass
class Flow:
    """Writes a workflow's nodes as statements; the operation writer fills ``operation``."""

    module: Module = field(default_factory=Module)
    adaptations: list[str] = field(default_factory=list)

    def operation_statement(self, node: Node, frame: Frame) -> Lines:
        """An operation as a statement (written by the operation writer)."""
        raise NotImplementedError

    def statements(self, nodes: tuple[Node, ...], frame: Frame) -> Lines:
        """The statements of a run of nodes."""
        lines: Lines = []
        for node in nodes:
            lines.extend(self.statement(node, frame))
        return lines

    def statement(self, node: Node, frame: Frame) -> Lines:
        """One node as statements."""
        if node.kind in OPERATION_KINDS:
            return self.operation_statement(node, frame)
        if node.kind is Kind.CONDITION:
            return self.condition(node, frame)
        if node.kind is Kind.LOOP:
            return self.loop(node, frame)
        if node.kind is Kind.TRY:
            return self.try_statement(node, frame)
        if node.kind is Kind.RETURN:
            return ["return;"]
        if node.kind is Kind.RAISE:
            return [self.throw(node, frame)]
        if node.kind in (Kind.BREAK, Kind.CONTINUE):
            return self.jump(node, frame)
        if node.kind is Kind.SCOPE:
            return self.scope(node, frame)
        return [f"// {node.kind.value}: {comment(node.label)}"]

    # -- conditions ------------------------------------------------------------------------------

    def condition(self, node: Node, frame: Frame) -> Lines:
        """``if``/``else`` for yes/no outcomes, ``switch`` for cases."""
        labels = [b.label for b in node.blocks]
        if all(label in ("yes", "no") for label in labels) and len(labels) <= 2:
            return self.if_statement(node, frame)
        return self.switch(node, frame)

    def if_statement(self, node: Node, frame: Frame, keyword: str = "if") -> Lines:
        """``if``/``else``, an ``else`` holding only another yes/no condition as ``else if``."""
        yes = next((b for b in node.blocks if b.label == "yes"), None)
        no = next((b for b in node.blocks if b.label == "no"), None)
        predicate = self.module.predicate(node.label)
        lines: Lines = [f"{keyword} ({predicate}()) {{"]
        lines.extend(indent(self.statements(yes.nodes, frame) if yes is not None else []))
        if no is not None:
            only = no.nodes[0] if len(no.nodes) == 1 else None
            if (
                only is not None
                and only.kind is Kind.CONDITION
                and {b.label for b in only.blocks} <= {"yes", "no"}
                and any(b.label == "yes" for b in only.blocks)
            ):
                chained = self.if_statement(only, frame, "} else if")
                return lines + chained
            lines.append("} else {")
            lines.extend(indent(self.statements(no.nodes, frame)))
        lines.append("}")
        return lines

    def switch(self, node: Node, frame: Frame) -> Lines:
        """``switch`` over a stub selector, a ``break`` ending each case that runs on."""
        subject = node.label
        for prefix in ("switch ", "match "):
            if subject.startswith(prefix):
                subject = subject[len(prefix) :]
        selector = self.module.predicate(subject, returns="unknown")
        target = Target("switch", node.jump_label)
        inner = replace(frame, targets=(*frame.targets, target))
        body: Lines = []
        for block in node.blocks:
            body.extend(self.case_labels(block))
            statements = self.statements(block.nodes, inner)
            if not block.nodes or block.nodes[-1].kind not in _TERMINAL:
                statements.append("break;")
            body.extend(indent(statements))
        head = f"switch ({selector}()) {{"
        if target.label is not None:
            head = f"{target.label}: {head}"
        return [head, *indent(body), "}"]

    def case_labels(self, block: Block) -> Lines:
        """The ``case`` lines of one outcome (``case A | B``, Java's ``case A, case B``)."""
        label = block.label or "default"
        if label == "default":
            return ["default:"]
        text = label[len("case ") :] if label.startswith("case ") else label
        values = [v for part in text.split(", case ") for v in part.split(" | ")]
        lines: Lines = []
        for value in values:
            written = self.module.case_value(value)
            if written is None:
                self.adapt(f"case {value} written as a string")
                written = quote(value)
            lines.append(f"case {written}:")
        return lines

    # -- loops -----------------------------------------------------------------------------------

    def loop(self, node: Node, frame: Frame) -> Lines:
        """``for ... of``, ``while``, ``do ... while`` or ``while (true)``, by the loop's kind."""
        given = node.jump_label if node.jump_label and is_identifier(node.jump_label) else None
        target = Target("loop", node.jump_label, given)
        body_block = next((b for b in node.blocks if b.role == "body"), None)
        other = [b for b in node.blocks if b.role != "body"]
        iteration = None if node.infinite or node.do_while else _iteration(node.label)
        if other:
            # TypeScript has no loop ``else``: a flag a ``break`` clears guards it after the loop.
            target.flag = self.module.ids.take("exhausted")
        inner = replace(frame, targets=(*frame.targets, target))
        head: str
        if iteration is not None:
            variable, collection, awaited = iteration
            if (
                variable is None
                or variable in ("event", "context", "ctx")
                or (variable in self.module.ids and variable not in frame.bound)
            ):
                variable = "item"
            source = self.collection(collection, frame)
            inner = inner.binding(variable)
            head = f"for {'await ' if awaited else ''}(const {variable} of {source}) {{"
        elif node.infinite:
            head = "while (true) {"
        elif node.do_while:
            head = "do {"
        else:
            head = f"while ({self.module.predicate(_loop_test(node.label))}()) {{"
        body = self.statements(body_block.nodes if body_block else (), inner)
        if target.label is not None:
            head = f"{target.label}: {head}"
        tail = "}"
        if node.do_while:
            tail = f"}} while ({self.module.predicate(_loop_test(node.label))}());"
        lines: Lines = [head, *indent(body), tail]
        if target.flag is not None:
            self.adapt("loop else block written as a condition after the loop")
            lines.insert(0, f"let {target.flag} = true; // cleared by a break")
            lines.append(f"if ({target.flag}) {{")
            for block in other:
                lines.extend(indent(self.statements(block.nodes, frame)))
            lines.append("}")
        return lines

    def collection(self, text: str, frame: Frame) -> str:
        """A placeholder collection variable for what the original loop iterated."""
        wanted = camel(
            " ".join(text.replace("(", " ").split()[:3]), fallback="items", reserved=RESERVED
        )
        if self.module.read((wanted,), frame.bound):
            return wanted
        return "event.items"

    # -- try -------------------------------------------------------------------------------------

    def try_statement(self, node: Node, frame: Frame) -> Lines:
        """``try``/``catch``/``finally``; a Python ``else`` block ends the try body."""
        body = [b for b in node.blocks if b.role == "body"]
        handlers = [b for b in node.blocks if b.role == "handler"]
        otherwise = [b for b in node.blocks if b.role == "else"]
        final = [b for b in node.blocks if b.role == "finally"]
        lines: Lines = ["try {"]
        for block in body:
            lines.extend(indent(self.statements(block.nodes, frame)))
        for block in otherwise:
            # TypeScript has no ``try/else``: what ran when the body raised nothing ends it.
            self.adapt("try else block written at the end of the try body")
            lines.append("  // The original ran this only when the try body raised nothing (else).")
            lines.extend(indent(self.statements(block.nodes, frame)))
        if handlers:
            lines.append("} catch (error) {")
            lines.extend(indent(self.catch_body(handlers, node.catch_all, frame)))
        if final:
            lines.append("} finally {")
            for block in final:
                lines.extend(indent(self.statements(block.nodes, frame)))
        lines.append("}")
        return lines

    def catch_body(self, handlers: list[Block], catch_all: bool, frame: Frame) -> Lines:
        """One handler: its statements; several: an ``instanceof`` chain, read back as one
        handler per error type."""
        inner = replace(frame, error="error")
        typed = handlers[:-1] if catch_all else handlers
        last = handlers[-1] if catch_all else None
        if not typed and last is not None:
            return self.statements(last.nodes, inner)
        lines: Lines = []
        for index, block in enumerate(typed):
            label = block.label or "Error"
            error_type, _, condition = label.partition(" when ")
            name, original = self.module.error_class(error_type)
            keyword = "if" if index == 0 else "} else if"
            note = f" // {comment(original)} in the original" if original else ""
            if original:
                self.adapt(f"handler {original} catches Error")
            if condition:
                # A C# exception filter: TypeScript has none; the handler catches every one.
                self.adapt(f"exception filter when {condition} written as a comment")
                note = f" // when {comment(condition)} in the original"
            lines.append(f"{keyword} (error instanceof {name}) {{{note}")
            lines.extend(indent(self.statements(block.nodes, inner)))
        lines.append("} else {")
        lines.extend(indent(self.statements(last.nodes, inner) if last else ["throw error;"]))
        lines.append("}")
        return lines

    # -- exits -----------------------------------------------------------------------------------

    def throw(self, node: Node, frame: Frame) -> str:
        """``throw error`` in a handler re-raising, else ``throw new X(...)``."""
        thrown = node.label.split(" ", 1)[1] if " " in node.label else ""
        if frame.error is not None and (not thrown or thrown[:1].islower()):
            return f"throw {frame.error};"
        name, original = self.module.error_class(thrown or "Error")
        note = f" // {comment(original)} in the original" if original else ""
        return f'throw new {name}("TODO: {name}");{note}'

    def jump(self, node: Node, frame: Frame) -> Lines:
        """``break``/``continue`` with the label they need (a break out of a loop with an
        ``else`` clears its flag first)."""
        jump = self.jump_statement(node, frame)
        target = self.jump_target(node, frame)
        if node.kind is Kind.BREAK and target is not None and target.flag is not None:
            return [f"{target.flag} = false;", jump]
        return [jump]

    def jump_target(self, node: Node, frame: Frame) -> Target | None:
        """The statement a jump leaves or repeats."""
        if node.jump_label is None:
            loops = [t for t in frame.targets if t.kind == "loop"]
            return loops[-1] if loops else None
        return next((t for t in reversed(frame.targets) if t.model == node.jump_label), None)

    def jump_statement(self, node: Node, frame: Frame) -> str:
        """The jump itself, with a label when the statement it names needs one."""
        word = "break" if node.kind is Kind.BREAK else "continue"
        loops = [t for t in frame.targets if t.kind == "loop"]
        target = self.jump_target(node, frame)
        if target is None:
            return f"{word};"
        innermost = frame.targets[-1] if word == "break" else (loops[-1] if loops else None)
        if target.label is None and target is innermost and target.kind != "block":
            return f"{word};"
        if target.label is None:
            target.label = self.module.ids.take("outer" if target.kind == "loop" else "cases")
        return f"{word} {target.label};"

    def scope(self, node: Node, frame: Frame) -> Lines:
        """A labelled block, or the body of a helper that returns early (a local function)."""
        nodes = node.blocks[0].nodes if node.blocks else ()
        if node.jump_label is not None:
            target = Target("block", node.jump_label)
            body = self.statements(nodes, replace(frame, targets=(*frame.targets, target)))
            label = target.label or self.module.ids.take("block")
            return [f"{label}: {{", *indent(body), "}"]
        helper = self.module.ids.take(
            camel(node.via.name if node.via else node.label, fallback="helper", reserved=RESERVED)
        )
        body = self.statements(nodes, frame.function(frame.context))
        return [
            f"const {helper} = async (): Promise<void> => {{",
            *indent(body),
            "};",
            f"await {helper}();",
        ]

    def adapt(self, what: str) -> None:
        """Note a construct TypeScript cannot say as the original did."""
        if what not in self.adaptations:
            self.adaptations.append(what)


def _iteration(label: str) -> tuple[str | None, str, bool] | None:
    """``(variable, collection, awaited)`` of a loop over a collection, from its label in any
    language (``for x of xs``, ``for x in xs``, ``for x : xs``, ``foreach x in xs``,
    ``xs.forEach(x)``); None for other loops."""
    if label.endswith(")") and ".forEach(" in label:
        collection, _, variable = label[:-1].partition(".forEach(")
        return (variable if is_identifier(variable) else None), collection, False
    for prefix in _ITERATION_PREFIXES:
        if label.startswith(prefix):
            rest = label[len(prefix) :]
            awaited = prefix not in ("for ", "foreach ")
            for separator in _SEPARATORS:
                variable, found, collection = rest.partition(separator)
                if found and not rest.startswith("("):
                    variable = variable.split()[-1] if variable.split() else ""
                    return (variable if is_identifier(variable) else None), collection, awaited
            return None
    return None


def _loop_test(label: str) -> str:
    """The test of a ``while`` or ``do ... while`` label, as the original wrote it."""
    for marker in ("while ",):
        if marker in label:
            test = label.split(marker, 1)[1].strip()
            if test.startswith("(") and test.endswith(")"):
                test = test[1:-1]
            return test
    return label
