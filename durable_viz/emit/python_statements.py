"""Control structures written as Python statements: ``if``/``elif``/``else`` and ``match`` on
stub predicates, ``for`` and ``while`` loops over placeholders, ``try`` with its handlers, exits,
and helpers the original inlined that return early."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from durable_viz.emit.common import words
from durable_viz.emit.python_jumps import unlabel
from durable_viz.emit.python_module import WIDTH, Frame, Module
from durable_viz.emit.python_operations import Operations
from durable_viz.emit.python_values import (
    case_pattern,
    condition_identifier,
    exception_class,
    handler_types,
    identifier,
    is_builtin_exception,
    loop_header,
    note,
    py_string,
)
from durable_viz.graph import Block, Kind, Node

__all__ = ["Statements"]

_IF_LABELS = frozenset({"yes", "no"})
_MAX_INDENT = 99
_MAX_NESTED = 20


class Statements(Operations):
    """Writes a workflow's nodes as the statements of a function body."""

    def __init__(self, module: Module) -> None:
        super().__init__(module)

    # -- blocks ----------------------------------------------------------------------------------

    def block(
        self, nodes: Sequence[Node], frame: Frame, indent: str, *, function: bool = False
    ) -> list[str]:
        """The statements of a block (a ``function`` body, or one of a statement); ``pass``
        when nothing in it is code."""
        if len(indent) > 4 * _MAX_INDENT or frame.nesting > _MAX_NESTED:
            self.module.adapt(
                f"nested deeper than Python compiles ({_MAX_INDENT} indentation levels, "
                f"{_MAX_NESTED} loops and try blocks in one function): split it into functions"
            )
        lines: list[str] = []
        for node in nodes:
            written = self.node(node, frame, indent)
            # A nested function stands apart from what precedes it, or from the header of the
            # statement whose block it opens (as ruff formats it).
            opens = not lines and not function
            if written and _is_definition(written[0]) and (opens or (lines and lines[-1])):
                lines.append("")
            lines.extend(written)
        if not any(line.strip() and not line.strip().startswith("#") for line in lines):
            lines.append(f"{indent}pass")
        return lines

    def node(self, node: Node, frame: Frame, indent: str) -> list[str]:
        """The statements of one node."""
        if node.is_operation:
            return self.operation(node, frame, indent)
        kind = node.kind
        if kind is Kind.CONDITION:
            return self.condition(node, frame, indent)
        if kind is Kind.LOOP:
            return self.loop(node, frame, indent)
        if kind is Kind.TRY:
            return self.try_block(node, frame, indent)
        if kind is Kind.RETURN:
            return [f"{indent}return None"]
        if kind is Kind.RAISE:
            return [self.raise_statement(node, frame, indent)]
        if kind in (Kind.BREAK, Kind.CONTINUE):
            return [self.jump(node, frame, indent)]
        if kind is Kind.SCOPE:
            return self.scope(node, frame, indent)
        return [f"{indent}# {node.kind.value}: {note(node.label)}"]

    # -- conditions ------------------------------------------------------------------------------

    def predicate(self, text: str) -> str:
        """A stub predicate deciding ``text`` (the original condition), made once per text."""
        module = self.module

        def make(name: str) -> list[str]:
            return [
                f"def {name}(event: dict[str, {module.use('Any')}]) -> bool:",
                f"    # TODO: {note(text)}",
                "    return False",
            ]

        return module.stub("conditions", text, condition_identifier(text), make)

    def value(self, text: str) -> str:
        """A stub giving the value a ``match`` looks at (the original subject)."""
        module = self.module

        def make(name: str) -> list[str]:
            any_type = module.use("Any")
            return [
                f"def {name}(event: dict[str, {any_type}]) -> {any_type}:",
                f"    # TODO: {note(text)}",
                "    return None",
            ]

        return module.stub("values", text, identifier(text, fallback="subject"), make)

    def condition(self, node: Node, frame: Frame, indent: str) -> list[str]:
        """``if``/``elif``/``else`` for yes/no outcomes, ``match`` for cases."""
        if node.blocks and all(b.label in _IF_LABELS for b in node.blocks):
            return self.if_chain(node, frame, indent, "if")
        return self.match(node, frame, indent)

    def if_chain(self, node: Node, frame: Frame, indent: str, word: str) -> list[str]:
        yes = _block(node, "yes")
        no = _block(node, "no")
        test = f"{self.predicate(node.label)}(event)"
        if yes is None and no is not None:
            # ``ready or op()``: the operation runs when the test fails.
            only = no.nodes[0] if len(no.nodes) == 1 else None
            if word == "if" and only is not None and only.is_operation:
                pre: list[str] = []
                call = self.call(only, frame.inner(), indent, pre)
                if call is not None:
                    lines = [f"{indent}# {note(node.label)}", *pre]
                    return lines + call.lines(indent, f"{test} or ")
            self.module.adapt(
                f"{node.label}: operations run when it does not hold; written as `if not`"
            )
            yes, no, test = no, None, f"not {test}"
        lines = _headed(indent, f"{word} {test}:", node.label)
        lines.extend(self.block(yes.nodes if yes else (), frame.inner(), indent + "    "))
        if no is None:
            return lines
        nested = no.nodes[0] if len(no.nodes) == 1 else None
        if (
            nested is not None
            and nested.kind is Kind.CONDITION
            and nested.blocks
            and all(b.label in _IF_LABELS for b in nested.blocks)
            and _block(nested, "yes") is not None
        ):
            return lines + self.if_chain(nested, frame, indent, "elif")
        lines.append(f"{indent}else:")
        lines.extend(self.block(no.nodes, frame.inner(), indent + "    "))
        return lines

    def match(self, node: Node, frame: Frame, indent: str) -> list[str]:
        """``match subject(event):`` with one ``case`` per outcome (``case _`` last)."""
        subject = node.label
        for prefix in ("switch ", "match "):
            if subject.startswith(prefix):
                subject = subject[len(prefix) :]
                break
        lines = _headed(indent, f"match {self.value(subject)}(event):", node.label)
        blocks = list(node.blocks)
        defaults = [b for b in blocks if b.label == "default"]
        if defaults and blocks[-1].label != "default":
            self.module.adapt(f"{node.label}: its default case is written last")
            blocks = [b for b in blocks if b.label != "default"] + defaults
        for block in blocks:
            nodes = block.nodes
            if node.jump_label is not None:
                nodes = self.left_early(nodes, node.jump_label)
            lines.append(f"{indent}    case {self.case(block.label or '')}:")
            lines.extend(self.block(nodes, frame.inner(), indent + "        "))
        return lines

    def left_early(self, nodes: tuple[Node, ...], label: str) -> tuple[Node, ...]:
        """A case left early (``if (x) break;`` then more): Python's ``match`` has no ``break``,
        so what follows the guard becomes its ``else``. A final ``break`` is the case's end."""
        for index, node in enumerate(nodes):
            if _leaves(node, label) and index == len(nodes) - 1:
                return nodes[:index]
            yes = node.blocks[0] if node.kind is Kind.CONDITION and len(node.blocks) == 1 else None
            if (
                yes is None
                or yes.label != "yes"
                or not yes.nodes
                or not _leaves(yes.nodes[-1], label)
            ):
                continue
            self.module.adapt(
                f"break {label}: a case left early is written as if/else (match has no break)"
            )
            rest = self.left_early(nodes[index + 1 :], label)
            kept = replace(yes, nodes=yes.nodes[:-1])
            early = replace(
                node,
                blocks=(kept, Block(role="outcome", label="no", nodes=rest)),
                fallthrough=None,
            )
            return (*nodes[:index], early)
        return nodes

    def case(self, label: str) -> str:
        """The pattern (and guard) of one ``case``."""
        if label == "default":
            return "_"
        if label.startswith("case ") and " if " in label:
            head, guard = label.split(" if ", 1)
            pattern = "_" if head == "case _" else case_pattern(head)
            if pattern is not None:
                return f"{pattern} if {self.predicate(guard)}(event)"
        pattern = case_pattern(label)
        if pattern is not None:
            return pattern
        # A value Python would read as a capture (``case EXPRESS``): matched as its text.
        return py_string(label.removeprefix("case "))

    # -- loops -----------------------------------------------------------------------------------

    def loop(self, node: Node, frame: Frame, indent: str) -> list[str]:
        """``for``/``while`` (a do-while as ``while True`` ending in a test)."""
        body = _block_role(node, "body")
        orelse = _block_role(node, "else")
        inner = frame.inner()
        inner.loops.append(node.jump_label)
        inner.nesting += 1
        header = loop_header(node.label)
        tail: list[str] = []
        comment = node.label
        if node.infinite:
            head, comment = "while True:", ""
        elif node.do_while:
            self.module.adapt(
                f"{node.label}: Python has no do-while; written as `while True` ending in "
                "`if not ...: break`"
            )
            head = "while True:"
            tail = [
                f"{indent}    {_leave_unless(node.label, self.predicate)}",
                f"{indent}        break",
            ]
        elif header.kind == "while":
            head = f"while {self.predicate(header.source)}(event):"
        else:
            # A loop variable must not hide the context or the input the body still uses.
            names = [part.strip() for part in header.target.split(",")]
            names = [f"{n}_item" if n in (frame.context, "event", "ctx") else n for n in names]
            target = ", ".join(names)
            inner.declared.update(names)
            key = _collection(header.source, target)
            head = f"for {target} in event[{py_string(key)}]:"
        body_nodes = body.nodes if body else ()
        if node.jump_label is not None:
            body_nodes, word = unlabel(body_nodes, node.jump_label)
            if word is not None:
                self.module.adapt(
                    f"{word} {node.jump_label}: Python has no labelled {word}; written with "
                    "the inner loop's else"
                )
        lines = _headed(indent, head, comment)
        lines.extend(self.block(body_nodes, inner, indent + "    "))
        if tail:
            if not (body and body.nodes):
                lines.pop()  # the ``pass`` of an empty body: the test is its statement now
            lines.extend(tail)
        if orelse is not None:
            lines.append(f"{indent}else:")
            lines.extend(self.block(orelse.nodes, frame.inner(), indent + "    "))
        return lines

    def jump(self, node: Node, frame: Frame, indent: str) -> str:
        """``break``/``continue``; Python has no labels, so a labelled one leaving an outer
        loop leaves the innermost, and one leaving a switch or a block is a comment."""
        word = node.kind.value
        label = node.jump_label
        if label is None or (frame.loops and frame.loops[-1] == label):
            return f"{indent}{word}"
        if label in frame.loops:
            self.module.adapt(f"{word} {label}: Python has no labelled {word}")
            return f"{indent}{word}  # {word} {label}: Python has no labelled {word}"
        self.module.adapt(f"{word} {label}: Python cannot leave a match case or a block early")
        return f"{indent}pass  # {word} {label}: Python cannot leave a match case early"

    # -- try -------------------------------------------------------------------------------------

    def try_block(self, node: Node, frame: Frame, indent: str) -> list[str]:
        """``try``/``except``/``else``/``finally``."""
        body = _block_role(node, "body")
        handlers = [b for b in node.blocks if b.role == "handler"]
        orelse = _block_role(node, "else")
        final = _block_role(node, "finally")
        body_nodes = tuple(body.nodes) if body else ()
        if orelse is not None and not handlers:
            self.module.adapt("try/else without a handler: the else block ends the try body")
            body_nodes += orelse.nodes
            orelse = None
        lines = [f"{indent}try:"]
        frame = frame.inner()
        frame.nesting += 1
        lines.extend(self.block(body_nodes, frame.inner(), indent + "    "))
        for handler in handlers:
            types, sayable = handler_types(handler.label)
            if not sayable:
                self.module.adapt(f"catch {handler.label}: caught as {types}")
            for name in types.strip("()").split(", "):
                self.exception(name)
            lines.extend(_headed(indent, f"except {types}:", "" if sayable else str(handler.label)))
            inner = frame.inner()
            inner.handlers += 1
            lines.extend(self.block(handler.nodes, inner, indent + "    "))
        if orelse is not None:
            lines.append(f"{indent}else:")
            lines.extend(self.block(orelse.nodes, frame.inner(), indent + "    "))
        if final is not None or not handlers:
            if final is None:
                self.module.adapt("try without handler or finally: an empty finally is added")
            lines.append(f"{indent}finally:")
            lines.extend(self.block(final.nodes if final else (), frame.inner(), indent + "    "))
        return lines

    def exception(self, name: str) -> None:
        """Declare a stub exception class for a name the generated code raises or catches."""
        if not name.isidentifier() or is_builtin_exception(name) or name == "Exception":
            return

        def make(identifier_: str) -> list[str]:
            return [
                f"class {identifier_}(Exception):",
                '    """TODO: an error of the workflow."""',
            ]

        made = self.module.stub("exceptions", name, name, make)
        if made != name:  # the name was taken: keep the original, drop the stub's alias
            return

    def raise_statement(self, node: Node, frame: Frame, indent: str) -> str:
        """``raise SomeError("...")``, or a re-raise of the error being handled."""
        words = node.label.split(" ", 1)
        named = words[1].strip() if len(words) > 1 else ""
        if named.startswith("new "):
            named = named[len("new ") :].strip()
        cls = exception_class(named)
        if cls is not None:
            self.exception(cls)
            return f'{indent}raise {cls}("TODO: why the workflow fails here")'
        if not named or frame.handlers:
            return f"{indent}raise"
        return f'{indent}raise RuntimeError("TODO")  # {note(node.label)}'

    # -- helpers ---------------------------------------------------------------------------------

    def scope(self, node: Node, frame: Frame, indent: str) -> list[str]:
        """A helper the original inlined that returns early: a nested function called with the
        context. A labelled block (``found: {...}``) is written as its statements."""
        nodes = node.blocks[0].nodes if node.blocks else ()
        if node.jump_label is not None:
            self.module.adapt(f"{node.jump_label}: Python has no labelled blocks")
            return [
                f"{indent}# {node.jump_label}: a labelled block in the original",
                *self.block(nodes, frame, indent),
            ]
        pre: list[str] = []
        function = self.define(
            identifier(node.label, fallback="helper"), ("ctx",), nodes, frame, indent, pre
        )
        return [*pre, f"{indent}{function}({frame.context})"]


def _leave_unless(label: str, predicate: Callable[[str], str]) -> str:
    """The test ending a do-while's body: leave unless its condition holds (a negated
    condition is tested as written, without the negation: no ``not not_ready``)."""
    test = label.rsplit("while", 1)[-1].strip()
    if test.startswith("(") and test.endswith(")") and test.count("(") == 1:
        test = test[1:-1].strip()
    if test.startswith("!") and not test.startswith("!="):
        return f"if {predicate(test[1:].strip())}(event):"
    if test.startswith("not "):
        return f"if {predicate(test[4:].strip())}(event):"
    return f"if not {predicate(test)}(event):"


def _leaves(node: Node, label: str) -> bool:
    return node.kind is Kind.BREAK and node.jump_label == label


def _is_definition(line: str) -> bool:
    return line.lstrip().startswith(("def ", "@"))


def _block(node: Node, label: str) -> Block | None:
    return next((b for b in node.blocks if b.label == label), None)


def _block_role(node: Node, role: str) -> Block | None:
    return next((b for b in node.blocks if b.role == role), None)


def _headed(indent: str, code: str, comment: str) -> list[str]:
    """A statement's first line with the original text as a comment: after it when the line
    stays short, else on the line above."""
    if not comment:
        return [f"{indent}{code}"]
    line = f"{indent}{code}  # {note(comment)}"
    if len(line) <= WIDTH:
        return [line]
    return [f"{indent}# {note(comment)}", f"{indent}{code}"]


def _collection(source: str, target: str) -> str:
    """The input key a placeholder collection is read from: the last part of what the
    original iterated (``reply.toolCalls()`` gives ``tool_calls``)."""
    text = source.split("(", 1)[0].rstrip(".")
    last = text.rsplit(".", 1)[-1]
    key = "_".join(words(last))  # an input field, not a variable: any word will do
    if not key:
        key = identifier(target.rsplit(",", maxsplit=1)[-1], fallback="item") + "s"
    return key
