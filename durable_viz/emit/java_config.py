"""A node's ``config`` written back as the Java SDK's config builders.

Parsers word config the same in every language (``retry: exponential x5``, ``completion: all
successful``, ``max_concurrency: 3``...); each setting is written here as the builder call that
reads back to it. A setting Java has no builder call for is left out of the code and kept in a
comment above the call, so nothing is lost silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from durable_viz.emit.java_values import duration, quote
from durable_viz.graph import Kind

__all__ = ["Config", "config_for"]

_ATTEMPTS = re.compile(r"(exponential|linear|fixed delay)(?: x(\d+))?")
_POLLS = re.compile(r"polls up to (\d+)x")
_COMPLETION_PART = re.compile(
    r"(min (\S+) successful|tolerates (\S+)% failures|tolerates (\S+) failures)"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_CONFIG_CLASS = {
    Kind.STEP: "StepConfig",
    Kind.MAP: "MapConfig",
    Kind.PARALLEL: "ParallelConfig",
    Kind.INVOKE: "InvokeConfig",
    Kind.CREATE_CALLBACK: "CallbackConfig",
    Kind.WAIT_FOR_CALLBACK: "WaitForCallbackConfig",
    Kind.WAIT_FOR_CONDITION: "WaitForConditionConfig",
    Kind.CHILD_CONTEXT: "RunInChildContextConfig",
    Kind.WITH_RETRY: "WithRetryConfig",
}

# Settings every kind carries that the code shows otherwise (a wait's duration, names derived
# from the operation's own name, the item namer written from the item blocks).
_SHOWN_ELSEWHERE = frozenset({"duration", "backoff_waits", "item_namer"})


@dataclass
class Config:
    """The builder expression for one operation, the imports it needs, and what it leaves out."""

    expression: str | None = None
    imports: set[str] = field(default_factory=set)
    dropped: list[str] = field(default_factory=list)
    stubs: set[str] = field(default_factory=set)
    """Placeholder methods the expression calls (``customRetryStrategy``...)."""
    constants: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Constants the expression reads: name -> (type, value), strategies built by a factory."""


def _retry(text: str, result: Config) -> str:
    result.imports.add("software.amazon.lambda.durable.retry.RetryStrategies")
    presets = {"default": "DEFAULT", "linear": "LINEAR", "no retry": "NO_RETRY"}
    if text in presets:
        return f"RetryStrategies.Presets.{presets[text]}"
    match = _ATTEMPTS.fullmatch(text)
    if match is not None:
        kind, attempts = match.groups()
        # An attempt count the source did not show stays unshown: read from a system property.
        count = attempts or 'Integer.getInteger("maxAttempts", 3)'
        if kind == "exponential":
            factory = "exponentialBackoff"
            arguments = (
                f"{count}, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, JitterStrategy.FULL"
            )
        elif kind == "linear":
            factory = "linearBackoff"
            arguments = f"{count}, Duration.ofSeconds(1), Duration.ofSeconds(1)"
        else:
            factory = "fixedDelay"
            arguments = f"{count}, Duration.ofSeconds(5)"
        name = "_".join(["RETRY", *kind.upper().split(), *([attempts] if attempts else [])])
        result.constants[name] = ("RetryStrategy", f"RetryStrategies.{factory}({arguments})")
        return name
    result.dropped.append(f"retry strategy was: {text}")
    result.stubs.add("customRetryStrategy")
    return "customRetryStrategy()"


def _completion(text: str, imports: set[str]) -> str:
    imports.add("software.amazon.lambda.durable.config.CompletionConfig")
    factories = {
        "all successful": "allSuccessful",
        "all completed": "allCompleted",
        "first successful": "firstSuccessful",
    }
    if text in factories:
        return f"CompletionConfig.{factories[text]}()"
    minimum = tolerated = percentage = None
    for match in _COMPLETION_PART.finditer(text):
        minimum = match.group(2) or minimum
        percentage = match.group(3) or percentage
        tolerated = match.group(4) or tolerated
    given = [
        (name, value)
        for name, value in (
            ("minSuccessful", minimum),
            ("toleratedFailureCount", tolerated),
            ("toleratedFailurePercentage", percentage),
        )
        if value is not None and _NUMBER.fullmatch(value)
    ]
    if len(given) == 1:
        return f"CompletionConfig.{given[0][0]}({given[0][1]})"
    if given:
        values = dict(given)
        return (
            f"new CompletionConfig({values.get('minSuccessful', 'null')}, "
            f"{values.get('toleratedFailureCount', 'null')}, "
            f"{values.get('toleratedFailurePercentage', 'null')})"
        )
    return "CompletionConfig.allCompleted() /* TODO: " + text.replace("*/", "* /") + " */"


def _wait_strategy(text: str, result: Config) -> str:
    result.imports.add("software.amazon.lambda.durable.retry.WaitStrategies")
    match = _POLLS.fullmatch(text)
    if match is not None:
        if match.group(1) == "60":
            return "WaitStrategies.defaultStrategy()"
        name = f"POLL_UP_TO_{match.group(1)}"
        arguments = (
            f"{match.group(1)}, Duration.ofSeconds(5), Duration.ofMinutes(5), 1.5, "
            "JitterStrategy.FULL"
        )
        result.constants[name] = (
            "WaitForConditionWaitStrategy<Object>",
            f"WaitStrategies.exponentialBackoff({arguments})",
        )
        return name
    result.dropped.append(f"wait strategy was: {text}")
    result.stubs.add("customWaitStrategy")
    return "customWaitStrategy()"


def _calls(kind: Kind, config: Mapping[str, str], result: Config) -> list[str]:
    """The builder calls (``.maxConcurrency(3)``) for the settings ``kind`` takes."""
    imports, dropped, stubs = result.imports, result.dropped, result.stubs
    calls: list[str] = []
    retry_kinds = (Kind.STEP, Kind.WITH_RETRY, Kind.WAIT_FOR_CALLBACK)
    for key, value in config.items():
        if key in _SHOWN_ELSEWHERE:
            continue
        if key == "retry" and kind in retry_kinds:
            strategy = _retry(value, result)
            if kind is Kind.WAIT_FOR_CALLBACK:
                imports.add("software.amazon.lambda.durable.config.StepConfig")
                calls.append(f".stepConfig(StepConfig.builder().retryStrategy({strategy}).build())")
            else:
                calls.append(f".retryStrategy({strategy})")
        elif key == "semantics" and kind is Kind.STEP:
            imports.add("software.amazon.lambda.durable.config.StepSemantics")
            constant = value.upper().replace(" ", "_")
            calls.append(f".semanticsPerRetry(StepSemantics.{constant})")
        elif key == "completion" and kind in (Kind.MAP, Kind.PARALLEL):
            calls.append(f".completionConfig({_completion(value, imports)})")
        elif key == "max_concurrency" and kind in (Kind.MAP, Kind.PARALLEL):
            if value.isdigit():
                calls.append(f".maxConcurrency({value})")
            else:
                dropped.append(f"max concurrency was: {value}")
                stubs.add("maxConcurrency")
                calls.append(".maxConcurrency(maxConcurrency())")
        elif key == "nesting" and kind in (Kind.MAP, Kind.PARALLEL):
            imports.add("software.amazon.lambda.durable.config.NestingType")
            calls.append(f".nestingType(NestingType.{value.upper()})")
        elif key == "tenant" and kind is Kind.INVOKE:
            tenant = _tenant(value)
            if tenant.startswith("tenantId("):
                stubs.add("tenantId")
            calls.append(f".tenantId({tenant})")
        elif key in ("timeout", "heartbeat_timeout") and kind in (
            Kind.CREATE_CALLBACK,
            Kind.WAIT_FOR_CALLBACK,
        ):
            written = duration(value)
            if written is None:
                dropped.append(f"{key} was: {value}")
                continue
            method = "timeout" if key == "timeout" else "heartbeatTimeout"
            calls.append(f".{method}({written})")
        elif key == "virtual" and kind is Kind.CHILD_CONTEXT:
            calls.append(f".isVirtual({'true' if value == 'true' else 'false'})")
        elif key == "wait_strategy" and kind is Kind.WAIT_FOR_CONDITION:
            calls.append(f".waitStrategy({_wait_strategy(value, result)})")
        elif key == "wrap_in_child_context" and kind is Kind.WITH_RETRY:
            calls.append(f".wrapInChildContext({'true' if value == 'true' else 'false'})")
        else:
            dropped.append(f"{key}: {value}")
    return calls


def _tenant(value: str) -> str:
    """A tenant id: the literal, or a placeholder for one only known at run time."""
    if value.startswith("{") and value.endswith("}"):
        return "tenantId(input)"
    return quote(value)


def config_for(kind: Kind, config: Mapping[str, str]) -> Config:
    """The config builder of one operation (``StepConfig.builder()...build()``), or none."""
    result = Config()
    class_name = _CONFIG_CLASS.get(kind)
    if class_name is None:
        result.dropped.extend(f"{k}: {v}" for k, v in config.items() if k not in _SHOWN_ELSEWHERE)
        return result
    calls = _calls(kind, config, result)
    if kind is Kind.WAIT_FOR_CALLBACK:
        # Timeouts belong to the callback the operation creates.
        timeouts = [c for c in calls if c.startswith((".timeout(", ".heartbeatTimeout("))]
        if timeouts:
            result.imports.add("software.amazon.lambda.durable.config.CallbackConfig")
            calls = [c for c in calls if c not in timeouts]
            calls.insert(0, f".callbackConfig(CallbackConfig.builder(){''.join(timeouts)}.build())")
    if not calls:
        return result
    result.imports.add(f"software.amazon.lambda.durable.config.{class_name}")
    builder = (
        f"{class_name}.<Object>builder()"
        if kind is Kind.WAIT_FOR_CONDITION
        else (f"{class_name}.builder()")
    )
    result.expression = builder + "".join(calls) + ".build()"
    return result
