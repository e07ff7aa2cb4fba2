"""One version: the package's ``__version__``, the one ``pyproject.toml`` declares and the installed metadata's."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

import tgfleet

tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML")

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_version_is_the_one_pyproject_declares() -> None:
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["version"]
    assert tgfleet.__version__ == declared == importlib.metadata.version("tgfleet")
