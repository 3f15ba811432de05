"""Run Mermaid's own parser (Node, ``tests/js/mermaid_check.mjs``) over diagram texts.

Node's start-up and Mermaid's import take most of a second, so texts are checked in one batch.
The first use installs the pinned packages (``npm ci``) when ``tests/js/node_modules`` is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["HARNESS_DIR", "check_mermaid"]

HARNESS_DIR = Path(__file__).parent / "js"
_SCRIPT = HARNESS_DIR / "mermaid_check.mjs"
_TIMEOUT = 300


def _ensure_installed(node: str) -> None:
    """Install the harness's packages once; a later run finds them and does nothing."""
    if (HARNESS_DIR / "node_modules" / "mermaid" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"npm is needed to install {HARNESS_DIR / 'node_modules'} (node is {node})")
    result = subprocess.run(
        [npm, "ci", "--prefix", str(HARNESS_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm ci failed in {HARNESS_DIR}:\n{result.stderr[-4000:]}")


def check_mermaid(texts: list[str]) -> list[str | None]:
    """Parse each text with the real Mermaid parser.

    Args:
        texts: Mermaid diagram texts.

    Returns:
        One entry per text, in order: ``None`` when Mermaid accepts it, else its error message.

    Raises:
        RuntimeError: the harness itself failed (not a diagram being refused).
    """
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the Mermaid parser check needs it")
    _ensure_installed(node)
    result = subprocess.run(
        [node, str(_SCRIPT)],
        input=json.dumps(texts),  # ASCII-only, so no text can upset the pipe's encoding
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{_SCRIPT.name} exited {result.returncode}:\n{result.stderr[-4000:]}")
    verdicts = json.loads(result.stdout)
    if not isinstance(verdicts, list) or len(verdicts) != len(texts):
        raise RuntimeError(f"{_SCRIPT.name} answered {result.stdout[:200]!r}")
    return [None if verdict["ok"] else str(verdict["error"]) for verdict in verdicts]
