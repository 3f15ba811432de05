"""The workflow model shared by every parser and renderer.

A parser turns a handler into a :class:`Workflow`: a tree of nodes in which containers hold their
children in named :class:`Block` objects, mirroring the structure of the code. The model is plain
data (frozen dataclasses, tuples, no I/O and no parser types), so it is the only thing that crosses
the boundary between parsers and renderers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "CONTAINER_KINDS",
    "OPERATION_KINDS",
    "Block",
    "Diagnostic",
    "Kind",
    "Node",
    "ParseResult",
    "Severity",
    "Via",
    "Workflow",
    "walk",
]


class Kind(str, Enum):
    """What a node is. The value is the name used in JSON, CSS classes and the CLI."""

    START = "start"
    END = "end"
    STEP = "step"
    INVOKE = "invoke"
    WAIT = "wait"
    CREATE_CALLBACK = "create_callback"
    WAIT_FOR_CALLBACK = "wait_for_callback"
    WAIT_FOR_CONDITION = "wait_for_condition"
    PARALLEL = "parallel"
    MAP = "map"
    CHILD_CONTEXT = "child_context"
    WITH_RETRY = "with_retry"
    PROMISE_ALL = "promise_all"
    PROMISE_ANY = "promise_any"
    PROMISE_RACE = "promise_race"
    PROMISE_ALL_SETTLED = "promise_all_settled"
    CONDITION = "condition"
    LOOP = "loop"
    TRY = "try"
    RETURN = "return"
    RAISE = "raise"
    BREAK = "break"
    CONTINUE = "continue"
    SCOPE = "scope"


OPERATION_KINDS = frozenset(
    {
        Kind.STEP,
        Kind.INVOKE,
        Kind.WAIT,
        Kind.CREATE_CALLBACK,
        Kind.WAIT_FOR_CALLBACK,
        Kind.WAIT_FOR_CONDITION,
        Kind.PARALLEL,
        Kind.MAP,
        Kind.CHILD_CONTEXT,
        Kind.WITH_RETRY,
        Kind.PROMISE_ALL,
        Kind.PROMISE_ANY,
        Kind.PROMISE_RACE,
        Kind.PROMISE_ALL_SETTLED,
    }
)
"""Kinds that are durable operations: the SDK records each one in the execution history."""

CONTAINER_KINDS = frozenset(
    {
        Kind.PARALLEL,
        Kind.MAP,
        Kind.CHILD_CONTEXT,
        Kind.WITH_RETRY,
        Kind.WAIT_FOR_CALLBACK,
        Kind.PROMISE_ALL,
        Kind.PROMISE_ANY,
        Kind.PROMISE_RACE,
        Kind.PROMISE_ALL_SETTLED,
    }
)
"""Operation kinds whose blocks are sub-workflows (their own function scopes)."""


@dataclass(frozen=True, slots=True)
class Via:
    """The helper function a node was inlined from."""

    name: str
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """An ordered run of nodes held by a container.

    ``role`` says what the block is to its parent: ``branch`` (parallel or combinator), ``item``
    (map body), ``body`` (child context, retry, loop, try, submitter, scope), ``outcome``
    (condition), ``handler`` (except/catch), ``else`` (try-else or loop-else) or ``finally``.
    ``label`` is what the diagram shows for it: a branch name, ``yes``/``no``, ``case X``, an error
    type. ``dynamic`` marks a branch whose name is only known at run time.
    """

    role: str
    label: str | None = None
    nodes: tuple[Node, ...] = ()
    dynamic: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One element of a workflow: a durable operation, a control structure or an exit.

    Attributes:
        kind: what it is.
        label: the text the diagram shows.
        line: 1-based line of the call or statement.
        column: 1-based column of the call or statement.
        name: the operation name the SDK records at run time (``{...}`` marks runtime parts),
            or ``None`` when it records none. Only operations have one.
        dynamic: the name is built at run time.
        blocks: the children, for containers and control structures.
        config: configuration read from the call (retry strategy, semantics, ...).
        annotations: short texts the diagram shows under the label.
        target: the function an ``invoke`` calls.
        via: the helper function this node was inlined from.
        fallthrough: for a condition, the label of the path taken when no block runs
            (``no`` for an ``if`` without ``else``); ``None`` when some block always runs.
        infinite: for a loop, it is left only by ``break``, ``return`` or ``raise``.
        do_while: for a loop, the body runs before the first test.
        catch_all: for a try, one handler catches every error.
        scope: for ``return``, ``workflow`` ends the run; ``function`` ends only the function
            whose body holds it (a branch, a map item, an inlined helper).
        file: the file the node's line refers to, when it is not the workflow's own file (a
            helper imported from another module).
        jump_label: for a ``break`` or ``continue``, the statement it leaves or repeats (a loop
            or switch the code labels ``outer:``, or a label the parser makes up for a switch a
            plain ``break`` leaves); for any other node, the label ``break``/``continue`` use to
            name it. ``None``: a plain ``break``/``continue`` of the innermost loop. A ``scope``
            with a jump label is a labelled block (``found: { ... }``): not a function, just its
            statements in sequence, kept so that a ``break found`` has a statement to leave.
    """

    kind: Kind
    label: str
    line: int
    column: int
    name: str | None = None
    dynamic: bool = False
    blocks: tuple[Block, ...] = ()
    config: Mapping[str, str] = field(default_factory=dict)
    annotations: tuple[str, ...] = ()
    target: str | None = None
    via: Via | None = None
    fallthrough: str | None = None
    infinite: bool = False
    do_while: bool = False
    catch_all: bool = False
    scope: str = "workflow"
    file: str | None = None
    jump_label: str | None = None

    @property
    def is_operation(self) -> bool:
        """True for durable operations (not control structures or exits)."""
        return self.kind in OPERATION_KINDS


@dataclass(frozen=True, slots=True, kw_only=True)
class Workflow:
    """One handler: its name, where it starts and its top-level nodes."""

    name: str
    line: int
    nodes: tuple[Node, ...] = ()
    file: str | None = None


class Severity(str, Enum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """Something a parser wants the reader to know about a place in the source."""

    severity: Severity
    code: str
    message: str
    line: int
    column: int
    file: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseResult:
    """What a parser returns for one source file."""

    language: str
    workflows: tuple[Workflow, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


def walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    """Yield every node of a tree in source (pre-)order."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        for block in reversed(node.blocks):
            stack.extend(reversed(block.nodes))
