"""The JSON Schema of the ``--format json`` document, shipped inside the package."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILE", "load_schema"]

SCHEMA_FILE = "workflow-graph.v1.json"
"""The schema's file name inside this package."""


def load_schema() -> dict[str, Any]:
    """Read the JSON Schema (draft 2020-12) that every JSON output validates against.

    Returns:
        The schema as a fresh dict; callers may change it without affecting later calls.
    """
    text = resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
