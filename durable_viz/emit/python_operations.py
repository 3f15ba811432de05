"""Durable operations written as Python SDK calls: the call on the context (or ``with_retry``),
its name (a string, an f-string over declared variables, or a choice), its config, and the
functions it runs (nested in the handler when they hold operations, stubs when they do not)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from durable_viz.emit.common import name_pattern, words
from durable_viz.emit.python_config import config_argument, wait_strategy
from durable_viz.emit.python_fanout import branch_words, choice_of, namer_params, template
from durable_viz.emit.python_module import Call, Frame, Module, keyword
from durable_viz.emit.python_values import (
    duration_call,
    expression_names,
    f_string,
    identifier,
    is_identifier,
    name_words,
    note,
    py_string,
    single_quoted,
    split_label,
)
from durable_viz.graph import Block, Kind, Node

__all__ = ["Operations"]

_COMBINED_COMPLETION = {
    Kind.PROMISE_ANY: "first successful",
    Kind.PROMISE_RACE: "first successful",
    Kind.PROMISE_ALL_SETTLED: "all completed",
}


class Operations:
    """Writes operation nodes; :class:`~.python_statements.Statements` supplies blocks."""

    def __init__(self, module: Module) -> None:
        self.module = module

    def block(
        self, nodes: Sequence[Node], frame: Frame, indent: str, *, function: bool = False
    ) -> list[str]:
        raise NotImplementedError

    def predicate(self, text: str) -> str:
        raise NotImplementedError

    # -- statements ------------------------------------------------------------------------------

    def operation(self, node: Node, frame: Frame, indent: str, prefix: str = "") -> list[str]:
        """An operation as a statement (with the definitions and placeholders it needs first)."""
        pre: list[str] = []
        call = self.call(node, frame, indent, pre)
        if call is None:
            return pre
        if node.kind is Kind.CREATE_CALLBACK and not prefix:
            variable = self.module.names.take(identifier(node.name or "callback"))
            pre.append(f"{indent}# TODO: send {variable}.callback_id to whoever answers;")
            pre.append(f"{indent}# {variable}.result() waits for the answer.")
            prefix = f"{variable} = "
        return [*pre, *call.lines(indent, prefix=prefix)]

    def call(self, node: Node, frame: Frame, indent: str, pre: list[str]) -> Call | None:
        """The call expression of an operation; definitions it needs go to ``pre``."""
        ctx = frame.context
        args: list[str | Call] = []
        owner = node.name or node.label
        extra: tuple[str | Call, ...] = ()
        kind = node.kind
        head = f"{ctx}.{_METHODS.get(kind, '')}"
        if kind is Kind.STEP:
            function, decorated = self.step_function(node)
            args.append(f"{function}()" if decorated else function)
            if decorated and not node.dynamic and node.name == function:
                node = replace(node, name=None)  # the decorator names it
        elif kind is Kind.WAIT:
            duration = duration_call(node.config.get("duration"))
            if duration is None:
                duration = 'Duration.from_seconds(event["wait_seconds"])'
            self.module.use("Duration")
            args.append(duration)
        elif kind is Kind.INVOKE:
            args.append(self.text_value(node.target, frame, indent, pre, "function_name"))
            args.append("{}")
            tenant = node.config.get("tenant")
            if tenant is not None:
                extra = (f"tenant_id={self.text_value(tenant, frame, indent, pre, 'tenant')}",)
        elif kind is Kind.WAIT_FOR_CALLBACK:
            args.append(self.submitter(node, frame, indent, pre))
        elif kind is Kind.WAIT_FOR_CONDITION:
            args.append(self.check(node))
            condition = Call(
                self.module.use("WaitForConditionConfig"),
                (
                    keyword(
                        "wait_strategy",
                        wait_strategy(node.config.get("wait_strategy"), self.module),
                    ),
                    "initial_state={}",
                ),
            )
            args.append(keyword("config", condition))
        elif kind in (Kind.CHILD_CONTEXT, Kind.WITH_RETRY):
            body = node.blocks[0].nodes if node.blocks else ()
            wanted = name_words(owner, "child") if node.name is not None else identifier(node.label)
            params = ("ctx", "attempt") if kind is Kind.WITH_RETRY else ("ctx",)
            function = self.define(wanted, params, body, frame, indent, pre)
            if kind is Kind.WITH_RETRY:
                head = self.module.use("with_retry")
                args.extend([ctx, function])
            else:
                args.append(function)
        elif kind is Kind.PARALLEL or kind in _COMBINED_COMPLETION or kind is Kind.PROMISE_ALL:
            if kind is not Kind.PARALLEL:
                if not node.blocks:
                    self.module.adapt(
                        f"{node.label}: combines operations started before it; Python's SDK "
                        "runs each operation to completion, so there is nothing to join"
                    )
                    shown = note(node.label)
                    pre.append(f"{indent}# {shown}: nothing to join in Python (see above)")
                    return None
                self.module.adapt(
                    f"{node.label} ({kind.value}): written as context.parallel, "
                    "Python's SDK has no promise combinators"
                )
                completion = _COMBINED_COMPLETION.get(kind)
                node = replace(node, config={"completion": completion} if completion else {})
            head = f"{ctx}.parallel"
            args.append(self.branches(node, frame, indent, pre))
        elif kind is Kind.MAP:
            inputs, function, namer = self.map_parts(node, frame, indent, pre)
            args.extend([inputs, function])
            if namer is not None:
                extra = (f"item_namer={namer}",)
        name = self.name_value(node.name, node.label, node.dynamic, frame, indent, pre)
        if name is not None:
            args.append(f"name={name}")
        config, leftover = config_argument(
            Kind.PARALLEL if kind in _COMBINED_COMPLETION or kind is Kind.PROMISE_ALL else kind,
            node.config,
            self.module,
            owner,
            extra,
        )
        if config is not None:
            args.append(config if kind is Kind.WITH_RETRY else keyword("config", config))
        elif kind is Kind.WITH_RETRY:
            args.append(f"{self.module.use('WithRetryConfig')}()")
        if leftover:
            pre.append(f"{indent}# Not in the Python SDK's config: {note('; '.join(leftover))}")
        if kind is Kind.WITH_RETRY and name is not None:
            # with_retry takes the config before the name.
            args = [a for a in args if a != f"name={name}"] + [f"name={name}"]
        return Call(head, tuple(args))

    # -- names and values ------------------------------------------------------------------------

    def name_value(
        self,
        name: str | None,
        label: str,
        dynamic: bool,
        frame: Frame,
        indent: str,
        pre: list[str],
    ) -> str | None:
        """The Python expression of an operation name (None when it has none)."""
        if name is None:
            return None
        if not dynamic or "{}" not in name:
            return py_string(name)
        if name == "{}":
            choice = choice_of(label)
            if choice is not None:
                return self.choice(choice)
        pattern = name_pattern(name, label)
        holes = tuple(self.hole(hole, frame, indent, pre) for hole in pattern.holes)
        if pattern.texts == ("", ""):
            return holes[0]
        return f_string(pattern.texts, self.one_quote(holes, pattern.holes, frame, indent, pre))

    def text_value(
        self, text: str | None, frame: Frame, indent: str, pre: list[str], fallback: str
    ) -> str:
        """A value shown as a label (an invoke target, a tenant): literal text, a choice
        ``{a | b}``, or text with ``{expression}`` parts."""
        if text is None:
            return f"event[{py_string(fallback)}]"
        choice = choice_of(text)
        if choice is not None:
            return self.choice(choice)
        split = split_label(text)
        if split is None or not split[1]:
            return py_string(text)
        texts, raw = split
        holes = tuple(self.hole(hole, frame, indent, pre) for hole in raw)
        if texts == ("", ""):
            return holes[0]
        return f_string(texts, self.one_quote(holes, raw, frame, indent, pre))

    def one_quote(
        self,
        holes: tuple[str, ...],
        raw: tuple[str | None, ...],
        frame: Frame,
        indent: str,
        pre: list[str],
    ) -> tuple[str, ...]:
        """Holes an f-string can hold together: one using the other quote becomes a
        placeholder."""
        if not (any('"' in h for h in holes) and any("'" in h for h in holes)):
            return holes
        return tuple(
            self.placeholder(text, frame, indent, pre) if "'" in hole else hole
            for hole, text in zip(holes, raw, strict=True)
        )

    def hole(self, text: str | None, frame: Frame, indent: str, pre: list[str]) -> str:
        """The expression for a runtime part of a name: the original expression when Python
        reads it over names declared here, else a placeholder read from the input."""
        if text is not None:
            names = expression_names(text)
            if names and all(name in frame.declared for name in names):
                return single_quoted(text.strip())
        return self.placeholder(text, frame, indent, pre)

    def placeholder(self, text: str | None, frame: Frame, indent: str, pre: list[str]) -> str:
        """A local read from the input standing for a value the original computed."""
        key = text or ""
        known = frame.placeholders.get(key)
        if known is not None:
            return known
        wanted = identifier(key or "value")
        module = self.module
        variable = wanted if wanted in module.variables else module.names.take(wanted)
        comment = f"  # TODO: {note(text)}" if text else "  # TODO"
        field = "_".join(words(key)) or variable  # the input field, named as the original did
        pre.append(f"{indent}{variable} = event[{py_string(field)}]{comment}")
        frame.placeholders[key] = variable
        frame.declared.add(variable)
        return variable

    def choice(self, choice: tuple[str | None, str | None]) -> str:
        """``"a" if use_a(event) else "b"`` for a name chosen at run time between two."""
        first, second = choice
        predicate = self.predicate(f"use {first}")
        left = py_string(first) if first is not None else "None"
        right = py_string(second) if second is not None else "None"
        return f"{left} if {predicate}(event) else {right}"

    # -- functions operations run ----------------------------------------------------------------

    def step_function(self, node: Node) -> tuple[str, bool]:
        """The stub a step runs and whether it is a ``@durable_step`` (it is when the step is
        named: an unnamed step must run a plain function, which the SDK records no name for)."""
        module = self.module
        step_context = module.use("StepContext")
        any_type = module.use("Any")
        if node.name is None:

            def plain(name: str) -> list[str]:
                return [
                    f"def {name}(step_context: {step_context}) -> {any_type}:",
                    f"    # TODO: the work of this step ({note(node.label)}).",
                    "    return None",
                ]

            wanted = identifier(node.label, fallback="step")
            return module.stub("steps", f"unnamed:{node.label}", wanted, plain), False

        def decorated(name: str) -> list[str]:
            return [
                f"@{module.use('durable_step')}",
                f"def {name}(step_context: {step_context}) -> {any_type}:",
                f"    # TODO: the work of step {_quote_comment(node.label)}.",
                "    return None",
            ]

        if not node.dynamic and is_identifier(node.name) and node.name not in module.names:
            wanted = node.name
        elif node.name.replace("{}", "").strip():
            wanted = name_words(node.name, "step")
        else:  # a name wholly computed: what computes it names the function
            wanted = identifier(node.label, fallback="step")
        return module.stub("steps", f"named:{node.name}", wanted, decorated), True

    def submitter(self, node: Node, frame: Frame, indent: str, pre: list[str]) -> str:
        """The function a ``wait_for_callback`` runs to send the callback id."""
        body = node.blocks[0].nodes if node.blocks else ()
        wanted = "submit_" + name_words(node.name or node.label, "callback")
        if body:
            return self.define(wanted, ("callback_id", "ctx"), body, frame, indent, pre)
        module = self.module
        context_type = module.use("WaitForCallbackContext")

        def make(name: str) -> list[str]:
            return [
                f"def {name}(callback_id: str, callback_context: {context_type}) -> None:",
                f"    # TODO: send callback_id to whoever completes {_quote_comment(node.label)}.",
                "    return None",
            ]

        return module.stub("callbacks", f"submit:{node.name}:{node.label}", wanted, make)

    def check(self, node: Node) -> str:
        """The check function a ``wait_for_condition`` polls with."""
        module = self.module
        context_type = module.use("WaitForConditionCheckContext")
        any_type = module.use("Any")

        def make(name: str) -> list[str]:
            return [
                f"def {name}(state: {any_type}, check_context: {context_type}) -> {any_type}:",
                f"    # TODO: check on {_quote_comment(node.label)}; return the new state.",
                "    return state",
            ]

        wanted = "check_" + name_words(node.name or node.label, "condition")
        return module.stub("callbacks", f"check:{node.name}:{node.label}", wanted, make)

    def define(
        self,
        wanted: str,
        params: tuple[str, ...],
        nodes: Sequence[Node],
        frame: Frame,
        indent: str,
        pre: list[str],
        types: dict[str, str] | None = None,
    ) -> str:
        """A function nested where the operation stands, running ``nodes`` on its context
        parameter ``ctx``; returns its name. ``types`` gives a parameter a type of its own."""
        module = self.module
        if wanted in module.variables:  # the original's variable keeps its name
            wanted = f"{wanted}_body"
        name = module.names.take(wanted)
        inner = frame.nested("ctx", params)
        body = self.block(nodes, inner, indent + "    ", function=True)
        if nodes and nodes[-1].kind is Kind.RETURN:
            body.append(f"{indent}    return None")  # keeps the early return above drawn
        typed = tuple(
            f"{p}: {types[p]}" if types and p in types else _typed(p, module) for p in params
        )
        signature = Call(f"def {name}", typed)
        pre.extend([*signature.lines(indent, suffix=f" -> {module.use('Any')}:"), *body, ""])
        return name

    # -- parallel and map ------------------------------------------------------------------------

    def branches(self, node: Node, frame: Frame, indent: str, pre: list[str]) -> Call:
        """The list of branches of a parallel (a comprehension for one branch per item)."""
        blocks = node.blocks
        if len(blocks) == 1 and blocks[0].dynamic:
            return self.branch_per_item(blocks[0], frame, indent, pre)
        elements: list[str] = []
        for index, block in enumerate(blocks):
            label = block.label or f"parallel-branch-{index}"
            default = label == f"parallel-branch-{index}" and not block.dynamic
            wanted = identifier(branch_words(block, default), fallback="branch")
            if default:
                wanted += "_branch"  # named after its operation, which names a stub too
            function = self.define(wanted, ("ctx",), block.nodes, frame, indent, pre)
            if default:
                elements.append(function)
            else:
                value = self.block_label(block, frame, indent, pre)
                elements.append(f"{self.module.use('ParallelBranch')}({function}, {value})")
        return Call("", tuple(elements), "[]")

    def block_label(self, block: Block, frame: Frame, indent: str, pre: list[str]) -> str:
        """A branch name: a string, or an f-string for a dynamic one."""
        label = block.label or ""
        if not block.dynamic:
            return py_string(label)
        return self.text_value(label, frame, indent, pre, "branch_name")

    def branch_per_item(self, block: Block, frame: Frame, indent: str, pre: list[str]) -> Call:
        """``[ParallelBranch(make_branch(x), f"...") for x in event["xs"]]``: one branch per
        item of a collection, each built by a factory nested here."""
        module = self.module
        label = block.label or "parallel-branch-{i}"
        split = split_label(label)
        variable = "item"
        if label != "parallel-branch-{i}" and split is not None:
            for hole in split[1]:
                names = expression_names(hole)
                if names and names[0] not in (frame.context, "event", "ctx"):
                    variable = names[0]
                    break
        factory = module.names.take(identifier(branch_words(block, False)) + "_branch")
        function = module.names.take("run_branch")
        inner = frame.nested("ctx", ("ctx", variable))
        body = self.block(block.nodes, inner, indent + "        ", function=True)
        any_type = module.use("Any")
        pre.extend(
            [
                f"{indent}def {factory}({variable}: {any_type}) -> {any_type}:",
                f"{indent}    def {function}(ctx: {module.use('DurableContext')}) -> {any_type}:",
                *body,
                "",
                f"{indent}    return {function}",
                "",
            ]
        )
        element = f"{factory}({variable})"
        if label != "parallel-branch-{i}":
            each = frame.nested(frame.context, (variable,))
            value = self.text_value(label, each, indent, pre, "branch_name")
            element = f"{module.use('ParallelBranch')}({element}, {value})"
        loop = f"for {variable} in event[{py_string(variable + 's')}]"
        return Call("", (element, loop), "[]", comprehension=True)

    def map_parts(
        self, node: Node, frame: Frame, indent: str, pre: list[str]
    ) -> tuple[str, str, str | None]:
        """A map's inputs, item function and item namer (None for the SDK's default)."""
        item, index = namer_params(node.config.get("item_namer"))
        blocks = node.blocks
        dynamic = [b for b in blocks if b.dynamic]
        namer: str | None = None
        if dynamic or not blocks:
            block = dynamic[0] if dynamic else Block(role="item", label="map-item-{i}")
            if len(blocks) > 1:
                self.module.adapt(f"{node.label}: one item body drawn for several")
            label = block.label or "map-item-{i}"
            if label != "map-item-{i}":
                namer = self.namer(label, item, index)
            nodes: Sequence[Node] = block.nodes
            inputs = f"event[{py_string(name_words(node.name or node.label, 'items') + '_items')}]"
        else:
            folded = template([b.label or "" for b in blocks], [b.nodes for b in blocks], item)
            if folded is None:
                self.module.adapt(
                    f"{node.label}: its items run different operations; "
                    "the first item's are written for every item"
                )
                values, prefix, suffix = [b.label or "" for b in blocks], "", ""
                nodes = blocks[0].nodes
            else:
                values, prefix, suffix, nodes = folded
            if prefix or suffix:
                namer = f"lambda {item}, {index}: " + f_string((prefix, suffix), (item,))
            inputs = "[" + ", ".join(py_string(v) for v in values) + "]"
        function = self.define(
            name_words(node.name or node.label, "map") + "_item",
            ("ctx", item, index, "items"),
            nodes,
            frame,
            indent,
            pre,
            types={index: "int"},
        )
        return inputs, function, namer

    def namer(self, label: str, item: str, index: str) -> str:
        """``lambda item, index: f"..."`` naming each item as ``label`` says."""
        split = split_label(label)
        if split is None:
            return f"lambda {item}, {index}: {py_string(label)}"
        texts, raw = split
        declared = {item, index}
        holes: list[str] = []
        for hole in raw:
            names = expression_names(hole)
            usable = names is not None and names and all(n in declared for n in names)
            holes.append(single_quoted(hole.strip()) if usable else item)
        if any('"' in h for h in holes) and any("'" in h for h in holes):
            holes = [item if "'" in h else h for h in holes]
        return f"lambda {item}, {index}: " + f_string(texts, tuple(holes))


_METHODS = {
    Kind.STEP: "step",
    Kind.WAIT: "wait",
    Kind.INVOKE: "invoke",
    Kind.CREATE_CALLBACK: "create_callback",
    Kind.WAIT_FOR_CALLBACK: "wait_for_callback",
    Kind.WAIT_FOR_CONDITION: "wait_for_condition",
    Kind.CHILD_CONTEXT: "run_in_child_context",
    Kind.MAP: "map",
    Kind.PARALLEL: "parallel",
}


def _typed(param: str, module: Module) -> str:
    if param == "ctx":
        return f"ctx: {module.use('DurableContext')}"
    if param == "callback_id":
        return "callback_id: str"
    if param == "attempt":
        return "attempt: int"
    if param == "items":
        return f"items: list[{module.use('Any')}]"
    return f"{param}: {module.use('Any')}"


def _quote_comment(text: str) -> str:
    return '"' + note(text) + '"'
