"""The VS Code extension's folder, checked from Python: what CI's clean clone relies on.

The extension's own tests (node:test, run by ``npm test --prefix vscode-extension``) cover its
behaviour; these check the things between the two halves: the protocol version both sides speak,
and that the npm manifest, its lock file and the ignore files keep builds reproducible and
outputs out of the repository and the .vsix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from durable_viz import serve

EXTENSION = Path(__file__).resolve().parent.parent / "vscode-extension"
ALLOWED_DEV = {"typescript", "esbuild", "@types/vscode", "@types/node", "@vscode/vsce"}


def _json(name: str) -> Any:
    return json.loads((EXTENSION / name).read_text(encoding="utf-8"))


def test_client_speaks_the_cli_protocol() -> None:
    source = (EXTENSION / "src" / "protocol.ts").read_text(encoding="utf-8")
    match = re.search(r"export const PROTOCOL = (\d+);", source)
    assert match, "protocol.ts declares PROTOCOL"
    assert int(match.group(1)) == serve.PROTOCOL


def test_dev_dependencies_are_ranged_and_locked() -> None:
    manifest = _json("package.json")
    lock = _json("package-lock.json")
    dev = manifest["devDependencies"]
    assert set(dev) == ALLOWED_DEV
    assert "dependencies" not in manifest, "the bundle carries everything: no runtime dependencies"
    for name, spec in dev.items():
        assert re.fullmatch(r"[~^]\d+\.\d+\.\d+", spec), f"{name}: {spec}"
    assert lock["lockfileVersion"] >= 2
    assert lock["packages"][""]["devDependencies"] == dev, (
        "package-lock.json is out of date: npm install"
    )
    for name in ALLOWED_DEV:
        assert f"node_modules/{name}" in lock["packages"]
    # engines.vscode must not promise an older VS Code than the API types the code is checked with.
    assert manifest["engines"]["vscode"] == "^" + dev["@types/vscode"].lstrip("~^")


def test_outputs_are_ignored_and_kept_out_of_the_vsix() -> None:
    ignored = (EXTENSION / ".gitignore").read_text(encoding="utf-8").split()
    for entry in ("node_modules/", "dist/", "out/", "*.vsix"):
        assert entry in ignored
    packaged = [
        line
        for line in (EXTENSION / ".vscodeignore").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert packaged[0] == "**", "everything is left out unless listed"
    assert "!dist/extension.js" in packaged
    assert not any(line.startswith("!src") or "node_modules" in line for line in packaged)
