"""Run ``python -m tgfleet.cli ...`` as a subprocess and read its output line by line with bounded waits."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

TIMEOUT = 20.0
"""Seconds any single expected line may take (loaded CI machines included); nothing waits this long normally."""


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    env["PYTHONUNBUFFERED"] = "1"
    env["COLUMNS"] = "200"
    return env


class CliProcess:
    """A running CLI command; ``expect(regex)`` returns the first matching line of stdout (bounded wait)."""

    def __init__(self, *args: str, cwd: Path, stdin: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tgfleet.cli", *args],
            cwd=cwd,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def expect(self, pattern: str, timeout: float = TIMEOUT) -> re.Match[str]:
        regex = re.compile(pattern)
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} within {timeout} s; got {self.lines}") from None
            if line is None:
                raise AssertionError(f"output ended without {pattern!r}; got {self.lines}; stderr: {self.stderr()}")
            self.lines.append(line)
            if found := regex.search(line):
                return found

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "(still running)"
        return self.proc.stderr.read()

    def terminate(self, timeout: float = TIMEOUT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def wait(self, timeout: float = TIMEOUT) -> int:
        return self.proc.wait(timeout)

    def __enter__(self) -> CliProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def start_sandbox(tmp: Path, *users: str) -> CliProcess:
    """``tgfleet sandbox --info info.json --user ...`` in ``tmp``, once it says it is ready."""
    args = ["sandbox", "--info", "info.json", "--key", "key.pem", "--no-color"]
    for user in users:
        args += ["--user", user]
    sandbox = CliProcess(*args, cwd=tmp)
    sandbox.expect(r"Ctrl-C \(or SIGTERM\) stops the sandbox")
    return sandbox
