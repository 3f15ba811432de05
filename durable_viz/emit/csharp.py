"""A workflow written back as a C# handler for the .NET durable-execution SDK.

The file is a class-library handler (``DurableFunction.WrapAsync`` over a workflow method, as
``examples/csharp/OrderProcessor.cs``) with every operation, branch, loop, condition and try
block of the workflow in place. Bodies are ``// TODO`` placeholders; conditions, loop collections
and switch subjects are calls to stub members declared at the end of the class, each with the
source text it stands for; runtime parts of names are the source's expressions over loop
variables and map items, or fields of the input record; labelled jumps are ``goto``s. Reading
the file back with the C# parser gives the same workflow, except where C# cannot say a construct
(see :data:`ADAPTATIONS`; :func:`.csharp_adapt.adapted` gives the workflow C# says instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from durable_viz.emit.common import pascal
from durable_viz.emit.csharp_operations import RESULT, Frame, Operations
from durable_viz.emit.csharp_shapes import joined_tasks
from durable_viz.emit.csharp_text import (
    KEYWORDS,
    Lines,
    Names,
    comment,
    indent,
    is_type_name,
    literal,
)
from durable_viz.graph import OPERATION_KINDS, Block, Kind, Node, Workflow
from durable_viz.parsers.base import run_deep

__all__ = ["ADAPTATIONS", "emit", "emit_with_notes"]

ADAPTATIONS = {
    "loop else": "C# loops have no else: the else block follows the loop, with a comment",
    "try else": "C# try has no else: the else block ends the try body, with a comment",
    "with_retry": "the .NET SDK has no retry helper: a child context with a comment",
    "promise_race": "Task.WhenAny (drawn as promise_any)",
    "promise_all_settled": "Task.WhenAll (drawn as promise_all)",
    "combinator name": "Task.WhenAll/WhenAny take no name: the name is dropped",
    "combinator branches": "a combined task is named after its operation, not a registry key",
    "no-only condition": "`a || Op()` in the source: `if (a) { } else { Op }`",
    "map items": "items of one map with different bodies: written with the first item's",
    "keyword target": "an invoke target read from a C# keyword (`event[...]`): an input field",
}
"""Constructs C# cannot say and what the emitter writes instead."""

FOREIGN_ERRORS = {
    "Error": "Exception",
    "BaseException": "Exception",
    "Throwable": "Exception",
    "RuntimeError": "InvalidOperationException",
    "RuntimeException": "InvalidOperationException",
    "IllegalStateException": "InvalidOperationException",
    "IllegalArgumentException": "ArgumentException",
    "ValueError": "ArgumentException",
    "KeyError": "KeyNotFoundException",
    "TimeoutError": "TimeoutException",
}
"""Built-in errors of the other languages and the .NET exception a ``throw`` uses instead."""

_CATCH_ALL = frozenset({"Exception", "System.Exception", "error"})
_SIMPLE_CASE = re.compile(
    r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*'
)
_LOOP_WORDS = re.compile(r"^(?:await\s+|async\s+)?(?:foreach|for)\b")


def emit(workflow: Workflow) -> str:
    """The source of a C# file holding ``workflow`` as a durable handler."""
    return emit_with_notes(workflow)[0]


def emit_with_notes(workflow: Workflow) -> tuple[str, list[str]]:
    """The source (see :func:`emit`) and a note for each construct written differently from
    the original because C# cannot say it (see :data:`ADAPTATIONS`)."""
    emitter = _Emitter(workflow)
    text = run_deep(emitter.file)
    return text, list(dict.fromkeys(emitter.notes))


class _Emitter(Operations):
    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.names = Names()
        self.notes: list[str] = []
        self.targets: dict[str, _Target] = {}
        self.counter = 0

    # -- the file --------------------------------------------------------------------------------

    def file(self) -> str:
        workflow = self.workflow
        method = workflow.name if _identifier(workflow.name) else pascal(workflow.name)
        method = self.names.ids.take(method if method != "Handler" else "RunWorkflow")
        owner = self.names.ids.take(pascal(workflow.name, fallback="Workflow") + "Function")
        body = self.sequence(workflow.nodes, Frame("context", returns="value"))
        body.append('return "done";')
        stubs: Lines = []
        for text, (name, returns) in self.names.predicates.items():
            source = text.split(":", 1)[1]
            stubs.append(f"// TODO: {comment(source)}")
            stubs.append(
                f"private static {returns} {name}() => throw new NotImplementedException();"
            )
            stubs.append("")
        fields = ["string Id", *(f"string {prop}" for prop in self.names.fields.values())]
        lines = [
            f"// {_one(workflow.name)}: a durable handler skeleton written by durable-viz.",
            "// Every operation, branch, loop, condition and try block of the workflow is in",
            "// place; bodies marked TODO return placeholders, and the stub members at the end",
            "// stand for the conditions and collections of the source.",
            "",
            "using Amazon.Lambda.Core;",
            "using Amazon.Lambda.DurableExecution;",
            "using Amazon.Lambda.Serialization.SystemTextJson;",
            "",
            "[assembly: LambdaSerializer(typeof(DefaultLambdaJsonSerializer))]",
            "",
            "namespace DurableViz.Generated;",
            "",
            f"public class {owner}",
            "{",
            *(
                line
                for name, source in self.names.placeholders.items()
                for line in (
                    f"    // TODO: what {comment(source)} reads in the source.",
                    f"    private static dynamic {name};",
                    "",
                )
            ),
            "    public Task<DurableExecutionInvocationOutput> Handler(",
            "        DurableExecutionInvocationInput input, ILambdaContext context)",
            f"        => DurableFunction.WrapAsync<WorkflowInput, {RESULT}>("
            f"{method}, input, context);",
            "",
            f"    private async Task<{RESULT}> {method}("
            "WorkflowInput input, IDurableContext context)",
            "    {",
            *indent(body, 2),
            "    }",
        ]
        if stubs:
            lines.extend(["", *indent(stubs[:-1])])
        lines.extend(["}", "", f"public record WorkflowInput({', '.join(fields)});", ""])
        return "\n".join(lines)

    # -- sequences and functions -----------------------------------------------------------------

    def sequence(self, nodes: tuple[Node, ...], frame: Frame) -> Lines:
        lines: Lines = []
        joined = joined_tasks(nodes)
        tasks: dict[int, list[str]] = {}
        for index, node in enumerate(nodes):
            if index in joined:
                # A task created here and joined later (``Task.WhenAll(a, b)``).
                variable = self.names.local(f"{node.label} task")
                tasks.setdefault(joined[index], []).append(variable)
                expression = self.expression(node, frame, lines)
                expression[0] = f"var {variable} = {expression[0]}"
                expression[-1] += ";"
                lines.extend(expression)
            elif index in tasks:
                lines.extend(self.combinator(node, frame, tasks[index]))
            else:
                lines.extend(self.node(node, frame))
        return lines

    def function(self, nodes: tuple[Node, ...], frame: Frame) -> Lines:
        self.names.variables.append({frame.ctx})
        try:
            lines = self.sequence(nodes, frame)
        finally:
            self.names.variables.pop()
        if frame.returns == "value" and not (nodes and nodes[-1].kind is Kind.RAISE):
            lines.append(f"return {literal('done')};")
        elif not lines:
            lines.append("await Task.CompletedTask;")
        return lines

    def node(self, node: Node, frame: Frame) -> Lines:
        if node.kind in OPERATION_KINDS:
            return self.operation(node, frame)
        if node.kind is Kind.CONDITION:
            if any(b.label not in ("yes", "no") for b in node.blocks):
                return self.switch(node, frame)
            return self.condition(node, frame)
        if node.kind is Kind.LOOP:
            return self.loop(node, frame)
        if node.kind is Kind.TRY:
            return self.try_block(node, frame)
        if node.kind is Kind.SCOPE:
            return self.scope(node, frame)
        return self.exit(node, frame)

    def block(self, nodes: tuple[Node, ...], frame: Frame) -> Lines:
        """A braced block of statements."""
        return ["{", *indent(self.sequence(nodes, frame)), "}"]

    # -- exits -----------------------------------------------------------------------------------

    def exit(self, node: Node, frame: Frame) -> Lines:
        if node.kind is Kind.RETURN:
            return ["return;"] if frame.returns == "none" else [f"return {literal('done')};"]
        if node.kind is Kind.RAISE:
            return self.throw(node, frame)
        word = "break" if node.kind is Kind.BREAK else "continue"
        leaves = node.jump_label
        if leaves is None and word == "break" and frame.switch is not None:
            # A plain break inside a switch leaves the loop around it (Python's ``match``);
            # in C# it would leave the switch.
            leaves = frame.loop
        if leaves is None or leaves == frame.switch:
            return [f"{word};"]
        target = self.targets.get(leaves)
        if target is None:
            self.notes.append(f"{word} of {leaves!r} from outside it not written")
            return [f"// TODO: {word} {_one(leaves)}"]
        return [f"goto {target.label(word)}; // {word} {_one(node.jump_label or 'the loop')}"]

    def throw(self, node: Node, frame: Frame) -> Lines:
        thrown = _rest(node.label, "")
        if not thrown or (frame.catch is not None and thrown in (frame.catch, "error", "e")):
            return (
                ["throw;"]
                if frame.catch is not None
                else ['throw new InvalidOperationException("TODO");']
            )
        if thrown in FOREIGN_ERRORS:
            ours = FOREIGN_ERRORS[thrown]
            return [f"throw new {ours}({literal('TODO')}); // {_one(thrown)} in the source"]
        if is_type_name(thrown):
            return [f"throw new {thrown}({literal('TODO')});"]
        return [
            f"// {_one(node.label)}",
            f"throw new InvalidOperationException({literal(thrown)});",
        ]

    # -- conditions ------------------------------------------------------------------------------

    def condition(self, node: Node, frame: Frame) -> Lines:
        yes = next((b for b in node.blocks if b.label == "yes"), None)
        no = next((b for b in node.blocks if b.label == "no"), None)
        test = self.names.stub(node.label, "bool", "Condition")
        lines = [f"if ({test}) // {_one(node.label)}"]
        lines.extend(self.block(yes.nodes if yes else (), frame))
        if no is None:
            return lines
        inner = no.nodes
        if (
            len(inner) == 1
            and inner[0].kind is Kind.CONDITION
            and not any(b.label not in ("yes", "no") for b in inner[0].blocks)
        ):
            nested = self.condition(inner[0], frame)
            return [*lines, "else " + nested[0], *nested[1:]]
        return [*lines, "else", *self.block(no.nodes, frame)]

    def switch(self, node: Node, frame: Frame) -> Lines:
        subject_text = _rest(node.label, node.label)
        subject = self.names.stub(subject_text, "object", "Subject")
        key = node.jump_label or self.key("switch")
        inner = replace(frame, switch=key)
        target = self.target(key, "Switch")
        lines = [f"switch ({subject}) // {_one(node.label)}", "{"]
        for block in node.blocks:
            labels = _case_labels(block.label or "default")
            body = self.sequence(block.nodes, inner)
            if not block.nodes or block.nodes[-1].kind not in (
                Kind.RETURN,
                Kind.RAISE,
                Kind.BREAK,
                Kind.CONTINUE,
            ):
                body.append("break;")
            lines.extend(indent([*labels, *indent(body)]))
        self.targets.pop(key, None)
        end = target.placed("break")
        return [*lines, "}", *([f"{end}: ;"] if end else [])]

    # -- loops -----------------------------------------------------------------------------------

    def loop(self, node: Node, frame: Frame) -> Lines:
        body_block = next((b for b in node.blocks if b.role == "body"), Block(role="body"))
        key = node.jump_label or self.key("loop")
        inner = replace(frame, switch=None, loop=key)
        label = comment(node.label)
        self.names.variables.append(set())
        try:
            if node.infinite and node.do_while:
                head, tail = "do", "while (true);"
            elif node.infinite:
                head, tail = "while (true)", None
            elif node.do_while or not _LOOP_WORDS.match(label):
                test = label.split("while", 1)[1].strip() if "while" in label else label
                test = _unwrapped(test)
                predicate = self.names.stub(test, "bool", "KeepGoing")
                head, tail = (
                    ("do", f"while ({predicate});")
                    if node.do_while
                    else (f"while ({predicate})", None)
                )
            else:
                variable = self.names.binder(
                    [*self.holes(body_block.nodes), _loop_variable(label)], "item"
                )
                self.names.variables[-1].add(variable)
                collection = self.names.stub(
                    _collection_text(label), "IReadOnlyList<string>", "Items"
                )
                head, tail = f"foreach (var {variable} in {collection})", None
            target = self.target(key, node.jump_label or "Loop")
            body = self.block(body_block.nodes, inner)
        finally:
            self.names.variables.pop()
            self.targets.pop(key, None)
        repeat, end = target.placed("continue"), target.placed("break")
        if repeat is not None:
            body[-1:-1] = [f"    {repeat}: ;"]
        lines = [f"{head} // {label}", *body]
        if tail is not None:
            lines[-1] = f"}} {tail}"
        if end is not None:
            lines.append(f"{end}: ;")
        orelse = next((b for b in node.blocks if b.role == "else"), None)
        if orelse is not None:
            self.notes.append("loop else written after the loop")
            lines.append("// The source's loop-else: runs when the loop ends without a break.")
            lines.extend(self.sequence(orelse.nodes, frame))
        return lines

    def target(self, key: str, name: str) -> _Target:
        """Goto labels for the loop, switch or block a jump may leave, known by ``key``."""
        found = _Target(pascal(name, fallback="Loop"), self.names)
        self.targets[key] = found
        return found

    def key(self, kind: str) -> str:
        """A key for a loop or switch the source gave no jump label."""
        self.counter += 1
        return f"{kind}#{self.counter}"

    # -- try -------------------------------------------------------------------------------------

    def try_block(self, node: Node, frame: Frame) -> Lines:
        body = next((b for b in node.blocks if b.role == "body"), Block(role="body"))
        orelse = next((b for b in node.blocks if b.role == "else"), None)
        lines = ["try", "{", *indent(self.sequence(body.nodes, frame))]
        if orelse is not None:
            self.notes.append("try else written at the end of the try body")
            lines.append("    // The source's try-else: runs when the body raised nothing.")
            lines.extend(indent(self.sequence(orelse.nodes, frame)))
        lines.append("}")
        handlers = [b for b in node.blocks if b.role == "handler"]
        catches_all = any(_catches_all(b.label) for b in handlers)
        for index, handler in enumerate(handlers):
            label = handler.label or "error"
            variable = self.names.scoped("ex")
            inner = replace(frame, catch=variable)
            make_all = node.catch_all and not catches_all and index == len(handlers) - 1
            exception, _, test = label.partition(" when ")
            mapped = FOREIGN_ERRORS.get(exception)
            if mapped == "Exception" and not make_all:
                mapped = None  # it would catch every error: the source's did not
            filtered = f" when ({self.names.stub(test, 'bool', 'Matches')})" if test else ""
            if label == "error":
                head = "catch"
            elif make_all:
                head = f"catch (Exception {variable}) // {_one(label)} in the source"
            elif mapped is not None:
                head = f"catch ({mapped} {variable}){filtered} // {_one(exception)} in the source"
            elif is_type_name(exception):
                head = f"catch ({exception} {variable}){filtered}"
            else:
                # Not a type C# can name (``IOException | TimeoutException``): a filter tells.
                matches = self.names.stub(label, "bool", "Matches")
                head = f"catch (Exception {variable}) when ({matches}) // {_one(label)}"
            self.names.variables.append({variable})
            try:
                lines.extend([head, *self.block(handler.nodes, inner)])
            finally:
                self.names.variables.pop()
        final = next((b for b in node.blocks if b.role == "finally"), None)
        if final is not None:
            lines.extend(["finally", *self.block(final.nodes, frame)])
        if not handlers and final is None:
            lines.extend(["finally", "{", "}"])
        return lines

    # -- scopes ----------------------------------------------------------------------------------

    def scope(self, node: Node, frame: Frame) -> Lines:
        inner = node.blocks[0].nodes if node.blocks else ()
        if node.jump_label is not None:
            # A labelled block: a goto to the label after it leaves it.
            target = self.target(node.jump_label, node.jump_label)
            inside = replace(frame, switch=None)
            try:
                lines = [f"// {_one(node.jump_label)}:", *self.block(inner, inside)]
            finally:
                self.targets.pop(node.jump_label, None)
            end = target.placed("break")
            return [*lines, f"{end}: ;"] if end else lines
        # A helper with an early return: a local function the workflow calls.
        helper = self.names.ids.take(pascal(node.label, fallback="Helper"))
        ctx = self.names.local("ctx")
        body = self.function(inner, Frame(ctx))
        return [
            f"async Task<{RESULT}> {helper}(IDurableContext {ctx})",
            "{",
            *indent(body),
            "}",
            f"await {helper}({frame.ctx});",
        ]


def _unwrapped(test: str) -> str:
    """``(event.failed)`` as ``event.failed``: one pair of parentheses around it all dropped."""
    if not (test.startswith("(") and test.endswith(")")):
        return test
    depth = 0
    for index, char in enumerate(test):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(test) - 1:
            return test  # ``(a) && (b)``
    return test[1:-1].strip() or test


def _rest(label: str, otherwise: str) -> str:
    """What follows a label's first word (``throw X``: ``X``), else ``otherwise``."""
    parts = label.split(None, 1)
    return parts[1] if len(parts) > 1 else otherwise


_one = comment


def _identifier(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text)) and text not in KEYWORDS


@dataclass
class _Target:
    """The goto labels of a loop, switch or block that jumps leave (``end``, the label after
    it) or repeat (``next``, an empty statement ending a loop's body); named when first used."""

    base: str
    names: Names
    used: dict[str, str] = field(default_factory=dict)

    def label(self, word: str) -> str:
        """The label a ``break`` (``End``) or ``continue`` (``Next``) goes to."""
        suffix = "End" if word == "break" else "Next"
        if suffix not in self.used:
            self.used[suffix] = self.names.ids.take(self.base + suffix)
        return self.used[suffix]

    def placed(self, word: str) -> str | None:
        """The label to write for ``word``, if a jump used it."""
        return self.used.get("End" if word == "break" else "Next")


def _catches_all(label: str | None) -> bool:
    return label in _CATCH_ALL


def _loop_variable(label: str) -> str | None:
    """The variable a loop header of any language binds (``for p in parts``: ``p``)."""
    for separator in (" in ", " of ", " : "):
        if separator in label:
            head = label.split(separator, 1)[0].split()
            return head[-1] if head and _identifier(head[-1]) else None
    return None


def _collection_text(label: str) -> str:
    for separator in (" in ", " of ", " : "):
        if separator in label:
            return label.split(separator, 1)[1]
    return label


def _case_labels(label: str) -> Lines:
    """``case X:`` lines for an outcome label (``case "a" | case "b"``, ``default``)."""
    lines: Lines = []
    for piece in re.split(r" \| |, (?=case )", label):
        part = piece.strip()
        if part == "default":
            lines.append("default:")
            continue
        pattern = part.removeprefix("case ").strip()
        if _SIMPLE_CASE.fullmatch(pattern):
            lines.append(f"case {pattern}:")
        else:
            lines.append(f"case {literal(pattern)}: // {_one(part)}")
    return lines
