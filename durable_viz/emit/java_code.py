"""What a generated Java handler declares besides its body: the imports its code uses, the
placeholder types and methods it calls (predicates, collections, exception types, the
:data:`~durable_viz.emit.java_values.ITEM_TYPE` class), assembled into the class."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from durable_viz.emit.common import Identifiers, camel, words
from durable_viz.emit.java_values import ITEM_TYPE, KEYWORDS

__all__ = ["IMPORTS", "INPUT", "Declarations", "JavaNames", "doc_text"]

IMPORTS = {
    "Duration": "java.time.Duration",
    "List": "java.util.List",
    "Map": "java.util.Map",
    "DurableContext": "software.amazon.lambda.durable.DurableContext",
    "DurableFuture": "software.amazon.lambda.durable.DurableFuture",
    "DurableHandler": "software.amazon.lambda.durable.DurableHandler",
    "WaitForConditionResult": "software.amazon.lambda.durable.WaitForConditionResult",
    "CallbackConfig": "software.amazon.lambda.durable.config.CallbackConfig",
    "CompletionConfig": "software.amazon.lambda.durable.config.CompletionConfig",
    "InvokeConfig": "software.amazon.lambda.durable.config.InvokeConfig",
    "MapConfig": "software.amazon.lambda.durable.config.MapConfig",
    "NestingType": "software.amazon.lambda.durable.config.NestingType",
    "ParallelConfig": "software.amazon.lambda.durable.config.ParallelConfig",
    "RunInChildContextConfig": "software.amazon.lambda.durable.config.RunInChildContextConfig",
    "StepConfig": "software.amazon.lambda.durable.config.StepConfig",
    "StepSemantics": "software.amazon.lambda.durable.config.StepSemantics",
    "WaitForCallbackConfig": "software.amazon.lambda.durable.config.WaitForCallbackConfig",
    "WaitForConditionConfig": "software.amazon.lambda.durable.config.WaitForConditionConfig",
    "WithRetryConfig": "software.amazon.lambda.durable.config.WithRetryConfig",
    "JitterStrategy": "software.amazon.lambda.durable.retry.JitterStrategy",
    "RetryStrategies": "software.amazon.lambda.durable.retry.RetryStrategies",
    "RetryStrategy": "software.amazon.lambda.durable.retry.RetryStrategy",
    "WaitStrategies": "software.amazon.lambda.durable.retry.WaitStrategies",
    "WaitForConditionWaitStrategy": (
        "software.amazon.lambda.durable.retry.WaitForConditionWaitStrategy"
    ),
}
"""Simple names the generated code may use, and what to import for each."""

RESERVED_TYPES = frozenset({*IMPORTS, "Object", "String", "Integer", "Override", ITEM_TYPE})
"""Type names a generated exception class or enum must not take."""

INPUT = "Map<String, Object>"
"""The handler's input type: the event as a map (the skeleton does not know its shape)."""


class JavaNames(Identifiers):
    """Identifiers handed out Java style: ``check``, then ``check2`` (no underscore)."""

    def take(self, wanted: str) -> str:
        """``wanted``, or ``wanted`` with the first free number appended."""
        if wanted not in self:
            return super().take(wanted)
        counter = 2
        while f"{wanted}{counter}" in self:
            counter += 1
        return super().take(f"{wanted}{counter}")


@dataclass
class Declarations:
    """Members the body calls, gathered while it is written, and the class they make."""

    members: Identifiers
    predicates: list[str] = field(default_factory=list)
    exceptions: dict[str, str] = field(default_factory=dict)  # name -> original text
    exception_names: dict[str, str] = field(default_factory=dict)  # wanted -> name
    enums: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)
    item_members: dict[str, bool] = field(default_factory=dict)  # name -> called
    stubs: set[str] = field(default_factory=set)
    constants: dict[str, tuple[str, str]] = field(default_factory=dict)
    uses_items: bool = False
    uses_item_type: bool = False

    def predicate(self, text: str, returns: str = "boolean", default: str = "false") -> str:
        """A stub method deciding what ``text`` (a condition as its source wrote it) decides."""
        name = self.members.take(_method_name(text, "condition"))
        comment = text.replace("\n", " ")
        self.predicates.append(
            f"    /** TODO: decide {doc_text(comment)} */\n"
            f"    private static {returns} {name}({INPUT} input) {{\n"
            f"        return {default};\n"
            f"    }}"
        )
        return name

    def exception(self, wanted: str, original: str) -> str:
        """A generated unchecked exception class named ``wanted`` (or a free variant of it)."""
        known = self.exception_names.get(wanted)
        if known is not None:
            return known
        name = self.members.take(wanted + "Error" if wanted in RESERVED_TYPES else wanted)
        self.exception_names[wanted] = name
        self.exceptions[name] = original
        return name

    def enum(self, text: str, constants: list[str]) -> str:
        """A generated enum for a switch over named constants."""
        name = self.members.take(_type_name(text))
        self.enums.append(
            f"    /** TODO: the values of {doc_text(text)} */\n"
            f"    enum {name} {{\n        {', '.join(constants)}\n    }}"
        )
        return name

    def item(self, chain_members: tuple[tuple[str, bool], ...]) -> None:
        """Record the members a name reads from an :data:`ITEM_TYPE` value."""
        self.uses_item_type = True
        for member, called in chain_members:
            self.item_members[member] = self.item_members.get(member, False) or called
            if not called:
                self.item_members.setdefault("#" + member, False)

    def assemble(self, class_name: str, doc: str, handler: str) -> str:
        """The whole file: imports (those the code uses), the class and its members."""
        members: list[str] = [_constant(n, t, v) for n, (t, v) in self.constants.items()]
        members += [handler, *self.helpers, *self.predicates]
        if self.uses_items:
            self.uses_item_type = True
            members.append(
                "    /** TODO: the collection a loop or map walks over. */\n"
                f"    private static List<{ITEM_TYPE}> items({INPUT} input, String what) {{\n"
                "        return List.of();\n"
                "    }"
            )
        members.extend(_STUBS[stub] for stub in sorted(self.stubs))
        for name, original in self.exceptions.items():
            note = f" (was: {original})" if original != name else ""
            members.append(
                f"    /** TODO: an error this workflow raises or handles{doc_text(note)}. */\n"
                f"    static final class {name} extends RuntimeException {{\n"
                f"        {name}(String message) {{\n"
                "            super(message);\n"
                "        }\n"
                "    }"
            )
        members.extend(self.enums)
        if self.uses_item_type:
            members.append(self._item_class())
        code = "\n\n".join(members)
        used = sorted(
            IMPORTS[name] for name in IMPORTS if re.search(rf"\b{name}\b", code) is not None
        )
        used.append(IMPORTS["DurableHandler"])
        imports = "\n".join(f"import {name};" for name in sorted(set(used)))
        return (
            f"package example;\n\n{imports}\n\n/**\n * {doc}\n */\n"
            f"public class {class_name} extends DurableHandler<{INPUT}, Object> {{\n\n"
            f"{code}\n}}\n"
        )

    def _item_class(self) -> str:
        fields = [
            f"        public {ITEM_TYPE} {name[1:]};"
            for name in sorted(self.item_members)
            if name.startswith("#")
        ]
        methods = [
            f"        {ITEM_TYPE} {name}() {{\n            return this;\n        }}"
            for name, called in sorted(self.item_members.items())
            if called and not name.startswith("#")
        ]
        inner = "\n".join(fields)
        parts = [inner] if inner else []
        parts.extend(methods)
        content = "\n\n".join(parts)
        return (
            "    /** TODO: the values this workflow's names are built from; "
            "use your own types. */\n"
            f"    static final class {ITEM_TYPE} {{\n"
            + (content + "\n" if content else "")
            + "    }"
        )


_STUBS = {
    "customRetryStrategy": (
        "    /** TODO: the retry strategy of the original workflow. */\n"
        "    private static RetryStrategy customRetryStrategy() {\n"
        "        return RetryStrategies.Presets.DEFAULT;\n"
        "    }"
    ),
    "customWaitStrategy": (
        "    /** TODO: the polling strategy of the original workflow. */\n"
        "    private static WaitForConditionWaitStrategy<Object> customWaitStrategy() {\n"
        "        return WaitStrategies.defaultStrategy();\n"
        "    }"
    ),
    "maxConcurrency": (
        "    /** TODO: how many to run at once. */\n"
        "    private static int maxConcurrency() {\n"
        "        return 4;\n"
        "    }"
    ),
    "tenantId": (
        f"    /** TODO: the tenant the invoked function runs for. */\n"
        f"    private static String tenantId({INPUT} input) {{\n"
        '        return String.valueOf(input.get("tenantId"));\n'
        "    }"
    ),
    "waitTime": (
        "    /** TODO: how long to wait (the original workflow does not say). */\n"
        "    private static Duration waitTime() {\n"
        "        return Duration.ofMinutes(1);\n"
        "    }"
    ),
}


def _constant(name: str, type_name: str, value: str) -> str:
    """``private static final T NAME = factory(`` with the arguments on the next line."""
    call, _, arguments = value.partition("(")
    head = f"    private static final {type_name} {name} = {call}("
    if len(head) <= 100:
        return f"{head}\n            {arguments};"
    return (
        f"    private static final {type_name} {name} =\n"
        f"            {call}(\n                    {arguments};"
    )


def doc_text(text: str) -> str:
    """Text safe inside a comment: on one line, not closing a block comment, and with no
    ``\\u`` escape (javac reads those even in comments)."""
    one_line = " ".join(text.splitlines())
    return one_line.replace("*/", "*\u2215").replace("\\u", "\\\\u")


def _method_name(text: str, fallback: str) -> str:
    stripped = text.lstrip()
    negated = stripped.startswith(("!", "not "))
    parts = (["not"] if negated and words(text)[:1] != ["not"] else []) + words(text)[:5]
    return camel(" ".join(parts), fallback=fallback, reserved=KEYWORDS)


def _type_name(text: str) -> str:
    parts = words(text)[-2:] or ["choice"]
    name = "".join(p.capitalize() for p in parts)
    if name[0].isdigit() or name in RESERVED_TYPES:
        name = "Choice" + name
    return name
