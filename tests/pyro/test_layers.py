"""The Pyrogram model's data half (types, parser, enums, raw) imports no IO machinery and nothing of the
client's stack, at run time (import-linter checks the static imports)."""

from __future__ import annotations

import subprocess
import sys


def test_types_parser_enums_raw_load_no_io_and_no_client() -> None:
    code = (
        "import sys\n"
        "from tgfleet import types, enums, raw\n"
        "from tgfleet import parser\n"
        "from tgfleet.raw import functions\n"
        "str(types.Message(id=1, text=types.Str('x')))\n"
        "bad = ('asyncio', 'socket', 'ssl', 'selectors', 'tgfleet.net', 'tgfleet.client', 'tgfleet.mtproto')\n"
        "print(','.join(m for m in bad if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
