"""Node config (``retry``, ``completion``, ``timeout`` ...) written back as the SDK's config
objects and helper calls: the fields of ``StepConfig``, ``MapConfig``, ``ChildConfig`` and the
rest, as the TypeScript parser reads them (``durable_viz.parsers.typescript.values``).

Settings TypeScript has no spelling for (Python's ``RetryPresets.transient()``, a C# named
completion rule) become the closest SDK call with the original text in a comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from durable_viz.emit.typescript_values import (
    comment,
    duration_object,
    expression,
    quote,
    split_label,
)

__all__ = ["Settings", "config_fields", "retry_strategy", "wait_strategy"]

Settings = list[str]
"""The ``key: value`` texts of one config object, in order."""

_ATTEMPTS = re.compile(r"(exponential|linear) x(\d+)")
_COMPLETION_PART = re.compile(r"(?:min (\S+) successful|tolerates (\S+?)(%)? failures)")
_POLLS = re.compile(r"polls up to (\S+)x")

Use = Callable[[str], None]
"""Records an import from the SDK (``createRetryStrategy`` ...)."""

Reads = Callable[[tuple[str, ...]], bool]
"""Declares the variables an expression reads; False when one of them cannot be declared."""


def retry_strategy(text: str, use: Use) -> str:
    """A ``retryStrategy`` value the parser reads back as ``text`` (``exponential x5``,
    ``linear``, ``no retry``, ``default``, ``custom``), or the closest one."""
    matched = _ATTEMPTS.fullmatch(text)
    if matched is not None:
        function = (
            "createRetryStrategy" if matched[1] == "exponential" else "createLinearRetryStrategy"
        )
        use(function)
        return f"{function}({{ maxAttempts: {matched[2]} }})"
    presets = {"default": "default", "linear": "linear", "no retry": "noRetry"}
    if text in presets:
        use("retryPresets")
        return f"retryPresets.{presets[text]}"
    if text == "exponential":
        use("createRetryStrategy")
        return "createRetryStrategy({})"
    if text == "custom":
        return "(_error: Error, attempt: number) => ({ shouldRetry: attempt < 3 })"
    # A preset of another SDK (``transient``, ``critical``): the default strategy, noted.
    use("createRetryStrategy")
    return f"createRetryStrategy({{}}) /* {comment(text)} retry in the original */"


def wait_strategy(text: str | None, use: Use) -> str:
    """A ``waitStrategy`` the parser reads back as ``text`` (``polls up to 40x``)."""
    if text == "custom polling":
        return "(_state: unknown, _attempt: number) => ({ shouldContinue: false as const })"
    use("createWaitStrategy")
    matched = _POLLS.fullmatch(text or "")
    attempts = f"  maxAttempts: {matched[1]},\n" if matched is not None else ""
    test = "  shouldContinuePolling: (state: { done: boolean }) => !state.done,\n"
    return f"createWaitStrategy({{\n{attempts}{test}}})"


def completion(text: str) -> str:
    """A ``completionConfig`` object the parser reads back as ``text`` where TypeScript can say
    it; named rules of other SDKs become their thresholds, noted."""
    named = {
        "all successful": "{ toleratedFailureCount: 0 }",
        "all completed": "{ toleratedFailurePercentage: 100 }",
        "first successful": "{ minSuccessful: 1 }",
    }
    if text in named:
        return f"{named[text]} /* {comment(text)} in the original */"
    fields: list[str] = []
    for part in text.split(", "):
        matched = _COMPLETION_PART.fullmatch(part)
        if matched is None:
            return "{} /* " + comment(text) + " in the original */"
        if matched[1] is not None:
            fields.append(f"minSuccessful: {_number(matched[1])}")
        elif matched[3]:
            fields.append(f"toleratedFailurePercentage: {_number(matched[2])}")
        else:
            fields.append(f"toleratedFailureCount: {_number(matched[2])}")
    return "{ " + ", ".join(fields) + " }"


def _number(text: str) -> str:
    found = expression(text)
    return text if found is not None and not found.reads else "0"


def config_fields(config: Mapping[str, str], use: Use, reads: Reads) -> Settings:
    """The fields of an operation's config object for what ``config`` says (not a wait's
    duration, a map's item namer or a retry's backoff names: those are said elsewhere)."""
    fields: Settings = []
    for key, value in config.items():
        if key == "retry":
            fields.append(f"retryStrategy: {retry_strategy(value, use)}")
        elif key == "semantics":
            member = "AtMostOncePerRetry" if "most" in value else "AtLeastOncePerRetry"
            use("StepSemantics")
            fields.append(f"semantics: StepSemantics.{member}")
        elif key == "completion":
            fields.append(f"completionConfig: {completion(value)}")
        elif key == "max_concurrency":
            fields.append(f"maxConcurrency: {_expression(value, reads, '3')}")
        elif key == "nesting":
            use("NestingType")
            fields.append(f"nesting: NestingType.{'FLAT' if value == 'flat' else 'NESTED'}")
        elif key == "tenant":
            fields.append(f"tenantId: {_label_value(value, reads)}")
        elif key in ("timeout", "heartbeat_timeout"):
            duration = duration_object(value) or "{ minutes: 5 } /* " + comment(value) + " */"
            fields.append(f"{'timeout' if key == 'timeout' else 'heartbeatTimeout'}: {duration}")
        elif key == "virtual" and value == "true":
            fields.append("virtualContext: true")
        elif key == "wrap_in_child_context" and value == "false":
            fields.append("wrapWithRunInChildContext: false")
        elif key == "sub_type":
            fields.append(f"subType: {quote(value)}")
    return fields


def _expression(text: str, reads: Reads, fallback: str) -> str:
    found = expression(text)
    if found is not None and reads(found.reads):
        return found.code
    return f"{fallback} /* {comment(text)} in the original */"


def _label_value(label: str, reads: Reads) -> str:
    """A value the parser shows as ``label``: a literal, or ``{expression}``."""
    split = split_label(label)
    if split is None or not split[1]:
        return quote(label)
    texts, holes = split
    if len(holes) == 1 and texts == ("", ""):
        return _expression(holes[0], reads, "event.tenantId")
    return quote(label)
