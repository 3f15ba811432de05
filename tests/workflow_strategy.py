"""A hypothesis strategy of workflows, built as the parsers would read them from source.

``workflows(language)`` draws :class:`~durable_viz.graph.Workflow` models directly: every
operation kind the language's SDK has, nested containers and control structures up to depth 4,
literal, pattern and absent names, conditions with and without ``else`` and ``elif`` chains,
loops (for-each, ``while``, ``while true`` left by a ``break``, do-while), try blocks with one or
two handlers and ``finally``, guards that return, raise, break or continue, and blocks left
empty (an ``else`` that only logs, a handler that swallows the error, a branch that computes).
An emitter writes the model as source and the round trip (tests/test_roundtrip.py) demands that
the parser reads back the same signature (tests/signature.py).

Every node has the exact shape a parser gives the construct (checked by parsing hand-written
code): operation nodes are made by the parsers' own ``operation_node`` (labels, annotations,
backoff names), blocks carry the roles and labels the parsers give them, an ``if`` without
``else`` has the fallthrough ``no``, an ``elif`` is a condition alone in the ``no`` outcome.
The parsers ``prune`` control structures holding nothing durable, so every structure drawn here
holds an operation or an exit; exits (``return``, ``raise``, ``break``, ``continue``) come only as
guards (``if ...: return``), since code after a bare exit is dead and a parser may drop it.

What a language cannot say is not drawn for it:

- Python has no do-while loop and no promise combinators (``parallel``/``map`` instead).
- C# has no retry helper (``with_retry``); ``ParallelAsync`` takes a list of plain functions or of
  ``DurableBranch`` records, never a mix, so its branches are all named or all unnamed; its only
  combinators, ``Task.WhenAll/WhenAny`` over durable tasks, are rejected by the SDK's analyzer
  (DE004, our DV109), so no emitter should write them.
- Java and C# submitters of ``wait_for_callback`` receive a context that runs no operations, so
  only Python and TypeScript submitters hold a body.
- TypeScript has one ``catch`` clause per ``try``, and it catches everything.
- Java combinators (``DurableFuture.allOf/anyOf``) carry no name and only ``all``/``any``.

Combinator branches are labelled with their operation's label, which for an unnamed operation
depends on how the emitter writes its function; so operations inside combinators always have a
literal name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from workflow_dialects import DIALECTS, Dialect

from durable_viz.graph import Block, Kind, Node, Workflow
from durable_viz.parsers.base import MAP_ITEM_DEFAULT, NONE_NAME, NameValue, duration_text
from durable_viz.parsers.operations import operation_node

__all__ = ["DIALECTS", "MAX_DEPTH", "MAX_NODES", "Dialect", "workflows"]

MAX_DEPTH = 4
"""How deep containers and control structures nest."""

MAX_NODES = 20
"""The node budget of a workflow: a block started when it runs out still gets its one node,
so a workflow holds up to about 25 nodes; enough for every construct, fast to run."""


_WORDS = (
    "validate",
    "charge-card",
    "reserve",
    "notify",
    "audit",
    "ship",
    "approve",
    "refund",
    "sync",
    "report",
)
_LITERAL_TAILS = (
    "",
    "",
    "",
    "",
    " #1",
    "/eu-west",
    ' "quoted"',
    "-ünï",
    "-{literal}",
    "-$x",
    "-50%",
    "\\path",
)
"""Endings of literal names, mostly none; the rest are characters each language quotes or
escapes its own way (a literal ``{...}`` is not a pattern: the SDK records it as written)."""

_FLAGS = ("vip", "is_retry", "has_discount", "needs_review", "express", "more", "failed")
_COLLECTIONS = ("items", "orders", "regions", "lines")
_LOOP_VARIABLES = ("item", "entry", "region", "line")
_DURATIONS = (1, 5, 30, 60, 300, 3600, 86400)
_TARGETS = ("billing-fn", "inventory-fn", "arn:aws:lambda:us-east-1:123456789012:function:mailer")

_LEAVES = (
    Kind.STEP,
    Kind.INVOKE,
    Kind.WAIT,
    Kind.CREATE_CALLBACK,
    Kind.WAIT_FOR_CALLBACK,
    Kind.WAIT_FOR_CONDITION,
)
_COMBINED = (Kind.STEP, Kind.WAIT, Kind.INVOKE)
"""Operations a combinator's branches hold: the ones every SDK has an async form of."""


@dataclass(frozen=True)
class _Where:
    """What surrounds the sequence being drawn.

    ``loop`` is true inside a loop of the same function (``break``/``continue`` reach it);
    ``function`` is true inside a container's block (a ``return`` ends only that function);
    ``variable`` is what a name pattern interpolates here (the innermost loop or item variable).
    """

    depth: int = 0
    loop: bool = False
    function: bool = False
    variable: str | None = None
    loops: int = 0


class _Builder:
    """Draws one workflow. Node budget and counters live here, so each draw is independent."""

    def __init__(self, draw: st.DrawFn, dialect: Dialect) -> None:
        self.draw = draw
        self.dialect = dialect
        self.budget = MAX_NODES
        self.line = 1
        self.counter = 0

    # -- helpers ---------------------------------------------------------------------------------

    def _next_line(self) -> int:
        self.line += 1
        return self.line

    def _word(self) -> str:
        self.counter += 1
        return f"{self.draw(st.sampled_from(_WORDS))}-{self.counter}"

    def _name(self, where: _Where, *, unnamed: bool = True, pattern: bool = True) -> NameValue:
        choices = ["literal", "literal"]
        if pattern:
            choices += ["pattern", "pattern"]
        if unnamed:
            choices.append("none")
        how = self.draw(st.sampled_from(choices))
        if how == "none":
            return NONE_NAME
        word = self._word()
        if how == "literal":
            text = word + self.draw(st.sampled_from(_LITERAL_TAILS))
            return NameValue.literal(text)
        variable = where.variable or self.dialect.variable
        shape = self.draw(st.sampled_from(("tail", "head", "two")))
        if shape == "head":
            return NameValue(f"{{}}-{word}", f"{{{variable}}}-{word}", True)
        if shape == "two" and variable != self.dialect.variable:
            outer = self.dialect.variable
            return NameValue(f"{word}-{{}}-{{}}", f"{word}-{{{outer}}}-{{{variable}}}", True)
        return NameValue(f"{word}-{{}}", f"{word}-{{{variable}}}", True)

    def _place(self, kind: Kind, label: str, **fields: Any) -> Node:
        return Node(kind=kind, label=label, line=self._next_line(), column=5, **fields)

    def _operation(
        self,
        kind: Kind,
        name: NameValue,
        *,
        blocks: tuple[Block, ...] = (),
        duration: str | None = None,
        target: str | None = None,
    ) -> Node:
        if not blocks:
            self.budget -= 1  # containers pay for themselves before drawing their blocks
        return operation_node(
            self._place,
            kind,
            name,
            {},
            [],
            describe=lambda: None,
            duration=duration,
            target=target,
            blocks=blocks,
            unnamed_retry=self.dialect.unnamed_retry,
        )

    # -- sequences -------------------------------------------------------------------------------

    def sequence(self, where: _Where, *, at_least: int = 1) -> tuple[Node, ...]:
        """A block's nodes: operations and structures, possibly ending in a guard."""
        count = self.draw(st.integers(min_value=at_least, max_value=3))
        nodes: list[Node] = []
        for position in range(count):
            if self.budget <= 0 and len(nodes) >= at_least:
                break
            nodes.append(self.element(where, last=position == count - 1))
        return tuple(nodes)

    def maybe_empty(self, where: _Where) -> tuple[Node, ...]:
        """A block that may hold nothing durable (an ``else`` that only logs, a handler that
        swallows the error, a branch that computes): parsers keep such blocks, empty."""
        if self.draw(st.integers(min_value=0, max_value=3)) == 0:
            return ()
        return self.sequence(where)

    def operations(self, where: _Where) -> tuple[Node, ...]:
        """A sequence that surely holds an operation at its own level (loop and try bodies:
        a parser drops a loop or try holding nothing durable)."""
        nodes = self.sequence(where)
        if not any(n.is_operation for n in nodes):
            nodes = (self.leaf(where), *nodes)
        return nodes

    def element(self, where: _Where, *, last: bool) -> Node:
        kinds = ["leaf", "leaf", "leaf"]
        if self.budget > 6 and where.depth < MAX_DEPTH:
            kinds += ["parallel", "map", "child", "condition", "loop", "try"]
            if self.dialect.with_retry:
                kinds.append("retry")
            if self.dialect.combinators:
                kinds.append("combinator")
            if self.dialect.submitter_body:
                kinds.append("submitter")
        if where.depth < MAX_DEPTH:
            kinds += ["guard", "guard"] if where.loop else ["guard"]
        choice = self.draw(st.sampled_from(kinds))
        if choice not in ("leaf", "guard"):
            self.budget -= 1
        inner = _Where(
            depth=where.depth + 1,
            loop=where.loop,
            function=where.function,
            variable=where.variable,
            loops=where.loops,
        )
        body = _Where(depth=where.depth + 1, function=True, variable=where.variable)
        if choice == "leaf":
            return self.leaf(where)
        if choice == "guard":
            return self.guard(where)
        if choice == "parallel":
            return self.parallel(where, body)
        if choice == "map":
            return self.map(where, body)
        if choice in ("child", "retry"):
            kind = Kind.CHILD_CONTEXT if choice == "child" else Kind.WITH_RETRY
            name = self._name(where)
            nodes = self.sequence(body)
            return self._operation(
                kind, name, blocks=(Block(role="body", label="body", nodes=nodes),)
            )
        if choice == "submitter":
            name = self._name(where)
            nodes = self.operations(body)
            block = Block(role="body", label="submitter", nodes=nodes)
            return self._operation(Kind.WAIT_FOR_CALLBACK, name, blocks=(block,))
        if choice == "combinator":
            return self.combinator(where)
        if choice == "condition":
            return self.condition(where, inner)
        if choice == "loop":
            return self.loop(where)
        return self.try_(where, inner)

    # -- operations ------------------------------------------------------------------------------

    def leaf(
        self, where: _Where, kinds: tuple[Kind, ...] = _LEAVES, *, named: bool = False
    ) -> Node:
        kind = self.draw(st.sampled_from(kinds))
        name = self._name(where, unnamed=not named, pattern=not named)
        if kind is Kind.WAIT:
            seconds = self.draw(st.sampled_from(_DURATIONS))
            return self._operation(kind, name, duration=duration_text(seconds))
        if kind is Kind.INVOKE:
            return self._operation(kind, name, target=self.draw(st.sampled_from(_TARGETS)))
        return self._operation(kind, name)

    def parallel(self, where: _Where, body: _Where) -> Node:
        name = self._name(where)
        count = self.draw(st.integers(min_value=1, max_value=4))
        if self.dialect.mixed_branches:
            named = [self.draw(st.booleans()) for _ in range(count)]
        else:
            named = [self.draw(st.booleans())] * count
        blocks = []
        for index, has_name in enumerate(named):
            label = self._word() if has_name else f"parallel-branch-{index}"
            blocks.append(Block(role="branch", label=label, nodes=self.maybe_empty(body)))
        return self._operation(Kind.PARALLEL, name, blocks=tuple(blocks))

    def map(self, where: _Where, body: _Where) -> Node:
        name = self._name(where)
        item = _Where(depth=body.depth, function=True, variable="item")
        block = Block(role="item", label=MAP_ITEM_DEFAULT, nodes=self.sequence(item), dynamic=True)
        return self._operation(Kind.MAP, name, blocks=(block,))

    def combinator(self, where: _Where) -> Node:
        kind = self.draw(st.sampled_from(self.dialect.combinators))
        name = NONE_NAME
        if self.dialect.named_combinators and self.draw(st.booleans()):
            name = NameValue.literal(self._word())
        count = self.draw(st.integers(min_value=1, max_value=3))
        blocks = []
        for _ in range(count):
            leaf = self.leaf(where, _COMBINED, named=True)
            blocks.append(Block(role="branch", label=leaf.label, nodes=(leaf,)))
        return self._operation(kind, name, blocks=tuple(blocks))

    # -- control flow ----------------------------------------------------------------------------

    def _flag(self) -> str:
        return self.draw(st.sampled_from(_FLAGS))

    def condition(self, where: _Where, inner: _Where) -> Node:
        """``if`` with or without ``else``, or an ``if``/``elif`` chain."""
        label = self.dialect.condition(self._flag())
        yes = Block(role="outcome", label="yes", nodes=self.sequence(inner))
        how = self.draw(st.sampled_from(("if", "else", "elif")))
        if how == "if":
            return self._place(Kind.CONDITION, label, blocks=(yes,), fallthrough="no")
        if how == "else":
            no = self.maybe_empty(inner)
        else:
            deeper = _Where(
                depth=inner.depth + 1,
                loop=inner.loop,
                function=inner.function,
                variable=inner.variable,
                loops=inner.loops,
            )
            no = (
                (self.condition(inner, deeper),)
                if inner.depth < MAX_DEPTH
                else self.sequence(inner)
            )
        return self._place(
            Kind.CONDITION, label, blocks=(yes, Block(role="outcome", label="no", nodes=no))
        )

    def guard(self, where: _Where) -> Node:
        """``if flag: return/raise/break/continue``: a way out the reader must see."""
        self.budget -= 2
        exits = ["return", "raise"]
        if where.loop:
            exits += ["break", "continue"]
        how = self.draw(st.sampled_from(exits))
        if how == "return":
            scope = "function" if where.function else "workflow"
            exit_node = self._place(Kind.RETURN, "return", scope=scope)
        elif how == "raise":
            errors = self.dialect.error_types or ("Error",)
            exit_node = self._place(
                Kind.RAISE, self.dialect.raise_label(self.draw(st.sampled_from(errors)))
            )
        else:
            exit_node = self._place(Kind.BREAK if how == "break" else Kind.CONTINUE, how)
        yes = Block(role="outcome", label="yes", nodes=(exit_node,))
        return self._place(
            Kind.CONDITION, self.dialect.condition(self._flag()), blocks=(yes,), fallthrough="no"
        )

    def loop(self, where: _Where) -> Node:
        kinds = ["for", "while", "forever"]
        if self.dialect.do_while:
            kinds.append("do")
        how = self.draw(st.sampled_from(kinds))
        variable = where.variable
        label: str
        if how == "for":
            variable = _LOOP_VARIABLES[min(where.loops, len(_LOOP_VARIABLES) - 1)]
            label = self.dialect.for_each(variable, self.draw(st.sampled_from(_COLLECTIONS)))
        elif how == "while":
            label = self.dialect.while_loop(self._flag())
        elif how == "do":
            label = self.dialect.do_while_loop(self._flag())
        else:
            label = self.dialect.infinite
        inner = _Where(
            depth=where.depth + 1,
            loop=True,
            function=where.function,
            variable=variable,
            loops=where.loops + 1,
        )
        body = self.operations(inner)
        if how == "forever":
            # Left only by a break (or an exit the body may also hold).
            body = (*body, self._jump_guard(Kind.BREAK))
        elif self.draw(st.booleans()):
            # Loops are where break and continue live: give many of them one.
            # Continue first: every `while true` already brings a break.
            jump = self.draw(st.sampled_from((Kind.CONTINUE, Kind.BREAK)))
            at = self.draw(st.integers(min_value=0, max_value=len(body)))
            body = (*body[:at], self._jump_guard(jump), *body[at:])
        return self._place(
            Kind.LOOP,
            label,
            blocks=(Block(role="body", nodes=body),),
            infinite=how == "forever",
            do_while=how == "do",
        )

    def _jump_guard(self, kind: Kind) -> Node:
        self.budget -= 2
        exit_node = self._place(kind, kind.value)
        yes = Block(role="outcome", label="yes", nodes=(exit_node,))
        flag = "done" if kind is Kind.BREAK else "skip"
        return self._place(
            Kind.CONDITION, self.dialect.condition(flag), blocks=(yes,), fallthrough="no"
        )

    def try_(self, where: _Where, inner: _Where) -> Node:
        blocks = [Block(role="body", label="try", nodes=self.operations(inner))]
        handlers = self.draw(st.integers(min_value=0, max_value=self.dialect.max_handlers))
        catch_all = False
        typed = list(self.dialect.error_types)
        for index in range(handlers):
            last = index == handlers - 1
            if not typed or (last and self.draw(st.booleans())):
                label = self.dialect.catch_all
                catch_all = True
            else:
                label = typed.pop(self.draw(st.integers(0, len(typed) - 1)))
            blocks.append(Block(role="handler", label=label, nodes=self.maybe_empty(inner)))
            if catch_all:
                break
        if handlers == 0 or self.draw(st.booleans()):
            blocks.append(Block(role="finally", label="finally", nodes=self.maybe_empty(inner)))
        return self._place(Kind.TRY, "try", blocks=tuple(blocks), catch_all=catch_all)


@st.composite
def _workflow(draw: st.DrawFn, dialect: Dialect) -> Workflow:
    builder = _Builder(draw, dialect)
    nodes = builder.sequence(_Where(), at_least=1)
    return Workflow(name=dialect.workflow_name, line=1, nodes=nodes)


def workflows(language: str) -> st.SearchStrategy[Workflow]:
    """Workflows as ``language``'s parser reads them (see the module docstring)."""
    return _workflow(DIALECTS[language])
