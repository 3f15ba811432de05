"""Config builders read as annotations: ``StepConfig.builder().retryStrategy(...)...build()``,
``RetryStrategies.*``, ``CompletionConfig.*``, ``NestingType.FLAT``, tenants, callback timeouts
and ``isVirtual``, named and worded as the Python parser words them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from durable_viz.parsers.base import completion_text, retry_text
from durable_viz.parsers.java.module import field_of, named
from durable_viz.parsers.java.values import (
    Scope,
    evaluate_name,
    evaluate_number,
    read_duration,
)

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["chain", "read_config"]


# -- config builders -------------------------------------------------------------------------------


def chain(value: Node, scope: Scope) -> tuple[str, list[tuple[str, list[Node]]], Scope] | None:
    """A builder or factory chain ``Root.builder().a(x).b(y).build()`` as its root name and the
    ``(method, arguments)`` calls in order."""
    resolved, scope = scope.resolve(value)
    if isinstance(resolved, str):
        return None
    file = scope.file
    calls: list[tuple[str, list[Node]]] = []
    node: Node | None = resolved
    while node is not None and node.type == "method_invocation":
        name_node = field_of(node, "name")
        arguments = field_of(node, "arguments")
        calls.append(
            (
                file.text(name_node) if name_node is not None else "",
                named(arguments) if arguments is not None else [],
            )
        )
        node = field_of(node, "object")
    if node is None:
        return None
    calls.reverse()
    return file.text(node).rsplit(".", 1)[-1], calls, scope


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_RETRY_CONSTANTS = {"DEFAULT": "default", "LINEAR": "linear", "NO_RETRY": "no retry"}
_RETRY_FACTORIES = {
    "exponentialBackoff": "exponential",
    "linearBackoff": "linear",
    "fixedDelay": "fixed delay",
}


def _retry(value: Node, scope: Scope) -> str:
    resolved, resolved_scope = scope.resolve(value)
    if isinstance(resolved, str):
        return "custom"
    file = resolved_scope.file
    text = file.code(resolved)
    if resolved.type == "field_access" or text.startswith("RetryStrategies."):
        last = text.rsplit(".", 1)[-1]
        if last in _RETRY_CONSTANTS:
            return _RETRY_CONSTANTS[last]
    found = chain(resolved, resolved_scope)
    if found is not None and found[1]:
        method, args = found[1][0]
        if method in _RETRY_FACTORIES:
            attempts = evaluate_number(args[0], found[2]) if args else None
            return retry_text(
                _RETRY_FACTORIES[method], int(attempts) if attempts is not None else None
            )
    if resolved.type == "null_literal":
        return "default"
    return "custom"


_COMPLETION_FACTORIES = frozenset({"allSuccessful", "allCompleted", "firstSuccessful"})
_COMPLETION_COUNTS = {
    "minSuccessful": "min_successful",
    "toleratedFailureCount": "tolerated_count",
    "toleratedFailurePercentage": "tolerated_percentage",
}


_COMPLETION_FIELDS = ("min_successful", "tolerated_count", "tolerated_percentage")
"""The components of the ``CompletionConfig`` record, in order."""


def _completion(value: Node, scope: Scope) -> str:
    resolved, resolved_scope = scope.resolve(value)
    if not isinstance(resolved, str) and resolved.type == "object_creation_expression":
        # ``new CompletionConfig(minSuccessful, toleratedFailureCount, percentage)``
        type_node = field_of(resolved, "type")
        arguments = field_of(resolved, "arguments")
        args = named(arguments) if arguments is not None else []
        file = resolved_scope.file
        if type_node is None or not file.text(type_node).endswith("CompletionConfig"):
            return "custom completion"
        if len(args) != len(_COMPLETION_FIELDS):
            return "custom completion"
        given: dict[str, str] = {}
        for key, arg in zip(_COMPLETION_FIELDS, args, strict=True):
            if arg.type == "null_literal":
                continue
            number = evaluate_number(arg, resolved_scope)
            given[key] = f"{number:g}" if number is not None else file.code(arg)
        return completion_text(**given) if given else "custom completion"
    found = chain(value, scope)
    if found is None:
        return "custom completion"
    _, calls, found_scope = found
    counts: dict[str, str] = {}
    for method, args in calls:
        if method in _COMPLETION_FACTORIES:
            return completion_text(_snake(method))
        if method in _COMPLETION_COUNTS and args:
            number = evaluate_number(args[0], found_scope)
            counts[_COMPLETION_COUNTS[method]] = (
                f"{number:g}" if number is not None else found_scope.file.code(args[0])
            )
    if not counts:
        return "custom completion"
    return completion_text(
        min_successful=counts.get("min_successful"),
        tolerated_count=counts.get("tolerated_count"),
        tolerated_percentage=counts.get("tolerated_percentage"),
    )


_WAIT_DEFAULT_ATTEMPTS = 60
"""``WaitStrategies.Presets.DEFAULT`` (and ``defaultStrategy()``) polls at most 60 times."""


def _wait_strategy(value: Node, scope: Scope) -> str:
    """``WaitStrategies.exponentialBackoff(maxAttempts, initialDelay, maxDelay, backoffRate,
    jitter)``, ``fixedDelay(maxAttempts, delay)``, ``defaultStrategy()`` or ``Presets.DEFAULT``,
    worded as the Python parser words ``max_attempts``."""
    resolved, resolved_scope = scope.resolve(value)
    if isinstance(resolved, str):
        return "custom polling"
    text = resolved_scope.file.code(resolved)
    if resolved.type == "field_access" and text.startswith("WaitStrategies."):
        if text.rsplit(".", 1)[-1] == "DEFAULT":
            return f"polls up to {_WAIT_DEFAULT_ATTEMPTS}x"
        return "custom polling"
    found = chain(resolved, resolved_scope)
    if found is None or found[0] != "WaitStrategies" or not found[1]:
        return "custom polling"
    method, args = found[1][0]
    if method == "defaultStrategy":
        return f"polls up to {_WAIT_DEFAULT_ATTEMPTS}x"
    if method in ("exponentialBackoff", "fixedDelay") and args:
        attempts = evaluate_number(args[0], found[2])
        if attempts is not None:
            return f"polls up to {attempts:g}x"
        return method.replace("Backoff", " backoff").replace("Delay", " delay").lower()
    return "custom polling"


def read_config(value: Node, scope: Scope) -> tuple[dict[str, str], list[str], Node | None]:
    """A config builder's settings, the annotations to show for them, and its item namer.

    Returns:
        ``(config, annotations, item_namer)`` as the Python parser's ``read_config`` does, so
        the same settings read the same in every language.
    """
    config: dict[str, str] = {}
    notes: list[str] = []
    namer: list[Node] = []
    _read_config(value, scope, config, notes, namer, 0)
    return config, notes, namer[0] if namer else None


def _read_config(
    value: Node,
    scope: Scope,
    config: dict[str, str],
    notes: list[str],
    namer: list[Node],
    depth: int,
) -> None:
    found = chain(value, scope)
    if found is None or depth > 4:
        return
    root, calls, scope = found
    file = scope.file
    if root == "CompletionConfig":
        config["completion"] = _completion(value, scope)
        notes.append(config["completion"])
        return
    for method, args in calls:
        if not args or args[0].type == "null_literal":
            continue
        argument = args[0]
        if method == "retryStrategy":
            config["retry"] = _retry(argument, scope)
            notes.append(f"retry: {config['retry']}")
        elif method in ("semanticsPerRetry", "semantics", "stepSemantics"):
            text = file.code(argument).rsplit(".", 1)[-1]
            config["semantics"] = text.lower().replace("_", " ")
            if "MOST" in text:
                notes.append("at most once")
        elif method == "completionConfig":
            config["completion"] = _completion(argument, scope)
            notes.append(config["completion"])
        elif method == "maxConcurrency":
            number = evaluate_number(argument, scope)
            config["max_concurrency"] = f"{number:g}" if number is not None else file.code(argument)
            notes.append(f"max {config['max_concurrency']} at once")
        elif method == "nestingType":
            text = file.code(argument).rsplit(".", 1)[-1].lower()
            config["nesting"] = text
            if text == "flat":
                notes.append("flat")
        elif method == "tenantId":
            config["tenant"] = evaluate_name(argument, scope).label or "?"
            notes.append(f"tenant {config['tenant']}")
        elif method in ("timeout", "heartbeatTimeout"):
            key = "timeout" if method == "timeout" else "heartbeat_timeout"
            text = read_duration(argument, scope) or file.code(argument, 24)
            config[key] = text
            notes.append(f"{'timeout' if key == 'timeout' else 'heartbeat'} {text}")
        elif method == "isVirtual":
            if file.code(argument) == "true":
                config["virtual"] = "true"
                notes.append("virtual")
        elif method == "waitStrategy":
            config["wait_strategy"] = _wait_strategy(argument, scope)
            notes.append(config["wait_strategy"])
        elif method in ("wrapInChildContext", "wrapWithRunInChildContext"):
            config["wrap_in_child_context"] = file.code(argument).lower()
        elif method == "itemNamer":
            # ``itemNamer(fn)`` or the typed ``itemNamer(Order.class, fn)``: the function is last.
            config["item_namer"] = file.code(args[-1], 80)
            namer.append(args[-1])
        elif method in ("stepConfig", "callbackConfig", "childContextConfig"):
            _read_config(argument, scope, config, notes, namer, depth + 1)
