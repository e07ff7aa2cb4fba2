"""Shared helpers of the storage tests: a settable clock, sample records, a reopenable storage harness."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

from tests.clock import FakeClock as Clock
from tgfleet.storage import DcOption, MemoryStorage, PeerRecord, PeerType, SQLiteStorage, Storage

ROOT = Path(__file__).resolve().parents[2]


def key(byte: int) -> bytes:
    """A recognisable 256-byte auth key."""
    return bytes([byte]) * 200 + bytes(range(56))


def user(peer_id: int, **fields: object) -> PeerRecord:
    return PeerRecord(id=peer_id, type=PeerType.USER, **fields)  # type: ignore[arg-type]


DC_OPTIONS = [
    DcOption(1, "149.154.175.53", 443),
    DcOption(2, "2001:67c:4e8:f002::a", 443, ipv6=True),
    DcOption(2, "149.154.167.51", 443, media_only=True, this_port_only=True),
    DcOption(4, "149.154.167.91", 80, tcpo_only=True, cdn=True, static=True, secret=b"\x01" * 16),
]


class Harness:
    """One storage under test; ``reopen()`` closes and reopens it (a no-op for memory: nothing persists)."""

    def __init__(self, kind: str, path: Path, clock: Clock, encryption_key: bytes | str | None = None) -> None:
        self.kind = kind
        self.path = path
        self.clock = clock
        self.encryption_key = encryption_key
        self.storage = self._make()
        self.storage.open()

    def _make(self) -> Storage:
        if self.kind == "memory":
            return MemoryStorage(clock=self.clock)
        return SQLiteStorage(self.path, clock=self.clock, encryption_key=self.encryption_key, owner="test")

    def reopen(self) -> Storage:
        if self.kind != "memory":
            self.storage.close()
            self.storage = self._make()
            self.storage.open()
        return self.storage


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    """A child Python running ``code`` with the project's ``src`` importable (stdio piped, unbuffered)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen(
        [sys.executable, "-u", "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def read_line(child: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """The child's next stdout line, waiting at most ``timeout`` seconds for it."""
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], timeout)
    if not ready:
        raise AssertionError(f"the child printed nothing within {timeout} s")
    return child.stdout.readline()
