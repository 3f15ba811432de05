"""A node's ``config`` (as the parsers write it, in any language) back as .NET SDK config
objects: ``new StepConfig { RetryStrategy = ... }``, ``CompletionConfig.AllSuccessful()``,
``TimeSpan.FromMinutes(15)``.

Each reader returns the C# text, or ``None`` with nothing written when the setting has no
C# spelling (the caller then leaves a comment saying what the source had).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from durable_viz.emit.common import pascal
from durable_viz.emit.csharp_text import Lines

__all__ = ["completion", "config_object", "retry", "timespan", "wait_strategy"]

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_FACTORIES = (("FromDays", 86400), ("FromHours", 3600), ("FromMinutes", 60), ("FromSeconds", 1))
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_RETRY_PRESETS = {
    "no retry": "RetryStrategy.None",
    "none": "RetryStrategy.None",
    "default": "RetryStrategy.Default",
    "transient": "RetryStrategy.Transient",
    "fixed delay": "RetryStrategy.Fixed",
}
_BACKOFF = re.compile(r"(exponential|linear)(?: x(\d+))?")
_POLLS = re.compile(r"polls up to (\d+)x")
_COMPLETION_RULES = {
    "all successful": "CompletionConfig.AllSuccessful()",
    "all completed": "CompletionConfig.AllCompleted()",
    "first successful": "CompletionConfig.FirstSuccessful()",
}
_COMPLETION_PARTS = (
    (re.compile(r"min (\S+) successful"), "MinSuccessful"),
    (re.compile(r"tolerates (\S+?)% failures"), "ToleratedFailurePercentage"),
    (re.compile(r"tolerates (\S+) failures"), "ToleratedFailureCount"),
)
_NUMBER = re.compile(r"\d+(\.\d+)?")


def timespan(text: str) -> str | None:
    """``1h 30m`` (as ``duration_text`` writes it) as ``TimeSpan.FromMinutes(90)``."""
    parts = text.split()
    if not parts or not all(_DURATION.fullmatch(p) for p in parts):
        return None
    seconds = 0.0
    for part in parts:
        found = _DURATION.fullmatch(part)
        assert found is not None
        seconds += float(found.group(1)) * _UNITS[found.group(2)]
    if seconds == 0:
        return "TimeSpan.Zero"
    for factory, size in _FACTORIES:
        if seconds % size == 0:
            return f"TimeSpan.{factory}({int(seconds // size)})"
    return f"TimeSpan.FromMilliseconds({round(seconds * 1000)})"


def retry(text: str) -> str:
    """A retry text (``exponential x5``, ``no retry``, ``critical``) as a ``RetryStrategy``."""
    preset = _RETRY_PRESETS.get(text)
    if preset is not None:
        return preset
    backoff = _BACKOFF.fullmatch(text)
    if backoff is not None:
        attempts = f"maxAttempts: {backoff.group(2)}" if backoff.group(2) else ""
        return f"RetryStrategy.{backoff.group(1).capitalize()}({attempts})"
    if text == "custom":
        return "RetryStrategy.FromDelegate((error, attempt) => throw new NotImplementedException())"
    return f"RetryStrategy.{pascal(text, fallback='Default')}"


def completion(text: str) -> str | None:
    """A completion text (``all successful``, ``tolerates 2 failures``) as a config."""
    rule = _COMPLETION_RULES.get(text)
    if rule is not None:
        return rule
    settings: list[str] = []
    rest = text
    for pattern, key in _COMPLETION_PARTS:
        found = pattern.search(rest)
        if found is not None and _NUMBER.fullmatch(found.group(1)):
            settings.append(f"{key} = {found.group(1)}")
            rest = rest.replace(found.group(0), "")
    if not settings:
        return None
    return "new CompletionConfig { " + ", ".join(settings) + " }"


def wait_strategy(text: str) -> str:
    """A polling text (``polls up to 30x``, ``linear polling``) as a ``WaitStrategy``."""
    polls = _POLLS.fullmatch(text)
    if polls is not None:
        return f"WaitStrategy.Exponential(maxAttempts: {polls.group(1)})"
    kind = text.removesuffix(" polling")
    if kind in ("exponential", "linear", "fixed"):
        return f"WaitStrategy.{kind.capitalize()}()"
    return "WaitStrategy.FromDelegate((state, attempt) => throw new NotImplementedException())"


Setting = Callable[[str], str | None]


def config_object(
    type_name: str,
    config: Mapping[str, str],
    settings: Mapping[str, tuple[str, Setting]],
    extra: Lines | None = None,
) -> Lines | None:
    """``new <type_name> { Key = value, ... }`` for the config keys ``settings`` knows (key ->
    (property, how to write the value)); a comment for each value it cannot write. ``extra``
    lines go first (settings a caller writes itself). ``None`` when nothing is set."""
    lines: Lines = list(extra or [])
    for key, value in config.items():
        if key not in settings:
            continue
        prop, write = settings[key]
        written = write(value)
        if written is None:
            lines.append(f"// TODO: {prop} was {value!r} in the source")
        else:
            lines.append(f"{prop} = {written},")
    if not lines:
        return None
    return [f"new {type_name}", "{", *("    " + line for line in lines), "}"]


def number(text: str) -> str | None:
    """A number as written (``10``), or ``None`` for an expression of another language."""
    return text if _NUMBER.fullmatch(text) else None
