"""Durable operations written as ``DurableContext`` calls: names (literal, or concatenations over
variables the code declares), config builders, the lambdas the SDK calls with a child context,
parallel builders in a try-with-resources, map items and ``DurableFuture`` combinators."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from durable_viz.emit.java_code import doc_text
from durable_viz.emit.java_config import config_for
from durable_viz.emit.java_flow import completes
from durable_viz.emit.java_values import (
    ITEM_TYPE,
    attach,
    chain,
    duration,
    item_values,
    placeholder_name,
    quote,
    split_label,
    varying_names,
    with_namer,
)
from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import MAP_ITEM_DEFAULT, PARALLEL_BRANCH_DEFAULT

if TYPE_CHECKING:
    from durable_viz.emit.java import Env, _Writer

__all__ = ["ASYNC_KINDS", "COMBINATOR_KINDS", "Operations"]

INDENT = "    "

ASYNC_KINDS = frozenset(
    {
        Kind.STEP,
        Kind.WAIT,
        Kind.INVOKE,
        Kind.CHILD_CONTEXT,
        Kind.MAP,
        Kind.WITH_RETRY,
        Kind.WAIT_FOR_CALLBACK,
        Kind.WAIT_FOR_CONDITION,
        Kind.CREATE_CALLBACK,
    }
)
COMBINATORS = {
    Kind.PROMISE_ALL: "allOf",
    Kind.PROMISE_ALL_SETTLED: "allOf",
    Kind.PROMISE_ANY: "anyOf",
    Kind.PROMISE_RACE: "anyOf",
}
COMBINATOR_KINDS = frozenset(COMBINATORS)

_INDEX_NAMES = frozenset({"i", "idx", "index", "n", "j", "k", "position"})


class Operations:
    """Writes operation nodes for a :class:`~durable_viz.emit.java._Writer`."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        # Names of a map's item body written over the item variable, by node id.
        self.overrides: dict[int, str] = {}

    # -- names -----------------------------------------------------------------------------------

    def hole(self, text: str | None, env: Env) -> str:
        """A Java expression for a runtime part of a name, over variables the code declares."""
        declarations = self.writer.declarations
        found = chain(text)
        method = env.method
        if found is not None:
            visible = env.variables.get(found.root)
            if visible is not None and (visible[1] == ITEM_TYPE or not found.members):
                root = visible[0]
            elif found.root in method.by_text:
                root = method.by_text[found.root]
            else:
                root = self.writer.placeholder(found.root)
                method.by_text[found.root] = root
                method.placeholders[root] = f"where {found.root} comes from"
            if found.members:
                declarations.item(found.members)
            else:
                declarations.uses_item_type = True
            tail = "".join(f".{m}()" if called else f".{m}" for m, called in found.members)
            return root + tail
        key = text or ""
        if key not in method.by_text:
            name = self.writer.placeholder(placeholder_name(text))
            method.by_text[key] = name
            method.placeholders[name] = f"the value of {text}" if text else "a runtime value"
        declarations.uses_item_type = True
        return method.by_text[key]

    def concatenation(self, texts: list[str], holes: list[str | None], env: Env) -> str:
        """``"a-" + x + "-b"``: texts and runtime parts joined."""
        parts: list[tuple[str, bool]] = []
        for index, text in enumerate(texts):
            if text:
                parts.append((quote(text), True))
            if index < len(holes):
                parts.append((self.hole(holes[index], env), False))
        if not parts:
            return '""'
        if len(parts) == 1:
            expression, is_text = parts[0]
            return expression if is_text else f"String.valueOf({expression})"
        if not parts[0][1] and not parts[1][1]:
            parts.insert(0, ('""', True))
        return " + ".join(p for p, _ in parts)

    def name(self, node: Node, env: Env, override: str | None = None) -> str:
        """The name argument of an operation call."""
        if override is not None:
            return override
        if id(node) in self.overrides:
            return self.overrides[id(node)]
        if node.name is None:
            return "null"
        if not node.dynamic or "{}" not in node.name:
            return quote(node.name)
        texts = node.name.split("{}")
        label_texts, label_holes = split_label(node.label)
        holes: list[str | None] = [None] * (len(texts) - 1)
        if list(label_texts) == texts:
            holes = list(label_holes)
        return self.concatenation(texts, holes, env)

    def label_name(self, label: str, env: Env) -> str:
        """A branch name written from its (dynamic) label."""
        texts, holes = split_label(label)
        return self.concatenation(list(texts), list(holes), env)

    # -- statements ------------------------------------------------------------------------------

    def statement(self, node: Node, env: Env, ind: int) -> list[str]:
        """An operation as a statement."""
        pad = INDENT * ind
        config = config_for(node.kind, node.config)
        self.writer.declarations.stubs.update(config.stubs)
        self.writer.declarations.constants.update(config.constants)
        notes = [f"{pad}// {doc_text(note)}" for note in config.dropped]
        if node.kind is Kind.PARALLEL:
            return [*notes, *self.parallel(node, env, ind, config.expression)]
        if node.kind in COMBINATORS:
            return [*notes, *self.combinator(node, env, ind)]
        future = self.writer.futures.get(id(node))
        if future is not None:  # combined later by allOf/anyOf
            is_async = node.kind is not Kind.CREATE_CALLBACK
            lines = self.call(node, env, ind, config.expression, is_async=is_async)
            lines[0] = f"{pad}var {future} = {lines[0].lstrip()}"
            lines[-1] += ";"
            return [*notes, *lines]
        lines = self.call(node, env, ind, config.expression, is_async=False)
        if node.kind is Kind.CREATE_CALLBACK:
            variable = self.writer.local("callback", env)
            env.names.add(variable)
            lines[0] = f"{pad}var {variable} = {lines[0].lstrip()}"
            lines[-1] += ";"
            lines.append(
                f"{pad}// TODO: hand {variable}.callbackId() to the system that answers, "
                f"then wait for it with {variable}.get()"
            )
            return [*notes, *lines]
        lines[-1] += ";"
        return [*notes, *lines]

    def call(
        self,
        node: Node,
        env: Env,
        ind: int,
        config: str | None,
        *,
        is_async: bool,
        name: str | None = None,
    ) -> list[str]:
        """``context.step(...)`` and its kin as lines (the first at ``ind``, no ``;``)."""
        pad = INDENT * ind
        inner_pad = INDENT * (ind + 1)
        ctx = env.context
        suffix = "Async" if is_async else ""
        written = self.name(node, env, name)

        def done(lines: list[str]) -> list[str]:
            return attach(lines, ", " if config else "", config, ")", ind)

        kind = node.kind
        if kind is Kind.STEP:
            return done(
                [
                    f"{pad}{ctx}.step{suffix}({written}, Object.class, stepCtx -> {{",
                    f"{inner_pad}// TODO: the work of {doc_text(node.label)}",
                    f"{inner_pad}return null;",
                    f"{pad}}}",
                ]
            )
        if kind is Kind.WAIT:
            shown = duration(node.config.get("duration"))
            if shown is None:
                self.writer.declarations.stubs.add("waitTime")
                shown = "waitTime()"
            return [f"{pad}{ctx}.wait{suffix}({written}, {shown})"]
        if kind is Kind.INVOKE:
            return done(
                [
                    f"{pad}{ctx}.invoke{suffix}({written}, {self.target(node, env)}, "
                    "input, Object.class"
                ]
            )
        if kind is Kind.CREATE_CALLBACK:
            return done([f"{pad}{ctx}.createCallback({written}, String.class"])
        if kind is Kind.WAIT_FOR_CONDITION:
            return done(
                [
                    f"{pad}{ctx}.waitForCondition{suffix}({written}, Object.class, "
                    "(state, stepCtx) -> {",
                    f"{inner_pad}// TODO: check {doc_text(node.label)}; poll until it holds",
                    f"{inner_pad}return WaitForConditionResult.stopPolling(state);",
                    f"{pad}}}",
                ]
            )
        if kind is Kind.WAIT_FOR_CALLBACK:
            submitter = node.blocks[0].nodes if node.blocks else ()
            callback_id = self.writer.local("callbackId", env)
            step_ctx = self.writer.local("stepCtx", env) if submitter else "stepCtx"
            # The submitter runs as a step: operations the model puts there use the outer
            # context, the one the parser reads them on.
            inner = env.inner(ctx, "", callback_id, step_ctx)
            inner.depth = env.depth
            submitted = self.writer.block(submitter, inner, ind + 1)
            return done(
                [
                    f"{pad}{ctx}.waitForCallback{suffix}({written}, String.class, "
                    f"({callback_id}, {step_ctx}) -> {{",
                    f"{inner_pad}// TODO: send {callback_id} to the system that answers",
                    *submitted,
                    f"{pad}}}",
                ]
            )
        if kind in (Kind.CHILD_CONTEXT, Kind.WITH_RETRY):
            child = self.context_name(env)
            attempt = self.writer.local("attempt", env) if kind is Kind.WITH_RETRY else ""
            inner = env.inner(child, "null", child, attempt)
            body = node.blocks[0].nodes if node.blocks else ()
            lines = self.writer.block(body, inner, ind + 1)
            if completes(body):
                lines.append(f"{inner_pad}return null;")
            if kind is Kind.CHILD_CONTEXT:
                head = f"{ctx}.runInChildContext{suffix}({written}, Object.class, {child} -> {{"
            else:
                head = f"{ctx}.withRetry{suffix}({written}, ({attempt}, {child}) -> {{"
            return done([f"{pad}{head}", *lines, f"{pad}}}"])
        if kind is Kind.MAP:
            lines, config = self.map(node, env, ind, config, suffix, written)
            return done(lines)
        return [f"{pad}// {kind.value} {doc_text(node.label)}: no Java form"]

    def context_name(self, env: Env) -> str:
        """The context parameter of a lambda one level deeper."""
        return self.writer.local("ctx", env)

    def target(self, node: Node, env: Env) -> str:
        """What an invoke calls: a literal, a choice between two, or a runtime value."""
        target = node.target
        if target is None:
            return "null"
        texts, holes = split_label(target)
        if not holes:
            return quote(target)
        if texts == ("", "") and " | " in holes[0]:
            first, second = holes[0].split(" | ", 1)
            if "{" not in first + second and "|" not in second:
                choose = self.writer.declarations.predicate(f"which function: {target}")
                return f"{choose}(input) ? {quote(first)} : {quote(second)}"
        return self.concatenation(list(texts), list(holes), env)

    # -- parallel and map ------------------------------------------------------------------------

    def parallel(self, node: Node, env: Env, ind: int, config: str | None) -> list[str]:
        pad = INDENT * ind
        builder = self.writer.local("parallel", env)
        head = f"{pad}try (var {builder} = {env.context}.parallel({self.name(node, env)}"
        lines = attach([head], ", " if config else "", config, ")) {", ind)
        inside = env.declaring(builder)
        for index, branch in enumerate(node.blocks):
            lines.extend(self.branch(builder, branch, index, inside, ind + 1))
        lines.append(f"{INDENT * (ind + 1)}{builder}.get();")
        lines.append(f"{pad}}}")
        return lines

    def branch(self, builder: str, block: Block, index: int, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        label = block.label or ""
        if not block.dynamic:
            default = PARALLEL_BRANCH_DEFAULT.replace("{i}", str(index))
            name = "null" if label == default else quote(label)
            return self.branch_call(builder, name, block, env, ind)
        # A branch registered once per item of a collection known only at run time.
        holes = split_label(label)[1]
        found = chain(holes[0]) if holes else None
        variable = found.root if found is not None else "item"
        java_name = self.writer.local(variable, env)
        inner_env = replace(
            env,
            variables={**env.variables, variable: (java_name, ITEM_TYPE)},
            names={*env.names, java_name},
        )
        self.writer.declarations.uses_items = True
        name = "null" if label == PARALLEL_BRANCH_DEFAULT else self.label_name(label, inner_env)
        what = quote(f"{label} items")
        return [
            f"{pad}for ({ITEM_TYPE} {java_name} : items(input, {what})) {{",
            *self.branch_call(builder, name, block, inner_env, ind + 1),
            f"{pad}}}",
        ]

    def branch_call(self, builder: str, name: str, block: Block, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        child = self.context_name(env)
        inner = env.inner(child, "null", child)
        body = self.writer.block(block.nodes, inner, ind + 1)
        if completes(block.nodes):
            body.append(f"{INDENT * (ind + 1)}return null;")
        return [
            f"{pad}{builder}.branch({name}, Object.class, {child} -> {{",
            *body,
            f"{pad}}});",
        ]

    def map(
        self, node: Node, env: Env, ind: int, config: str | None, suffix: str, written: str
    ) -> tuple[list[str], str | None]:
        """A map call (without its config) and its config with the item namer."""
        pad = INDENT * ind
        blocks = [b for b in node.blocks if b.role == "item"]
        first = blocks[0] if blocks else Block(role="item", label=MAP_ITEM_DEFAULT, dynamic=True)
        item = self.writer.local("item", env)
        index = self.writer.local("index", env)
        child = self.context_name(env)
        inner = env.inner(child, "null", item, index, child)
        namer: str | None = None
        overrides: dict[int, str] = {}
        if first.dynamic or not blocks:
            self.writer.declarations.uses_items = True
            items = f"items(input, {quote(node.label + ' items')})"
            inner.variables["item"] = (item, ITEM_TYPE)
            if (first.label or MAP_ITEM_DEFAULT) != MAP_ITEM_DEFAULT:
                namer = self.namer(first.label or "", env)
        else:
            values, prefix, suffix_text = item_values([b.label or "" for b in blocks])
            items = f"List.of({', '.join(quote(v) for v in values)})"
            if prefix or suffix_text:
                named, position = self.writer.local("item", env), self.writer.local("index", env)
                namer = f"({named}, {position}) -> " + " + ".join(
                    p
                    for p in (
                        quote(prefix) if prefix else "",
                        named,
                        quote(suffix_text) if suffix_text else "",
                    )
                    if p
                )
            overrides = varying_names(blocks, values, item)
        if namer is not None:
            config = with_namer(config, namer)
        body_nodes = first.nodes
        saved, self.overrides = self.overrides, {**self.overrides, **overrides}
        try:
            body = self.writer.block(body_nodes, inner, ind + 1)
        finally:
            self.overrides = saved
        if completes(body_nodes):
            body.append(f"{INDENT * (ind + 1)}return null;")
        function = f"({item}, {index}, {child}) -> {{"
        head = f"{env.context}.map{suffix}({written}, {items}, Object.class, {function}"
        return [f"{pad}{head}", *body, f"{pad}}}"], config

    def namer(self, label: str, env: Env) -> str:
        """``(item, index) -> "file-" + index + "-" + item.key()``: an item namer that reads
        back as the item blocks' label."""
        texts, holes = split_label(label)
        item_root: str | None = None
        index_root: str | None = None
        for hole in holes:
            found = chain(hole)
            if found is None:
                continue
            if (
                found.root in _INDEX_NAMES
                and not found.members
                and index_root in (None, found.root)
            ):
                index_root = found.root
            elif item_root in (None, found.root):
                item_root = found.root
        item_name = self.writer.local(item_root or "item", env)
        index_name = self.writer.local(index_root or "index", env)
        namer_env = env.inner(env.context, "null", item_name, index_name)
        if item_root:
            namer_env.variables[item_root] = (item_name, ITEM_TYPE)
        if index_root:
            namer_env.variables[index_root] = (index_name, "int")
        body = self.concatenation(list(texts), list(holes), namer_env)
        # The typed form: the namer reads members of the placeholder item type.
        return f"{ITEM_TYPE}.class, ({item_name}, {index_name}) -> {body}"

    # -- combinators -----------------------------------------------------------------------------

    def combinator(self, node: Node, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        method = COMBINATORS[node.kind]
        combined = self.writer.combined.get(id(node))
        if combined:
            return [f"{pad}DurableFuture.{method}({', '.join(combined)}).get();"]
        if not node.blocks:
            return [
                f"{pad}// TODO: the futures to wait for ({doc_text(node.label)})",
                f"{pad}DurableFuture.{method}(List.of()).get();",
            ]
        lines = [f"{pad}DurableFuture.{method}("]
        for position, block in enumerate(node.blocks):
            operation = block.nodes[0] if len(block.nodes) == 1 else None
            if operation is not None and operation.kind in ASYNC_KINDS:
                config = config_for(operation.kind, operation.config)
                self.writer.declarations.stubs.update(config.stubs)
                self.writer.declarations.constants.update(config.constants)
                is_async = operation.kind is not Kind.CREATE_CALLBACK  # already a future
                part = self.call(operation, env, ind + 1, config.expression, is_async=is_async)
            else:
                # Several operations in one branch: Java says them as a child context.
                wrapper = Node(
                    kind=Kind.CHILD_CONTEXT,
                    label=block.label or "branch",
                    line=node.line,
                    column=node.column,
                    name=block.label,
                    blocks=(Block(role="body", label="body", nodes=block.nodes),),
                )
                part = self.call(wrapper, env, ind + 1, None, is_async=True)
            if position < len(node.blocks) - 1:
                part[-1] += ","
            lines.extend(part)
        lines.append(f"{pad}).get();")
        return lines
