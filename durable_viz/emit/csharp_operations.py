"""Operation nodes as ``IDurableContext`` calls: ``await ctx.StepAsync(...)`` and the rest, with
their names, config, and the functions they run (parallel branches, map items, child context
bodies, submitters) written out as lambdas."""

from __future__ import annotations

from dataclasses import dataclass

from durable_viz.emit.common import pascal, words
from durable_viz.emit.csharp_config import (
    completion,
    config_object,
    number,
    retry,
    timespan,
    wait_strategy,
)
from durable_viz.emit.csharp_shapes import COMBINATORS, entries, generalized
from durable_viz.emit.csharp_text import (
    Lines,
    Names,
    call,
    comment,
    expression_root,
    indent,
    literal,
    split_label,
)
from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import MAP_ITEM_DEFAULT, PARALLEL_BRANCH_DEFAULT

__all__ = ["Frame", "Operations"]

RESULT = "string"
"""The type every generated function returns: a placeholder the developer replaces."""


@dataclass(frozen=True, slots=True)
class Frame:
    """Where code is being written.

    Attributes:
        ctx: the variable holding the durable context.
        returns: what a ``return`` gives back: ``value`` (a placeholder string) or ``none``.
        switch: the key of the switch a plain ``break`` leaves here, if any.
        loop: the key of the innermost loop, if any (see ``_Emitter.targets``).
        catch: the exception variable of the catch clause being written, if any.
    """

    ctx: str
    returns: str = "value"
    switch: str | None = None
    loop: str | None = None
    catch: str | None = None


def _lambda(params: str, body: Lines) -> Lines:
    return [f"async ({params}) =>", "{", *indent(body), "}"]


def _todo(text: str) -> str:
    return f"// TODO: {comment(text)}"


_STEP_SETTINGS = {
    "retry": ("RetryStrategy", retry),
    "semantics": ("Semantics", lambda v: _member("StepSemantics", v)),
}
_CALLBACK_SETTINGS = {
    "timeout": ("Timeout", timespan),
    "heartbeat_timeout": ("HeartbeatTimeout", timespan),
}
_WAIT_FOR_CALLBACK_SETTINGS = {**_CALLBACK_SETTINGS, "retry": ("RetryStrategy", retry)}
_CONCURRENT_SETTINGS = {
    "max_concurrency": ("MaxConcurrency", number),
    "completion": ("CompletionConfig", completion),
    "nesting": ("NestingType", lambda v: _member("NestingType", v)),
}


_INDEX_NAMES = frozenset({"i", "index", "idx"})


def _member(owner: str, text: str) -> str | None:
    """``StepSemantics.AtMostOncePerRetry`` for ``at most once per retry``."""
    if not words(text):
        return None
    return f"{owner}.{pascal(text, fallback='Default')}"


class Operations:
    """The operation half of the C# emitter (see :mod:`durable_viz.emit.csharp`)."""

    names: Names
    notes: list[str]

    def function(self, nodes: tuple[Node, ...], frame: Frame) -> Lines:
        """The body of a function the SDK runs, ending with its placeholder ``return``."""
        raise NotImplementedError

    # -- entry -----------------------------------------------------------------------------------

    def operation(self, node: Node, frame: Frame) -> Lines:
        """An operation as a statement."""
        if node.kind in (
            Kind.PROMISE_ALL,
            Kind.PROMISE_ANY,
            Kind.PROMISE_RACE,
            Kind.PROMISE_ALL_SETTLED,
        ):
            return self.combinator(node, frame)
        before: Lines = []
        expression = self.expression(node, frame, before)
        if node.kind is Kind.CREATE_CALLBACK:
            variable = self.names.local("callback")
            expression[0] = f"var {variable} = await {expression[0]}"
            after = [_todo(f"hand {variable}.CallbackId to the system that completes it")]
            return [*before, *expression[:-1], expression[-1] + ";", *after]
        expression[0] = f"await {expression[0]}"
        expression[-1] += ";"
        return [*before, *expression]

    def expression(self, node: Node, frame: Frame, before: Lines) -> Lines:
        """An operation as a call expression (no ``await``, no ``;``); statements it needs
        first (a list of branches) go to ``before``."""
        ctx = frame.ctx
        config = dict(node.config)
        name = self.names.name(node.name, node.label, node.dynamic)
        named = [[f"name: {name}"]] if name is not None else []
        kind = node.kind
        if kind is Kind.STEP:
            settings = config_object("StepConfig", config, _STEP_SETTINGS)
            body = [_todo(node.label), f"return {literal(node.label)};"]
            args = [_lambda("_, ct", body), *named, *self._config(settings)]
            return call(f"{ctx}.StepAsync", args, "")
        if kind is Kind.WAIT:
            duration = timespan(config.get("duration", "")) or self.names.stub(
                "how long to wait", "TimeSpan", "WaitTime"
            )
            return call(f"{ctx}.WaitAsync", [[duration], *named], "")
        if kind is Kind.INVOKE:
            target = (
                self.names.target(node.target)
                if node.target is not None
                else self.names.stub("the function to invoke", "string", "FunctionName")
            )
            tenant = config.get("tenant")
            extra = [f"TenantId = {self.names.label(tenant)},"] if tenant is not None else None
            settings = config_object("InvokeConfig", {}, {}, extra)
            args = [[target], ["input"], *named, *self._config(settings)]
            return call(f"{ctx}.InvokeAsync<WorkflowInput, {RESULT}>", args, "")
        if kind in (Kind.CHILD_CONTEXT, Kind.WITH_RETRY):
            return self.child_context(node, frame, named, config, before)
        if kind is Kind.CREATE_CALLBACK:
            settings = config_object("CallbackConfig", config, _CALLBACK_SETTINGS)
            return call(
                f"{ctx}.CreateCallbackAsync<{RESULT}>", [*named, *self._config(settings)], ""
            )
        if kind is Kind.WAIT_FOR_CALLBACK:
            return self.wait_for_callback(node, frame, named, config)
        if kind is Kind.WAIT_FOR_CONDITION:
            strategy = wait_strategy(config.get("wait_strategy", "exponential polling"))
            settings = [
                f"new WaitForConditionConfig<{RESULT}>",
                "{",
                '    InitialState = "pending",',
                f"    WaitStrategy = {strategy},",
                "}",
            ]
            body = [
                _todo(f"check whether {node.label} is done; return the new state"),
                "return state;",
            ]
            args = [_lambda("state, check, ct", body), settings, *named]
            return call(f"{ctx}.WaitForConditionAsync<{RESULT}>", args, "")
        if kind is Kind.MAP:
            return self.map(node, frame, named, config)
        if kind is Kind.PARALLEL:
            return self.parallel(node, frame, named, config, before)
        self.notes.append(f"{kind.value} has no C# form; written as a step")
        return call(f"{ctx}.StepAsync", [_lambda("_, ct", [f"return {literal(node.label)};"])], "")

    @staticmethod
    def _config(settings: Lines | None) -> list[Lines]:
        if settings is None:
            return []
        return [["config: " + settings[0], *settings[1:]]]

    def block_of(self, node: Node, role: str) -> Block | None:
        """The node's first block with that role."""
        return next((b for b in node.blocks if b.role == role), None)

    # -- operations that run functions -----------------------------------------------------------

    def child_context(
        self,
        node: Node,
        frame: Frame,
        named: list[Lines],
        config: dict[str, str],
        lines: Lines,
    ) -> Lines:
        """``RunInChildContextAsync``; a retry block (``with_retry`` in other SDKs) too."""
        if node.kind is Kind.WITH_RETRY:
            self.notes.append(
                "with_retry written as a child context (the .NET SDK has no retry helper)"
            )
            shown = config.get("retry")
            lines.append(
                "// The .NET SDK has no retry helper: the source retried this block"
                + (f" ({shown})." if shown else ".")
            )
            lines.append("// Give its steps a StepConfig.RetryStrategy instead.")
        ctx = self.names.scoped("childCtx")
        block = self.block_of(node, "body")
        body = self.function(block.nodes if block else (), Frame(ctx))
        extra = (
            [f"SubType = {self.names.label(config['sub_type'])},"] if "sub_type" in config else None
        )
        settings = config_object("ChildContextConfig", {}, {}, extra)
        args = [_lambda(f"{ctx}, ct", body), *named, *self._config(settings)]
        return call(f"{frame.ctx}.RunInChildContextAsync", args, "")

    def wait_for_callback(
        self, node: Node, frame: Frame, named: list[Lines], config: dict[str, str]
    ) -> Lines:
        """``WaitForCallbackAsync`` with its submitter."""
        callback_id = self.names.scoped("callbackId")
        ctx = self.names.scoped("submitCtx")
        block = self.block_of(node, "body")
        body = [_todo(f"send {callback_id} to the system that completes the callback")]
        if block is not None and block.nodes:
            body.extend(self.function(block.nodes, Frame(ctx, returns="none")))
        else:
            body.append("await Task.CompletedTask;")
        settings = config_object("WaitForCallbackConfig", config, _WAIT_FOR_CALLBACK_SETTINGS)
        args = [_lambda(f"{callback_id}, {ctx}, ct", body), *named, *self._config(settings)]
        return call(f"{frame.ctx}.WaitForCallbackAsync<{RESULT}>", args, "")

    def map(self, node: Node, frame: Frame, named: list[Lines], config: dict[str, str]) -> Lines:
        """``MapAsync`` over a placeholder collection, or over the entries its items are named
        after when the source mapped a collection it wrote out."""
        items = [b for b in node.blocks if b.role == "item"]
        if not items:
            # Mapped over nothing (an empty collection in the source).
            function = _lambda("itemCtx, item, index, all, ct", ['return "done";'])
            args = [["new string[] { }"], function, *named]
            return call(f"{frame.ctx}.MapAsync", args, "")
        first = items[0]
        ctx = self.names.scoped("itemCtx")
        namer: str | None = None
        nodes = first.nodes
        self.names.variables.append(set())
        try:
            static = entries(items) if items and not any(b.dynamic for b in items) else None
            if static is not None:
                prefix, values, suffix = static
                item = self.names.binder([prefix.strip("-_:/ ") or None], "item")
                index = "index"
                collection = "new[] { " + ", ".join(literal(v) for v in values) + " }"
                self.names.variables[-1].update({item, index})
                if prefix or suffix or "item_namer" in config:
                    written = self.names.interpolated((prefix, suffix), (item,))
                    namer = f"({item}, index) => {written}"
                general = generalized([b.nodes for b in items], values, item)
                if general is None:
                    self.notes.append("map items with different bodies written with the first's")
                else:
                    nodes = general
            else:
                collection = self.names.stub(
                    f"items of {node.label}", "IReadOnlyList<string>", "Items"
                )
                label = first.label or MAP_ITEM_DEFAULT
                split = split_label(label) if label != MAP_ITEM_DEFAULT else None
                holes = split[1] if split else ()
                roots = [expression_root(h) for h in holes]
                index = next((r for r in roots if r in _INDEX_NAMES), None) or "index"
                others = [h for h, r in zip(holes, roots, strict=True) if r != index]
                item = self.names.binder([*others, *self.holes(first.nodes)], "item")
                self.names.variables[-1].update({item, index})
                if split is not None:
                    namer = f"({item}, {index}) => {self.names.interpolated(*split)}"
            body = self.function(nodes, Frame(ctx))
        finally:
            self.names.variables.pop()
        extra = [f"ItemNamer = {namer},"] if namer is not None else None
        settings = config_object("MapConfig<string>", config, _CONCURRENT_SETTINGS, extra)
        args = [
            [collection],
            _lambda(f"{ctx}, {item}, {index}, all, ct", body),
            *named,
            *self._config(settings),
        ]
        return call(f"{frame.ctx}.MapAsync", args, "")

    def parallel(
        self,
        node: Node,
        frame: Frame,
        named: list[Lines],
        config: dict[str, str],
        before: Lines,
    ) -> Lines:
        """``ParallelAsync`` over an array of branches, or a list filled in a loop when some
        branch is built at run time."""
        branches = [b for b in node.blocks if b.role == "branch"]
        settings = config_object("ParallelConfig", config, _CONCURRENT_SETTINGS)
        if any(b.dynamic for b in branches):
            collection = self.names.local("branches")
            before.append(f"var {collection} = new List<DurableBranch<{RESULT}>>();")
            for branch in branches:
                before.extend(self.dynamic_branch(collection, branch))
            args = [[collection], *named, *self._config(settings)]
            return call(f"{frame.ctx}.ParallelAsync", args, "")
        unnamed = all(
            b.label == PARALLEL_BRANCH_DEFAULT.replace("{i}", str(i))
            for i, b in enumerate(branches)
        )
        elements: list[Lines] = []
        for branch in branches:
            ctx = self.names.scoped("branchCtx")
            function = _lambda(f"{ctx}, ct", self.function(branch.nodes, Frame(ctx)))
            if unnamed:
                elements.append(function)
            else:
                head = f"new({literal(branch.label or '')}, {function[0]}"
                elements.append([head, *function[1:-1], function[-1] + ")"])
        element_type = (
            f"Func<IDurableContext, CancellationToken, Task<{RESULT}>>"
            if unnamed
            else f"DurableBranch<{RESULT}>"
        )
        array = [f"new {element_type}[]", "{"]
        for element in elements:
            array.extend(indent([*element[:-1], element[-1] + ","]))
        array.append("}")
        return call(f"{frame.ctx}.ParallelAsync", [array, *named, *self._config(settings)], "")

    def dynamic_branch(self, collection: str, branch: Block) -> Lines:
        """``branches.Add(new(...))``: in a loop when the branch is one of many built at run
        time."""
        label = branch.label or PARALLEL_BRANCH_DEFAULT
        split = split_label(label) if branch.dynamic else None
        ctx = self.names.scoped("branchCtx")
        self.names.variables.append(set())
        try:
            loop_variable: str | None = None
            if branch.dynamic:
                holes = list(split[1]) if split else []
                loop_variable = self.names.binder([*holes, *self.holes(branch.nodes)], "entry")
                self.names.variables[-1].add(loop_variable)
            name = self.names.label(label, branch.dynamic)
            function = _lambda(f"{ctx}, ct", self.function(branch.nodes, Frame(ctx)))
        finally:
            self.names.variables.pop()
        add = [f"{collection}.Add(new({name}, {function[0]}", *function[1:-1], function[-1] + "));"]
        if loop_variable is None:
            return add
        source = self.names.stub(
            f"the values the branches {label} are built from",
            "IReadOnlyList<string>",
            "Entries",
            name=f"{loop_variable}s",
        )
        return [f"foreach (var {loop_variable} in {source})", "{", *indent(add), "}"]

    def combinator(self, node: Node, frame: Frame, tasks: list[str] | None = None) -> Lines:
        """``Task.WhenAll``/``WhenAny`` over durable tasks (the SDK's analyzer flags it, DE004;
        written because the source combined them so)."""
        method = (
            "WhenAll" if node.kind in (Kind.PROMISE_ALL, Kind.PROMISE_ALL_SETTLED) else "WhenAny"
        )
        if node.kind in (Kind.PROMISE_RACE, Kind.PROMISE_ALL_SETTLED):
            self.notes.append(f"{node.kind.value} written as Task.{method}")
        lines = [
            f"// Durable tasks joined with Task.{method}, as the source did: the SDK's analyzer",
            "// flags this (DE004); ParallelAsync is the durable way.",
        ]
        if node.name is not None:
            self.notes.append(f"the name of {node.kind.value} {node.label!r} dropped")
        args: list[Lines] = [[task] for task in tasks or []]
        for block in node.blocks:
            operations = [n for n in block.nodes if n.is_operation]
            if operations and block.label != operations[0].label:
                self.notes.append(
                    f"combined branch {block.label!r} named after {operations[0].label!r}"
                )
            if (
                len(block.nodes) == 1
                and operations
                and operations[0].kind not in COMBINATORS
                and operations[0].kind is not Kind.CREATE_CALLBACK
            ):
                args.append(self.expression(operations[0], frame, lines))
                continue
            helper = self.names.ids.take(pascal(block.label or "branch", fallback="Branch"))
            body = self.function(block.nodes, Frame(frame.ctx))
            lines.extend([f"async Task<{RESULT}> {helper}()", "{", *indent(body), "}"])
            args.append([f"{helper}()"])
        if not args:
            self.notes.append(f"{node.kind.value} over tasks created earlier: not written")
            lines.append(_todo(f"{node.label}: {'; '.join(node.annotations)}"))
            return lines
        return [*lines, *call(f"await Task.{method}", args)]

    # -- names inside a function ----------------------------------------------------------------

    def holes(self, nodes: tuple[Node, ...]) -> list[str | None]:
        """The runtime parts of the operation names inside ``nodes``, in order."""
        found: list[str | None] = []
        stack = list(reversed(nodes))
        while stack:
            node = stack.pop()
            if node.dynamic and node.name is not None:
                split = split_label(node.label)
                found.extend(split[1] if split else [None])
            for block in reversed(node.blocks):
                stack.extend(reversed(block.nodes))
        return found
