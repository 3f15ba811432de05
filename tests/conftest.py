"""Shared pytest options and fixtures."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/goldens instead of comparing (`make goldens`).",
    )


def pytest_configure(config: pytest.Config) -> None:
    # typer (<= 0.25) imports click.utils names that click 8.3+ deprecates; that is typer's
    # business, not ours, and under `filterwarnings = error` it would fail every CLI test.
    config.addinivalue_line(
        "filterwarnings", r"ignore:'click\.utils\.\w+' is deprecated:DeprecationWarning:typer"
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite the golden files."""
    return bool(request.config.getoption("--update-goldens"))
