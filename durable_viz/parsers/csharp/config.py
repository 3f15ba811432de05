"""Config objects of the .NET SDK (``new StepConfig { ... }``,
``CompletionConfig.FirstSuccessful()``...) as settings and the short annotations the diagram
shows under an operation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.parsers.base import completion_text, retry_text
from durable_viz.parsers.csharp.scope import Binding, Scope
from durable_viz.parsers.csharp.syntax import arguments, callee, last_name, named, simple_name, text
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.csharp.values import evaluate_name, evaluate_number, read_duration

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["read_config", "words"]


def words(identifier: str) -> str:
    """``AtMostOncePerRetry`` as ``at most once per retry``."""
    out: list[str] = []
    for index, letter in enumerate(identifier):
        if index and letter.isupper() and not identifier[index - 1].isupper():
            out.append(" ")
        out.append(letter.lower())
    return "".join(out)


_PRESETS = {
    "None": "no retry",
    "Default": "default",
    "Transient": "transient",
    "Fixed": "fixed delay",
}
_COMPLETION_FACTORIES = frozenset({"AllSuccessful", "AllCompleted", "FirstSuccessful"})


def _factory(node: Node) -> tuple[str | None, str | None, list[Node]]:
    """``(owner, member, args)`` of ``Owner.Member`` or ``Owner.Member(args)``."""
    if node.type == "invocation_expression":
        receiver, method = callee(node)
        owner = last_name(receiver) if receiver is not None else None
        return owner, method, [a.value for a in arguments(node)]
    if node.type == "member_access_expression":
        receiver = child(node, "expression")
        name = child(node, "name")
        owner = last_name(receiver) if receiver is not None else None
        return owner, simple_name(name) if name is not None else None, []
    return None, None, []


def _named_number(node: Node, key: str, scope: Scope) -> float | None:
    for argument in arguments(node):
        if argument.name == key:
            return evaluate_number(argument.value, scope)
    return None


def _retry(node: Node, scope: Scope) -> str:
    resolved = scope.resolve(node)
    if not isinstance(resolved, tuple):
        return "custom"
    node, scope = resolved
    if node.type == "null_literal":
        return "default"
    owner, member, _ = _factory(node)
    if owner == "RetryStrategy" and member is not None:
        if member in _PRESETS:
            return _PRESETS[member]
        if member in ("Exponential", "Linear"):
            attempts = _named_number(node, "maxAttempts", scope)
            return retry_text(member.lower(), int(attempts) if attempts is not None else None)
        if member == "FromDelegate":
            return "custom"
        return words(member)
    return "custom"


def _completion(node: Node, scope: Scope) -> str:
    resolved = scope.resolve(node)
    if not isinstance(resolved, tuple):
        return "custom completion"
    node, scope = resolved
    owner, member, _ = _factory(node)
    if owner == "CompletionConfig" and member in _COMPLETION_FACTORIES:
        return completion_text(words(member).replace(" ", "_"))
    settings = _initializer(node)
    if settings is None:
        return "custom completion"

    def number(key: str) -> str | None:
        value = settings.get(key)
        if value is None:
            return None
        found = evaluate_number(value, scope)
        return f"{found:g}" if found is not None else scope.file.code(value)

    return completion_text(
        min_successful=number("MinSuccessful"),
        tolerated_count=number("ToleratedFailureCount"),
        tolerated_percentage=number("ToleratedFailurePercentage"),
    )


def _wait_strategy(node: Node, scope: Scope) -> str:
    resolved = scope.resolve(node)
    if not isinstance(resolved, tuple):
        return "custom polling"
    node, scope = resolved
    owner, member, _ = _factory(node)
    if owner == "WaitStrategy" and member in ("Exponential", "Linear", "Fixed"):
        attempts = _named_number(node, "maxAttempts", scope)
        if attempts is not None:
            return f"polls up to {attempts:g}x"
        return f"{member.lower()} polling"
    return "custom polling"


def _initializer(node: Node) -> dict[str, Node] | None:
    """``Key = value`` settings of an object creation's initializer (``None``: not one)."""
    if node.type not in ("object_creation_expression", "implicit_object_creation_expression"):
        return None
    settings: dict[str, Node] = {}
    initializer = child(node, "initializer") or next(
        (c for c in named(node) if c.type == "initializer_expression"), None
    )
    for argument in arguments(node):
        if argument.name is not None:
            settings[argument.name[:1].upper() + argument.name[1:]] = argument.value
    if initializer is not None:
        for assignment in named(initializer):
            left, right = child(assignment, "left"), child(assignment, "right")
            if (
                assignment.type == "assignment_expression"
                and left is not None
                and right is not None
            ):
                settings[text(left)] = right
    return settings


def read_config(node: Node, scope: Scope) -> tuple[dict[str, str], list[str], Binding | None]:
    """A config object's settings, the annotations to show for them, and its item namer.

    Returns:
        ``(config, annotations, item_namer)``: settings by key, short texts for the diagram, and
        the ``ItemNamer`` of a ``MapConfig`` if it has one.
    """
    config: dict[str, str] = {}
    notes: list[str] = []
    resolved = scope.resolve(node)
    if not isinstance(resolved, tuple):
        return config, notes, None
    node, scope = resolved
    settings = _initializer(node)
    if settings is None:
        return config, notes, None
    item_namer: Binding | None = None
    for key, value in settings.items():
        if value.type == "null_literal":
            continue
        if key == "RetryStrategy":
            config["retry"] = _retry(value, scope)
            notes.append(f"retry: {config['retry']}")
        elif key == "Semantics":
            member = last_name(value) or scope.file.code(value)
            config["semantics"] = words(member)
            if member.startswith("AtMost"):
                notes.append("at most once")
        elif key == "CompletionConfig":
            config["completion"] = _completion(value, scope)
            notes.append(config["completion"])
        elif key == "MaxConcurrency":
            found = evaluate_number(value, scope)
            config["max_concurrency"] = (
                f"{found:g}" if found is not None else scope.file.code(value)
            )
            notes.append(f"max {config['max_concurrency']} at once")
        elif key == "NestingType":
            config["nesting"] = words(last_name(value) or scope.file.code(value))
            if config["nesting"] == "flat":
                notes.append("flat")
        elif key == "TenantId":
            config["tenant"] = evaluate_name(value, scope).label or "?"
            notes.append(f"tenant {config['tenant']}")
        elif key in ("Timeout", "HeartbeatTimeout"):
            shown = read_duration(value, scope) or scope.file.code(value, 24)
            name = "timeout" if key == "Timeout" else "heartbeat_timeout"
            config[name] = shown
            notes.append(f"{'timeout' if key == 'Timeout' else 'heartbeat'} {shown}")
        elif key == "WaitStrategy":
            config["wait_strategy"] = _wait_strategy(value, scope)
            notes.append(config["wait_strategy"])
        elif key == "SubType":
            config["sub_type"] = evaluate_name(value, scope).label or "?"
        elif key == "ItemNamer":
            config["item_namer"] = scope.file.code(value, 80)
            item_namer = (value, scope)
    return config, notes, item_namer
