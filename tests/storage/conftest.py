from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import Clock, Harness


@pytest.fixture
def clock() -> Clock:
    return Clock(1_700_000_000.0)


@pytest.fixture(params=["memory", "sqlite", "sqlite-encrypted"])
def harness(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Harness]:
    kind = str(request.param)
    key = b"k" * 32 if kind == "sqlite-encrypted" else None
    h = Harness(kind, tmp_path / "account.session", clock, encryption_key=key)
    yield h
    h.storage.close()
