"""The sans-IO packages import no IO machinery, at run time (import-linter checks the static imports)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SANS_IO = [
    "tgfleet.errors",
    "tgfleet.tl",
    "tgfleet.crypto.aes",
    "tgfleet.crypto.kdf",
    "tgfleet.crypto.rsa",
    "tgfleet.crypto.dh",
    "tgfleet.crypto.srp",
    "tgfleet.mtproto.transport",
    "tgfleet.mtproto.plain",
    "tgfleet.mtproto.msgid",
    "tgfleet.mtproto.handshake",
    "tgfleet.mtproto.session",
]
FORBIDDEN = ("asyncio", "socket", "ssl", "selectors")


@pytest.mark.parametrize("module", SANS_IO)
def test_sans_io_modules_import_no_io(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "import tgfleet.tl.types, tgfleet.tl.mtproto, tgfleet.errors._gen\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{module} pulled in {out}"


def test_importing_tgfleet_loads_no_generated_code() -> None:
    generated = (
        "tgfleet.tl.types",
        "tgfleet.tl.functions",
        "tgfleet.tl.mtproto",
        "tgfleet.tl._gen",
        "tgfleet.errors._gen",
    )
    code = (
        "import sys, tgfleet, tgfleet.tl, tgfleet.errors\n"
        f"print(sorted(m for m in sys.modules if m.startswith({generated!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
