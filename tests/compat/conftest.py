from __future__ import annotations

from collections.abc import Iterator

import pytest

from .sandbox_thread import SandboxThread


@pytest.fixture(scope="session")
def compat_sandbox() -> Iterator[SandboxThread]:
    """One sandbox for every script of this process (each run has fresh accounts on it)."""
    box = SandboxThread(dcs=2)
    yield box
    box.close()
