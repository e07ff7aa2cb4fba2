"""``tgfleet demo`` end to end, through the real entry point (``python -m tgfleet.cli``)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from tgfleet.cli import demo
from tgfleet.cli.demo.base import Demo, DemoFailed
from tgfleet.cli.output import Out, is_terminal

from .helpers import cli_env

DEMO_TIMEOUT = 60


def run_demo(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tgfleet.cli", "demo", *options],
        capture_output=True, text=True, timeout=DEMO_TIMEOUT, env=cli_env(), check=False,
    )  # fmt: skip


def test_demo_walks_every_process_and_exits_0() -> None:
    done = run_demo("--no-color")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "\x1b[" not in out  # piped: plain text, no escape codes
    # (a) a new client: states as they change, with the DC, and the time taken
    assert re.search(r"alice: DISCONNECTED -> CONNECTING  DC 2", out)
    assert re.search(r"alice: CONNECTING -> CONNECTED  DC 2", out)
    assert re.search(r"connect\(\) returned in [\d.]+ m?s: DISCONNECTED -> CONNECTING -> CONNECTED on DC 2", out)
    # (b) PHONE_MIGRATE handled invisibly, SentCode, the code, 2FA
    assert "send_code() handled PHONE_MIGRATE_3 invisibly: home DC changed 2 -> 3" in out
    assert re.search(r"SentCode\(phone_code_hash='\w+\.\.\.', type=SMS, next_type=CALL, timeout=60\)", out)
    assert re.search(r"the login code is \d{5}", out)
    assert "raised SessionPasswordNeeded" in out
    assert re.search(r"check_password\(\.\.\.\) -> User\(id=\d+, first_name='Alice'", out)
    # (c) the session string and the restore steps
    assert re.search(r"export_session_string\(\) -> 362 characters", out)
    for step in ("1. decode: pyrogram-362", "2. load auth_key for DC 3", "3. DC config", "4. verify"):
        assert step in out
    # (d) messages by username and by id, seen by the second account
    assert 'send_message("@bob_demo", ...)' in out and "bob's on_message: 'And again (sent by id)'" in out
    # (e) FloodWait slept below the threshold, raised above it
    assert "on_flood_wait: messages.sendMessage got FLOOD_WAIT_2 (server): sleeping 2 s" in out
    assert "get_me() raised FloodWait: e.value == 120" in out
    # (f) recovery, FAILED, disconnect
    assert re.search(r"recovered by itself in [\d.]+ m?s: DISCONNECTED -> CONNECTING -> CONNECTED", out)
    assert "his client is FAILED" in out
    assert "restored.disconnect() -> DISCONNECTED" in out
    assert re.search(r"all 6 steps passed in [\d.]+ s", out)


def test_quiet_demo_prints_only_the_summary() -> None:
    done = run_demo("--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "Summary" and len(lines) == 9
    assert "[1/6]" not in done.stdout


def test_plain_output_when_not_a_terminal() -> None:
    stream = io.StringIO()
    out = Out(stream=stream)
    assert not is_terminal(stream) and out.console is None
    out.ok("done")
    out.state("a -> b")
    assert stream.getvalue() == "  ok: done\n    a -> b\n"


async def test_a_failing_step_exits_1_naming_the_step(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def broken(d: Demo) -> str:
        raise DemoFailed("the server said no")

    monkeypatch.setattr(demo, "STEPS", [("Works", _fine), ("Breaks: on purpose", broken)])
    assert await demo.run_demo(Out(stream=io.StringIO())) == 1
    assert "demo step 2 (Breaks: on purpose) failed: the server said no" in capsys.readouterr().err


async def _fine(d: Demo) -> str:
    return "fine"
