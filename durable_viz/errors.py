"""Errors the library raises. Only ``cli.py`` turns them into messages and exit codes."""

from __future__ import annotations

__all__ = [
    "DurableVizError",
    "InputError",
    "NoHandlerError",
    "SourceSyntaxError",
    "UnsupportedFormatError",
    "UnsupportedLanguageError",
]


class DurableVizError(Exception):
    """Base class: something about the input prevents a result.

    Attributes:
        path: the file concerned, if any.
        line: 1-based line, if known.
        column: 1-based column, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def location(self) -> str:
        """``FILE:LINE:COL`` (or as much of it as is known)."""
        parts = [self.path or "<stdin>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class InputError(DurableVizError):
    """The input cannot be read: missing, a directory where a file is needed, binary, not UTF-8."""


class SourceSyntaxError(DurableVizError):
    """The source does not parse."""


class NoHandlerError(DurableVizError):
    """The input parses but holds no durable handler."""


class UnsupportedLanguageError(DurableVizError):
    """No parser is registered for the file's extension."""


class UnsupportedFormatError(DurableVizError):
    """No renderer is registered under the requested name."""
