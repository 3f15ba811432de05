"""Durable operations written as SDK calls: ``context.step`` and the other DurableContext
methods, ``withRetry``, ``context.promise.*`` and native ``Promise.*``, with names (template
literals for runtime parts), config objects, and the functions they run."""

from __future__ import annotations

from dataclasses import dataclass, replace

from durable_viz.emit.common import camel
from durable_viz.emit.typescript_config import config_fields, wait_strategy
from durable_viz.emit.typescript_flow import Flow, Frame, Lines, Shift, flatten
from durable_viz.emit.typescript_values import (
    RESERVED,
    comment,
    duration_object,
    expression,
    is_identifier,
    quote,
    split_label,
    template,
)
from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import MAP_ITEM_DEFAULT, PARALLEL_BRANCH_DEFAULT

__all__ = ["Writer"]

_COMBINATORS = {
    Kind.PROMISE_ALL: "all",
    Kind.PROMISE_ANY: "any",
    Kind.PROMISE_RACE: "race",
    Kind.PROMISE_ALL_SETTLED: "allSettled",
}
_FALLBACK_LABELS = frozenset({"step", "child context", "wait for callback", "wait for condition"})
_INDEX_NAMES = ("i", "index", "idx", "n", "position")
_BATCH_KEYS = frozenset({"completion", "max_concurrency", "nesting"})
_CONFIG_KEYS: dict[Kind, frozenset[str]] = {
    Kind.STEP: frozenset({"retry", "semantics"}),
    Kind.INVOKE: frozenset({"tenant"}),
    Kind.CHILD_CONTEXT: frozenset({"virtual", "sub_type"}),
    Kind.WITH_RETRY: frozenset({"retry", "wrap_in_child_context"}),
    Kind.MAP: _BATCH_KEYS,
    Kind.PARALLEL: _BATCH_KEYS,
    Kind.CREATE_CALLBACK: frozenset({"timeout", "heartbeat_timeout"}),
    Kind.WAIT_FOR_CALLBACK: frozenset({"timeout", "heartbeat_timeout", "retry"}),
}
"""The config each operation's TypeScript config object has a field for."""

_SAID_ELSEWHERE = frozenset({"duration", "wait_strategy", "item_namer", "backoff_waits"})
"""Config written by other means: a wait's duration argument, a wait strategy, an item namer,
the backoff names a retry's name gives."""

LINE_WIDTH = 80
"""A call longer than this (its arguments on one line) gets one argument a line."""


@dataclass
class Writer(Flow):
    """Writes a workflow's nodes: control flow from :class:`Flow`, operations here.

    Code is built as :data:`~durable_viz.emit.typescript_flow.Lines` whose first and last
    entries are text (so a call can be prefixed with ``await`` and end in ``;``) and whose
    function bodies are shifted blocks: a body nested at any depth is never copied again.
    """

    def operation_statement(self, node: Node, frame: Frame) -> Lines:
        """``await`` the call; a created callback's promise and id are kept."""
        if node.kind is Kind.CREATE_CALLBACK:
            wanted = camel(node.name or "callback", reserved=RESERVED)
            promise = self.module.ids.take(wanted)
            while f"{promise}Id" in self.module.ids:
                promise = self.module.ids.take(wanted)
            self.module.ids.take(f"{promise}Id")
            call = _prefix(f"const [{promise}, {promise}Id] = await ", self.operation(node, frame))
            note = f"// TODO: hand {promise}Id to whoever answers, then await {promise}."
            return [note, *_suffix(call, ";")]
        statement = _suffix(_prefix("await ", self.operation(node, frame)), ";")
        if node.kind in _COMBINATORS and not node.blocks:
            # It combined promises created earlier; the model keeps them where they were made.
            return ["// TODO: the durable promises the original combined here.", *statement]
        return statement

    # -- calls -----------------------------------------------------------------------------------

    def operation(self, node: Node, frame: Frame) -> Lines:
        """The call expression of an operation."""
        ctx = frame.context
        name = self.name_argument(node, frame)
        allowed = _CONFIG_KEYS.get(node.kind, frozenset())
        for key in sorted(set(node.config) - allowed - _SAID_ELSEWHERE):
            self.adapt(f"{key} has no field in the {node.kind.value} config of the TypeScript SDK")
        given = {k: v for k, v in node.config.items() if k in allowed}
        config = config_fields(given, self.module.use, lambda r: self.module.read(r, frame.bound))
        kind = node.kind
        if kind is Kind.STEP:
            return _call(f"{ctx}.step", [*name, self.step_function(node)], config)
        if kind is Kind.WAIT:
            duration = (
                duration_object(node.config.get("duration")) or "{ seconds: event.delaySeconds }"
            )
            return _call(f"{ctx}.wait", [*name, [duration]], [])
        if kind is Kind.INVOKE:
            target = self.target(node.target, frame)
            payload = "{ /* TODO: the payload */ }"
            return _call(f"{ctx}.invoke", [*name, [target], [payload]], config)
        if kind is Kind.CREATE_CALLBACK:
            return _call(f"{ctx}.createCallback", name, config)
        if kind is Kind.WAIT_FOR_CALLBACK:
            return _call(f"{ctx}.waitForCallback", [*name, self.submitter(node, frame)], config)
        if kind is Kind.WAIT_FOR_CONDITION:
            strategy = wait_strategy(node.config.get("wait_strategy"), self.module.use)
            check = _function(
                ["state: { done: boolean }"], ["// TODO: check the condition.", "return state;"]
            )
            condition_config = ["initialState: { done: false }", f"waitStrategy: {strategy}"]
            return _call(f"{ctx}.waitForCondition", [*name, check], condition_config)
        if kind is Kind.CHILD_CONTEXT:
            body = self.body_function(node, frame, "ctx")
            return _call(f"{ctx}.runInChildContext", [*name, body], config)
        if kind is Kind.WITH_RETRY:
            self.module.use("withRetry")
            if "retry" not in node.config:
                self.module.use("retryPresets")
                config.insert(0, "retryStrategy: retryPresets.default")
            body = self.body_function(node, frame, "ctx", "attempt")
            return _call("withRetry", [[ctx], *name, body], config)
        if kind is Kind.PARALLEL:
            return _call(f"{ctx}.parallel", [*name, self.branches(node, frame)], config)
        if kind is Kind.MAP:
            return self.map_call(node, frame, name, config)
        if kind in _COMBINATORS:
            return self.combinator(node, frame, name)
        return [f"undefined /* {kind.value} */"]

    def name_argument(self, node: Node, frame: Frame) -> list[Lines]:
        """The name argument (none for an unnamed operation)."""
        if frame.name_variable is not None:
            return [[frame.name_variable]]
        if node.name is None:
            return []
        return [[self.name_code(node.name, node.label, node.dynamic, frame)]]

    def name_code(self, name: str, label: str | None, dynamic: bool, frame: Frame) -> str:
        """A name as a string or template literal; the variables it reads are declared."""
        code, reads = template(name, label, dynamic)
        if self.module.read(reads, frame.bound):
            return code
        code, reads = template(name, None, dynamic, placeholder="part")
        if self.module.read(reads, frame.bound):
            return code
        self.adapt("a runtime name part written as event.part")
        return code.replace("${part}", "${event.part}")

    def target(self, target: str | None, frame: Frame) -> str:
        """What an invoke calls: a function name, a choice of two, or a name built at run time."""
        if target is None:
            return "event.functionName"
        split = split_label(target)
        if split is None or not split[1]:
            return quote(target)
        texts, holes = split
        if texts == ("", "") and " | " in holes[0] and "{" not in holes[0]:
            first, _, second = holes[0].partition(" | ")
            choice = self.module.predicate(f"which function: {first} or {second}")
            return f"{choice}() ? {quote(first)} : {quote(second)}"
        pattern = "{}".join(texts)
        return self.name_code(pattern, target, True, frame)

    # -- functions operations run ----------------------------------------------------------------

    def step_function(self, node: Node) -> Lines:
        """The function a step runs: a placeholder call for an unnamed step described by
        what it called, else a TODO body."""
        if node.name is None and node.label not in _FALLBACK_LABELS:
            callee = self.module.callee(node.label)
            if callee is not None:
                return [f"async () => {callee}()"]
        return _function([], [f"// TODO: {comment(node.label)}", "return undefined;"])

    def body_function(self, node: Node, frame: Frame, *params: str) -> Lines:
        """The function a child context or retry runs, with ``params`` (its context first)."""
        nodes = node.blocks[0].nodes if node.blocks else ()
        inner = frame.function(params[0], *params[1:])
        body = self.statements(nodes, inner) or ["// TODO: the work of this context."]
        return _function(list(params), body)

    def submitter(self, node: Node, frame: Frame) -> Lines:
        """The submitter: it hands the callback id on (operations run on the outer context)."""
        nodes = node.blocks[0].nodes if node.blocks else ()
        body: Lines = ["// TODO: send callbackId to the system that answers."]
        body.extend(self.statements(nodes, frame.function(frame.context, "callbackId")))
        return _function(["callbackId"], body)

    # -- fan-outs --------------------------------------------------------------------------------

    def branches(self, node: Node, frame: Frame) -> Lines:
        """A parallel's branches: plain functions where the SDK's default names them, else
        ``{ name, func }``; one branch per item for a branch built at run time."""
        blocks = [b for b in node.blocks if b.role == "branch"]
        if len(blocks) == 1 and blocks[0].dynamic:
            return self.branch_per_item(blocks[0], frame)
        elements: list[Lines] = []
        for index, block in enumerate(blocks):
            function = self.block_function(block, frame)
            default = PARALLEL_BRANCH_DEFAULT.replace("{i}", str(index))
            if block.label == default and not block.dynamic:
                elements.append(function)
            else:
                name = self.name_code(
                    _name_of(block.label or default), block.label, block.dynamic, frame
                )
                elements.append(_object([f"name: {name}"], "func", function))
        return _array(elements)

    def branch_per_item(self, block: Block, frame: Frame) -> Lines:
        """One branch per item of a collection known only at run time."""
        label = block.label or PARALLEL_BRANCH_DEFAULT
        variable = self.item_variable(label)
        inner = frame.binding(variable)
        function = self.block_function(block, inner, typed=True)
        source = self.collection(f"{variable}s", frame)
        if label == PARALLEL_BRANCH_DEFAULT:
            return _suffix(_prefix(f"{source}.map((_{variable}: any) => ", function), ")")
        name = self.name_code(_name_of(label), label, True, inner)
        entry = _object([f"name: {name}"], "func", function)
        return _suffix(_prefix(f"{source}.map(({variable}: any) => (", entry), "))")

    def item_variable(self, label: str) -> str:
        """The variable a per-item function takes: the one its name reads, when it reads one."""
        reads = _reads(label)
        if len(reads) == 1 and reads[0] not in ("i", "event", "context", "ctx"):
            return reads[0]
        return "item"

    def block_function(self, block: Block, frame: Frame, typed: bool = False) -> Lines:
        """A branch's function; ``typed`` where no contextual type gives ``ctx`` its type."""
        body = self.statements(block.nodes, frame.function("ctx"))
        param = "ctx: DurableContext" if typed else "ctx"
        return _function([param], body or ["// TODO: the work of this branch."])

    def map_call(self, node: Node, frame: Frame, name: list[Lines], config: list[str]) -> Lines:
        """``map`` over a placeholder collection (item namer from the item label), or over
        the items the source listed, each with the function it runs."""
        ctx = frame.context
        items = [b for b in node.blocks if b.role == "item"]
        if len(items) > 1 or (items and not items[0].dynamic):
            # Items the source listed: one entry each, with the function it runs.
            entries: list[Lines] = []
            for block in items:
                body = self.statements(block.nodes, frame.function("ctx"))
                run = _function(["ctx: DurableContext"], body or ["// TODO"])
                entries.append(_object([f"name: {quote(block.label or '')}"], "run", run))
            config = [*config, "itemNamer: (item: { name: string }) => item.name"]
            dispatch: Lines = ["async (ctx, { run }) => run(ctx)"]
            return _call(f"{ctx}.map", [*name, _array(entries), dispatch], config)
        label = items[0].label if items else MAP_ITEM_DEFAULT
        item, index = "item", "index"
        namer: str | None = None
        if label and label != MAP_ITEM_DEFAULT:
            item, index, namer = self.item_namer(label, frame)
        block = items[0] if items else Block(role="item")
        body = self.statements(block.nodes, frame.function("ctx", item, index))
        function = _function(["ctx", item, index], body or ["// TODO: the work for one item."])
        if namer is not None:
            config = [*config, f"itemNamer: {namer}"]
        source = self.collection(f"{item}s" if item != "item" else "items", frame)
        collection: Lines = [source]
        return _call(f"{ctx}.map", [*name, collection, function], config)

    def item_namer(self, label: str, frame: Frame) -> tuple[str, str, str]:
        """``(item, index) => ...`` naming items as ``label`` shows, and the two parameters."""
        reads = _reads(label)
        index = next((r for r in reads if r in _INDEX_NAMES), "index")
        others = [r for r in reads if r != index]
        item = (
            others[0]
            if len(others) == 1 and others[0] not in ("event", "context", "ctx")
            else "item"
        )
        inner = frame.binding(item, index)
        name = self.name_code(_name_of(label), label, True, inner)
        return item, index, f"({item}: any, {index}: number) => {name}"

    def combinator(self, node: Node, frame: Frame, name: list[Lines]) -> Lines:
        """``Promise.x`` (unnamed) or ``context.promise.x`` (named) over the operations."""
        method = _COMBINATORS[node.kind]
        owner = "Promise" if node.name is None and node.blocks else f"{frame.context}.promise"
        registry = self.registry(node, frame)
        if registry is not None:
            return _call(f"{owner}.{method}", [*name, registry], [])
        elements: list[Lines] = []
        for block in node.blocks:
            operations = [n for n in block.nodes if n.is_operation]
            if len(operations) != len(block.nodes) or len(operations) != 1:
                self.adapt("a combinator branch of several statements written as one per operation")
            elements.extend(self.operation(operation, frame) for operation in operations)
        return _call(f"{owner}.{method}", [*name, _array(elements)], [])

    def registry(self, node: Node, frame: Frame) -> Lines | None:
        """Combined operations whose branches the original named otherwise than the operations
        (a registry the branches were built from): an object of branch name to operation name,
        mapped to the operation; None when plain elements keep the names or the operations
        differ in more than their names."""
        singles = [b.nodes[0] for b in node.blocks if len(b.nodes) == 1]
        if len(singles) != len(node.blocks) or not singles:
            return None
        if all(b.label == n.label for b, n in zip(node.blocks, singles, strict=True)):
            return None
        if any(n.name is None or n.dynamic or n.blocks for n in singles):
            return None
        inner = replace(frame, name_variable="name")
        # The same call for every entry, but for its name.
        calls = [
            self.operation(replace(n, name="{}", label="the step named by name"), inner)
            for n in singles
        ]
        if len({"\n".join(flatten(call)) for call in calls}) != 1:
            return None
        entries: Lines = [
            f"{_key(b.label or '')}: {quote(n.name or '')},"
            for b, n in zip(node.blocks, singles, strict=True)
        ]
        return [
            "Object.entries({",
            Shift(entries),
            "}).map(([_key, name]) =>",
            Shift(_suffix(calls[0], ",")),
            ")",
        ]


def _reads(label: str) -> list[str]:
    """The variables the ``{...}`` parts of a label read, where TypeScript can read them."""
    split = split_label(label)
    reads: list[str] = []
    for hole in split[1] if split else []:
        found = expression(hole)
        if found is not None:
            reads.extend(r for r in found.reads if r not in reads)
    return reads


def _name_of(label: str) -> str:
    """The model name for a block label: its ``{...}`` parts as runtime holes."""
    split = split_label(label)
    if split is None:
        return label
    return "{}".join(split[0])


def _key(label: str) -> str:
    """An object key for a branch name."""
    return label if is_identifier(label) else quote(label)


# -- code pieces: Lines whose first and last entries are text ------------------------------------


def _text(line: str | Shift) -> str:
    assert isinstance(line, str), "code pieces begin and end with text"
    return line


def _prefix(prefix: str, code: Lines) -> Lines:
    return [prefix + _text(code[0]), *code[1:]]


def _suffix(code: Lines, suffix: str) -> Lines:
    return [*code[:-1], _text(code[-1]) + suffix]


def _join(parts: list[Lines], separator: str) -> Lines:
    joined: Lines = []
    for part in parts:
        if joined:
            joined[-1] = _text(joined[-1]) + separator + _text(part[0])
            joined.extend(part[1:])
        else:
            joined.extend(part)
    return joined


def _function(params: list[str], body: Lines) -> Lines:
    return [f"async ({', '.join(params)}) => {{", Shift(body), "}"]


def _object(fields: list[str], key: str, function: Lines) -> Lines:
    """``{ field, ..., key: function }`` over several lines."""
    inside: Lines = [f"{f}," for f in fields]
    inside.extend(_suffix(_prefix(f"{key}: ", function), ","))
    return ["{", Shift(inside), "}"]


def _array(elements: list[Lines]) -> Lines:
    if not elements:
        return ["[]"]
    inside: Lines = []
    for element in elements:
        inside.extend(_suffix(element, ","))
    return ["[", Shift(inside), "]"]


def _call(callee: str, args: list[Lines], config: list[str]) -> Lines:
    """A call; ``config`` fields make a last object argument (over several lines when long)."""
    all_args = list(args)
    if len(config) > 1 or sum(len(c) for c in config) > 60:
        all_args.append(["{", Shift([f"{c}," for c in config]), "}"])
    elif config:
        all_args.append([f"{{ {config[0]} }}"])
    if not all_args:
        return [f"{callee}()"]
    if all(len(arg) == 1 for arg in all_args):
        flat = [_text(arg[0]) for arg in all_args]
        if len(callee) + sum(len(a) + 2 for a in flat) > LINE_WIDTH:
            # One argument a line, as formatters write a long call.
            return [f"{callee}(", Shift([f"{a}," for a in flat]), ")"]
    return _suffix(_prefix(f"{callee}(", _join(all_args, ", ")), ")")
