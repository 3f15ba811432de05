"""Heavy modules are imported only when the input or the format needs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/python/order_processor.py"

PROBE = """
import json, sys
from durable_viz.cli import run
code = run(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "jinja2", "jsonschema") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


def probe(*argv: str, cwd: Path = ROOT) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=cwd, check=True
    )
    last: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return last


def test_python_to_mermaid_needs_libcst_but_not_jinja2() -> None:
    assert probe(EXAMPLE) == {"code": 0, "heavy": ["libcst"]}


def test_python_to_json_needs_libcst_but_not_jinja2() -> None:
    assert probe(EXAMPLE, "--format", "json") == {"code": 0, "heavy": ["libcst"]}


def test_an_unsupported_file_imports_no_parser(tmp_path: Path) -> None:
    (tmp_path / "handler.rb").write_text("puts 1\n", encoding="utf-8")
    assert probe("handler.rb", cwd=tmp_path) == {"code": 1, "heavy": []}


def test_version_imports_nothing_heavy() -> None:
    assert probe("--version") == {"code": 0, "heavy": []}
