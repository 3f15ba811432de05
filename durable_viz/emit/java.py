"""A workflow written as a Java handler of ``software.amazon.lambda.durable``: a class extending
``DurableHandler`` whose ``handleRequest`` holds every operation, branch, loop, condition and try
block of the workflow in place, with the work of each step marked TODO.

What Java cannot say as the model does is written the closest way, with a comment:
* a loop's ``else`` block (Python ``for``/``else``) runs after the loop under a stub predicate;
* a ``try``'s ``else`` block (Python) ends the ``try`` body;
* ``race``/``allSettled`` combinators are ``anyOf``/``allOf``, which carry no name; a combinator
  branch of several operations becomes a child context;
* code after a statement that never completes (dead code a parser still draws) is kept as a
  comment, since javac rejects unreachable statements; a jump with no target is a ``throw``;
* a catch clause an earlier one covers (javac rejects it) catches ``Error``, then ``Throwable``;
* a condition's text, a loop's collection and an error type that is no Java type become stub
  methods and generated classes named after them, the original text in their comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from durable_viz.emit.common import camel, pascal
from durable_viz.emit.java_code import (
    INPUT,
    RESERVED_TYPES,
    Declarations,
    JavaNames,
    doc_text,
)
from durable_viz.emit.java_flow import (
    Frame,
    completes,
    condition_text,
    jump,
    loop_variable,
    named_in,
    quote_case,
    uncaught,
)
from durable_viz.emit.java_ops import ASYNC_KINDS, COMBINATOR_KINDS, Operations
from durable_viz.emit.java_values import (
    CATCH_ALL,
    CHECKED_JAVA_LANG,
    ITEM_TYPE,
    KEYWORDS,
    RENAMED,
    UNCHECKED,
    case_labels,
    error_types,
    is_identifier,
    quote,
)
from durable_viz.graph import OPERATION_KINDS, Block, Kind, Node, Workflow

__all__ = ["emit"]

INDENT = "    "


_FIXED_LOCALS = frozenset({"input", "context", "stepCtx"})
"""Names the generated code always uses: the handler's parameters, every step's parameter."""

_MEMBERS = frozenset(
    {
        "handleRequest",
        "items",
        "main",
        "customRetryStrategy",
        "customWaitStrategy",
        "maxConcurrency",
        "tenantId",
        "waitTime",
        ITEM_TYPE,
    }
)
"""Member names the generated class may declare for its own use."""


def emit(workflow: Workflow) -> str:
    """The whole source file of a Java handler that draws as ``workflow``."""
    return _Writer(workflow).write()


@dataclass
class Method:
    """The method being written (the handler or a helper): its placeholder locals."""

    placeholders: dict[str, str] = field(default_factory=dict)  # java name -> original text
    by_text: dict[str, str] = field(default_factory=dict)  # original text -> java name


@dataclass
class Env:
    """Where the code being written sits."""

    context: str
    method: Method
    returns: str  # "null" in a function returning a value, "" in a void one
    top: bool  # the handler's own body (a return there ends the workflow)
    frames: list[Frame] = field(default_factory=list)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)  # text -> (name, type)
    depth: int = 0
    names: set[str] = field(default_factory=set)  # the locals and parameters in scope

    def inner(self, context: str, returns: str, *params: str) -> Env:
        """The body of a lambda written here: it sees the variables, not the jump targets."""
        return Env(
            context,
            self.method,
            returns,
            False,
            [],
            dict(self.variables),
            self.depth + 1,
            {*self.names, *params},
        )

    def declaring(self, *names: str) -> Env:
        """A block of this function in which ``names`` are declared too (same jump targets)."""
        return replace(self, names={*self.names, *names})


class _Writer:
    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        # Every local name written anywhere: a placeholder local, declared at the top of its
        # method, must differ from all of them; others only from the names in scope.
        self.used: set[str] = set(_FIXED_LOCALS)
        self.declarations = Declarations(JavaNames(_MEMBERS))
        self.ops = Operations(self)
        self.labels = 0
        # Operations written as futures in a variable (by node id), and the variables each
        # combinator combines.
        self.futures: dict[int, str] = {}
        self.combined: dict[int, list[str]] = {}

    # -- names -----------------------------------------------------------------------------------

    def local(self, wanted: str, env: Env) -> str:
        """A name for a local or parameter declared where ``env`` is: none in scope has it
        (Java forbids shadowing a local, even in a lambda), nor any placeholder local."""
        base = wanted if is_identifier(wanted) else camel(wanted, fallback="value")
        taken = env.names | set(env.method.placeholders) | _FIXED_LOCALS | KEYWORDS
        name, counter = base, 2
        while name in taken:
            name, counter = f"{base}{counter}", counter + 1
        self.used.add(name)
        return name

    def placeholder(self, wanted: str) -> str:
        """A name for a placeholder local, declared at the top of its method: no other local
        of the file has it."""
        base = wanted if is_identifier(wanted) else camel(wanted, fallback="value")
        name, counter = base, 2
        while name in self.used or name in KEYWORDS:
            name, counter = f"{base}{counter}", counter + 1
        self.used.add(name)
        return name

    def java_label(self, wanted: str | None, prefix: str, env: Env) -> str:
        """A statement label: the model's own when Java can say it, else a made-up one."""
        enclosing = {f.java_label for f in env.frames}
        if wanted is not None and is_identifier(wanted) and wanted not in enclosing:
            return wanted
        self.labels += 1
        return f"{prefix}{self.labels}"

    # -- the file --------------------------------------------------------------------------------

    def write(self) -> str:
        name = self.workflow.name
        class_name = name if is_identifier(name) and name[:1].isupper() else pascal(name)
        if not is_identifier(class_name) or class_name in RESERVED_TYPES:
            class_name = "Workflow" + class_name
        self.declarations.members.take(class_name)
        method = Method()
        env = Env("context", method, "null", True)
        body = self.block(self.workflow.nodes, env, 2)
        if completes(self.workflow.nodes):
            body.append(f"{INDENT * 2}return null;")
        lines = [
            f"{INDENT}@Override",
            f"{INDENT}public Object handleRequest({INPUT} input, DurableContext context) {{",
            *self.placeholders(method, 2),
            *body,
            f"{INDENT}}}",
        ]
        doc = (
            f"The {doc_text(name)} workflow as a durable handler.\n *\n"
            " * <p>Every operation, branch, loop, condition and try block is in place;\n"
            " * fill in each TODO."
        )
        return self.declarations.assemble(class_name, doc, "\n".join(lines))

    def placeholders(self, method: Method, ind: int) -> list[str]:
        lines: list[str] = []
        for java_name, original in method.placeholders.items():
            lines.append(
                f"{INDENT * ind}{ITEM_TYPE} {java_name} = new {ITEM_TYPE}(); "
                f"// TODO: {doc_text(original)}"
            )
        return lines

    # -- statements ------------------------------------------------------------------------------

    def block(self, nodes: tuple[Node, ...], env: Env, ind: int) -> list[str]:
        """The statements for a run of nodes."""
        lines: list[str] = []
        self.name_futures(nodes, env)
        for position, node in enumerate(nodes):
            lines.extend(self.statement(node, env, ind))
            if not completes((node,)) and position < len(nodes) - 1:
                # The original runs on after a statement that never completes; Java rejects
                # unreachable code, so the rest is kept as a comment.
                pad = INDENT * ind
                lines.append(f"{pad}// Unreachable in the original workflow:")
                rest = self.block(nodes[position + 1 :], env, ind)
                lines.extend(f"{pad}// {line[len(pad) :]}" for line in rest)
                break
        return lines

    def name_futures(self, nodes: tuple[Node, ...], env: Env) -> None:
        """Operations a later ``allOf``/``anyOf`` of the same block combines (its annotation
        names them: ``any of rates-ecb, rates-fed``) start as futures held in variables."""
        for position, node in enumerate(nodes):
            if node.kind not in COMBINATOR_KINDS or node.blocks or not node.annotations:
                continue
            text = node.annotations[0]
            if not text.startswith(("all of ", "any of ")):
                continue
            earlier = [
                n for n in nodes[:position] if n.kind in ASYNC_KINDS and id(n) not in self.futures
            ]
            chosen = named_in(text[len("all of ") :], earlier)
            if not chosen:
                continue
            names = []
            for operation in chosen:
                variable = self.local(camel(operation.label, fallback="future"), env)
                env.names.add(variable)
                self.futures[id(operation)] = variable
                names.append(variable)
            self.combined[id(node)] = names

    def statement(self, node: Node, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        kind = node.kind
        if kind in OPERATION_KINDS:
            return self.ops.statement(node, env, ind)
        if kind is Kind.CONDITION:
            return self.condition(node, env, ind)
        if kind is Kind.LOOP:
            return self.loop(node, env, ind)
        if kind is Kind.TRY:
            return self.try_block(node, env, ind)
        if kind is Kind.RETURN:
            return [f"{pad}return{' ' + env.returns if env.returns else ''};"]
        if kind is Kind.RAISE:
            return [f"{pad}{self.throw(node)}"]
        if kind in (Kind.BREAK, Kind.CONTINUE):
            return [f"{pad}{jump(node, env.frames)}"]
        if kind is Kind.SCOPE:
            return self.scope(node, env, ind)
        return [f"{pad}// {node.kind.value}: {doc_text(node.label)}"]

    def throw(self, node: Node) -> str:
        words_ = node.label.split(None, 1)
        thrown = words_[1] if len(words_) > 1 else ""
        names = error_types(thrown.removeprefix("new ").split("(", 1)[0])
        message = quote(f"TODO: {node.label}")
        if names and is_identifier(names[0]) and names[0][:1].isupper():
            chosen = RENAMED.get(names[0], names[0])
            if chosen in CHECKED_JAVA_LANG:
                chosen = "RuntimeException"
            elif chosen not in UNCHECKED:
                chosen = self.declarations.exception(chosen, thrown)
            return f"throw new {chosen}({message});"
        return f"throw new IllegalStateException({message});"

    def condition(self, node: Node, env: Env, ind: int) -> list[str]:
        labels = [b.label for b in node.blocks]
        if any(case_labels(label) for label in labels if label not in ("yes", "no")) or (
            len(node.blocks) > 2
        ):
            return self.switch(node, env, ind)
        pad = INDENT * ind
        yes = next((b for b in node.blocks if b.label == "yes"), None)
        no = next((b for b in node.blocks if b.label == "no"), None)
        if yes is None and no is None and node.blocks:
            yes = node.blocks[0]
            no = node.blocks[1] if len(node.blocks) > 1 else None
        frame = Frame("block", node.jump_label, "", node=node)
        frame.java_label = self.java_label(node.jump_label, "check", env)
        env.frames.append(frame)
        try:
            predicate = self.declarations.predicate(condition_text(node.label))
            lines: list[str] = []
            if yes is None and no is not None:
                lines.append(f"{pad}if (!{predicate}(input)) {{")
                lines.extend(self.block(no.nodes, env, ind + 1))
                lines.append(f"{pad}}}")
            else:
                lines.append(f"{pad}if ({predicate}(input)) {{")
                lines.extend(self.block(yes.nodes if yes else (), env, ind + 1))
                if no is not None:
                    chained = no.nodes[0] if len(no.nodes) == 1 else None
                    if (
                        chained is not None
                        and chained.kind is Kind.CONDITION
                        and chained.jump_label is None
                        and {b.label for b in chained.blocks} <= {"yes", "no"}
                        and any(b.label == "yes" for b in chained.blocks)
                    ):
                        inner = self.condition(chained, env, ind)
                        lines.append(f"{pad}}} else {inner[0].lstrip()}")
                        lines.extend(inner[1:])
                        return self.labelled(frame, lines, pad)
                    lines.append(f"{pad}}} else {{")
                    lines.extend(self.block(no.nodes, env, ind + 1))
                lines.append(f"{pad}}}")
        finally:
            env.frames.pop()
        return self.labelled(frame, lines, pad)

    @staticmethod
    def labelled(frame: Frame, lines: list[str], pad: str) -> list[str]:
        if frame.used and lines:
            lines[0] = f"{pad}{frame.java_label}: {lines[0].lstrip()}"
        return lines

    def switch(self, node: Node, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        groups: list[tuple[list[str], Block]] = []
        parsed = [case_labels(b.label) for b in node.blocks]
        kinds = {c.kind for labels in parsed if labels for c in labels if c.kind != "default"}
        uniform = kinds if len(kinds) <= 1 else {"string"}
        selector_type = {"int": "int", "enum": "enum"}.get(next(iter(uniform), "string"), "String")
        seen: set[str] = set()
        constants: list[str] = []
        for index, (block, labels) in enumerate(zip(node.blocks, parsed, strict=True)):
            texts: list[str] = []
            for case in labels or []:
                if case.kind == "default":
                    texts.append("default")
                    continue
                value = case.value or ""
                if selector_type == "String" and case.kind != "string":
                    value = quote(value)
                while value in seen:
                    value = value[:-1] + f'#{index}"' if value.endswith('"') else value + "_"
                seen.add(value)
                if selector_type == "enum":
                    constants.append(value)
                texts.append(value)
            if not labels:
                texts.append(quote_case(block.label, index, seen))
            groups.append((texts, block))
        text = condition_text(node.label).removeprefix("switch ").removeprefix("match ")
        if selector_type == "enum":
            enum = self.declarations.enum(text, constants)
            selector = self.declarations.predicate(text, enum, f"{enum}.values()[0]")
        elif selector_type == "int":
            selector = self.declarations.predicate(text, "int", "0")
        else:
            selector = self.declarations.predicate(text, "String", '""')
        frame = Frame("switch", node.jump_label, "", node=node)
        frame.java_label = self.java_label(node.jump_label, "choice", env)
        env.frames.append(frame)
        lines = [f"{pad}switch ({selector}(input)) {{"]
        try:
            for texts, block in groups:
                for label in texts:
                    head = "default:" if label == "default" else f"case {label}:"
                    lines.append(f"{INDENT * (ind + 1)}{head}")
                lines.extend(self.block(block.nodes, env, ind + 2))
                if completes(block.nodes):
                    lines.append(f"{INDENT * (ind + 2)}break;")
        finally:
            env.frames.pop()
        lines.append(f"{pad}}}")
        return self.labelled(frame, lines, pad)

    def loop(self, node: Node, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        body = next((b for b in node.blocks if b.role == "body"), Block(role="body"))
        after = [b for b in node.blocks if b is not body]
        frame = Frame("loop", node.jump_label, "", node=node)
        frame.java_label = self.java_label(node.jump_label, "loop", env)
        label = node.label
        inner_env = env
        if node.infinite:
            head, tail = f"{pad}while (true) {{", f"{pad}}}"
        elif node.do_while:
            predicate = self.declarations.predicate(condition_text(label, "do"))
            head, tail = f"{pad}do {{", f"{pad}}} while ({predicate}(input));"
        elif label.split(None, 1)[:1] and label.split(None, 1)[0].lower().startswith("while"):
            predicate = self.declarations.predicate(condition_text(label, "while"))
            head, tail = f"{pad}while ({predicate}(input)) {{", f"{pad}}}"
        else:
            variable = loop_variable(label)
            name = self.local(variable, env)
            inner_env = replace(
                env,
                variables={**env.variables, variable: (name, ITEM_TYPE)},
                names={*env.names, name},
            )
            self.declarations.uses_items = True
            head = f"{pad}for ({ITEM_TYPE} {name} : items(input, {quote(label)})) {{"
            tail = f"{pad}}}"
        env.frames.append(frame)
        inner_env.frames = env.frames
        try:
            lines = [head, *self.block(body.nodes, inner_env, ind + 1), tail]
        finally:
            env.frames.pop()
        lines = self.labelled(frame, lines, pad)
        for extra in after:
            # Java loops have no else block (Python's for/else): it runs when the loop was not
            # left by a break, which a stub predicate stands for.
            predicate = self.declarations.predicate(f"the loop {label} ended without a break")
            lines.append(f"{pad}if ({predicate}(input)) {{ // the loop's {extra.role} block")
            lines.extend(self.block(extra.nodes, env, ind + 1))
            lines.append(f"{pad}}}")
        return lines

    def try_block(self, node: Node, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        frame = Frame("block", node.jump_label, "", node=node)
        frame.java_label = self.java_label(node.jump_label, "attempt", env)
        env.frames.append(frame)
        lines = [f"{pad}try {{"]
        try:
            handlers = [b for b in node.blocks if b.role == "handler"]
            for block in node.blocks:
                if block.role == "body":
                    lines.extend(self.block(block.nodes, env, ind + 1))
                elif block.role == "else":
                    lines.append(
                        f"{INDENT * (ind + 1)}// The try's else block: Java has none; "
                        "it ends the try body."
                    )
                    lines.extend(self.block(block.nodes, env, ind + 1))
            caught: list[str] = []
            for block in handlers:
                types = uncaught(self.catch_types(block.label), caught)
                caught.extend(types)
                error = self.local("error", env)
                written = " | ".join(types)
                # The original's own words when Java says the handler differently.
                note = f" // was: {doc_text(block.label or '')}" if written != block.label else ""
                lines.append(f"{pad}}} catch ({written} {error}) {{{note}")
                lines.extend(self.block(block.nodes, env.declaring(error), ind + 1))
            for block in node.blocks:
                if block.role == "finally":
                    lines.append(f"{pad}}} finally {{")
                    lines.extend(self.block(block.nodes, env, ind + 1))
            if not handlers and not any(b.role == "finally" for b in node.blocks):
                lines.append(f"{pad}}} finally {{")
                lines.append(f"{INDENT * (ind + 1)}// TODO: the original try had no handler")
        finally:
            env.frames.pop()
        lines.append(f"{pad}}}")
        return self.labelled(frame, lines, pad)

    def catch_types(self, label: str | None) -> list[str]:
        types: list[str] = []
        for written in error_types(label):
            name = RENAMED.get(written, written)
            if not is_identifier(name):
                continue
            if name in CATCH_ALL:
                return [name]
            if name in CHECKED_JAVA_LANG:
                return ["Exception"]
            chosen = name if name in UNCHECKED else self.declarations.exception(name, label or "")
            if chosen not in types:
                types.append(chosen)
        return types or ["Exception"]  # a handler naming no type catches everything

    def scope(self, node: Node, env: Env, ind: int) -> list[str]:
        pad = INDENT * ind
        inner = node.blocks[0].nodes if node.blocks else ()
        if node.jump_label is not None:
            frame = Frame("block", node.jump_label, "", node=node)
            frame.java_label = self.java_label(node.jump_label, "block", env)
            env.frames.append(frame)
            try:
                lines = [f"{pad}{frame.java_label}: {{", *self.block(inner, env, ind + 1)]
            finally:
                env.frames.pop()
            lines.append(f"{pad}}}")
            return lines
        # A helper whose own return ends only it: a method of the class, called here.
        name = self.declarations.members.take(camel(node.label, fallback="helper"))
        method = Method()
        helper_env = Env("ctx", method, "", False, names={"ctx"})
        helper_env.depth = 1
        body = self.block(inner, helper_env, 2)
        self.declarations.helpers.append(
            "\n".join(
                [
                    f"{INDENT}private static void {name}(DurableContext ctx, {INPUT} input) {{",
                    *self.placeholders(method, 2),
                    *body,
                    f"{INDENT}}}",
                ]
            )
        )
        return [f"{pad}{name}({env.context}, input);"]
