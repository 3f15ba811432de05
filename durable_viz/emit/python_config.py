"""A node's ``config`` (as any parser reads it) written back as the Python SDK's config objects:
``StepConfig``, ``ParallelConfig``, ``MapConfig``, ``CallbackConfig``... Settings the Python
SDK has no place for are returned as notes for a comment."""

from __future__ import annotations

from collections.abc import Mapping

from durable_viz.emit.python_module import Call, Module, keyword
from durable_viz.emit.python_values import (
    duration_call,
    identifier,
    is_identifier,
    note,
    py_string,
)
from durable_viz.graph import Kind

__all__ = ["completion_expression", "config_argument", "retry_expression"]

_PRESETS = {
    "no retry": "none",
    "none": "none",
    "default": "default",
    "transient": "transient",
    "resource availability": "resource_availability",
    "critical": "critical",
    "linear": "linear",
    "fixed delay": "fixed",
    "fixed": "fixed",
}

_CONFIG_CLASS = {
    Kind.STEP: "StepConfig",
    Kind.INVOKE: "InvokeConfig",
    Kind.CHILD_CONTEXT: "ChildConfig",
    Kind.MAP: "MapConfig",
    Kind.PARALLEL: "ParallelConfig",
    Kind.CREATE_CALLBACK: "CallbackConfig",
    Kind.WAIT_FOR_CALLBACK: "WaitForCallbackConfig",
    Kind.WITH_RETRY: "WithRetryConfig",
}

# Which settings each config class holds, in the order they are written.
_FIELDS: dict[str, tuple[str, ...]] = {
    "StepConfig": ("retry", "semantics"),
    "InvokeConfig": ("tenant",),
    "ChildConfig": ("sub_type", "virtual"),
    "MapConfig": ("max_concurrency", "completion", "nesting"),
    "ParallelConfig": ("max_concurrency", "completion", "nesting"),
    "CallbackConfig": ("timeout", "heartbeat_timeout"),
    "WaitForCallbackConfig": ("timeout", "heartbeat_timeout", "retry"),
    "WithRetryConfig": ("retry", "wrap_in_child_context"),
}

# Settings that are not config at all in the model: what the node is, not how it runs.
_NOT_SETTINGS = frozenset({"duration", "backoff_waits", "item_namer", "wait_strategy"})


def retry_expression(text: str, module: Module, owner: str) -> str:
    """A retry strategy for an annotation text: a preset, ``create_retry_strategy(...)``, or a
    stub strategy for a custom one (named after ``owner``, the operation it retries)."""
    preset = _PRESETS.get(text)
    if preset is not None:
        return f"{module.use('RetryPresets')}.{preset}()"
    kind, _, attempts = text.partition(" x")
    count = attempts if attempts.isdigit() else None
    if kind == "exponential":
        if count is None:
            return f"{module.use('create_retry_strategy')}()"
        config = f"{module.use('RetryStrategyConfig')}(max_attempts={count})"
        return f"{module.use('create_retry_strategy')}({config})"
    if kind == "linear" and count is not None:
        config = f"{module.use('LinearRetryStrategyConfig')}(max_attempts={count})"
        return f"{module.use('create_linear_retry_strategy')}({config})"

    def make(name: str) -> list[str]:
        error = module.use("RetryDecision")
        return [
            f"def {name}(error: Exception, attempts_made: int) -> {error}:",
            f"    # TODO: the retry strategy of {note(owner)} ({note(text)}).",
            "    if attempts_made >= 3:",
            f"        return {error}.no_retry()",
            f"    return {error}.retry({module.use('Duration')}.from_seconds(5))",
        ]

    return module.stub("strategies", f"{owner}:{text}", f"{identifier(owner)}_retry", make)


def completion_expression(text: str, module: Module) -> str:
    """``CompletionConfig.first_successful()`` or ``CompletionConfig(min_successful=...)``."""
    completion = module.use("CompletionConfig")
    factory = text.replace(" ", "_")
    if factory in ("first_successful", "all_completed", "all_successful"):
        return f"{completion}.{factory}()"
    fields: list[str] = []
    for part in text.split(", "):
        words = part.split()
        if part.startswith("min ") and part.endswith(" successful") and len(words) == 3:
            fields.append(f"min_successful={_number(words[1])}")
        elif part.startswith("tolerates ") and part.endswith("% failures") and len(words) == 3:
            fields.append(f"tolerated_failure_percentage={_number(words[1][:-1])}")
        elif part.startswith("tolerates ") and part.endswith(" failures") and len(words) == 3:
            fields.append(f"tolerated_failure_count={_number(words[1])}")
    return f"{completion}({', '.join(fields)})"


def _number(text: str) -> str:
    try:
        float(text)
    except ValueError:
        return "0  # " + text
    return text


def config_argument(
    kind: Kind,
    config: Mapping[str, str],
    module: Module,
    owner: str,
    extra: tuple[str | Call, ...] = (),
) -> tuple[str | Call | None, list[str]]:
    """The ``config=`` value for a node (None when it sets nothing) and the settings the
    Python SDK has no place for, as ``key: value`` notes."""
    class_name = _CONFIG_CLASS.get(kind)
    fields = _FIELDS.get(class_name or "", ())
    args: list[str | Call] = []
    leftover: list[str] = []
    for key, value in config.items():
        if key in _NOT_SETTINGS or key == "tenant":  # the caller writes the tenant
            continue
        if key not in fields:
            leftover.append(f"{key}: {value}")
    for key in fields:
        setting = config.get(key)
        if setting is None:
            continue
        written = _setting(key, setting, module, owner)
        if written is None:
            leftover.append(f"{key}: {setting}")
        else:
            args.append(written)
    args.extend(extra)
    if class_name is None or not args:
        return None, leftover
    return Call(module.use(class_name), tuple(args)), leftover


def _setting(key: str, value: str, module: Module, owner: str) -> str | Call | None:
    if key == "retry":
        return keyword("retry_strategy", retry_expression(value, module, owner))
    if key == "semantics":
        member = "AT_MOST_ONCE_PER_RETRY" if "most" in value else "AT_LEAST_ONCE_PER_RETRY"
        return f"step_semantics={module.use('StepSemantics')}.{member}"
    if key == "completion":
        return keyword("completion_config", completion_expression(value, module))
    if key == "max_concurrency":
        if value.isdigit():
            return f"max_concurrency={value}"
        return None
    if key == "nesting":
        member = "FLAT" if value.lower() == "flat" else "NESTED"
        return f"nesting_type={module.use('NestingType')}.{member}"
    if key in ("timeout", "heartbeat_timeout"):
        duration = duration_call(value)
        if duration is None:
            return None
        module.use("Duration")
        return f"{key}={duration}"
    if key == "virtual":
        return "is_virtual=True" if value == "true" else None
    if key == "wrap_in_child_context":
        return "wrap_with_run_in_child_context=False" if value == "false" else None
    if key == "sub_type":
        text = value.strip("{}")
        return f"sub_type={py_string(text)}" if text else None
    if key == "tenant":
        return None  # written by the caller: it may be a dynamic value
    return None


def wait_strategy(text: str | None, module: Module) -> Call:
    """``create_wait_strategy(WaitStrategyConfig(...))`` for ``polls up to 40x``; the SDK's
    default (60 polls) when the text says nothing readable."""
    attempts = None
    if text is not None and text.startswith("polls up to ") and text.endswith("x"):
        count = text[len("polls up to ") : -1]
        attempts = count if count.isdigit() else None
    args: list[str | Call] = ['should_continue_polling=lambda state: not state.get("done")']
    if attempts is not None:
        args.append(f"max_attempts={attempts}")
    strategy = Call(module.use("WaitStrategyConfig"), tuple(args))
    return Call(module.use("create_wait_strategy"), (strategy,))


def is_plain_name(text: str) -> bool:
    """True for a name usable as written in Python code."""
    return is_identifier(text)
