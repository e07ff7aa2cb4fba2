"""What the CLI prints: rich (colour, spinners) when stdout is a terminal, plain lines otherwise.

Piped or redirected output never carries escape codes, so logs and tests read plain text. ``--no-color``
keeps rich's layout on a terminal without colours; ``--quiet`` keeps only headings of the summary and
errors. Errors always go to stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.text import Text


def is_terminal(stream: TextIO) -> bool:
    """True when ``stream`` is an interactive terminal (rich's own check and the OS's must agree)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and Console(file=stream, force_terminal=None).is_terminal


class Out:
    """A small vocabulary of output lines shared by every command."""

    def __init__(self, *, color: bool = True, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.quiet = quiet
        self.console: Console | None = None
        if is_terminal(self.stream):
            self.console = Console(file=self.stream, force_terminal=None, no_color=not color, highlight=False)
        self.arrow = "→" if self.console is not None else "->"

    # -- primitives ---------------------------------------------------------------------------------
    def _emit(self, text: str, style: str = "", *, indent: int = 0, force: bool = False) -> None:
        if self.quiet and not force:
            return
        pad = "  " * indent
        try:
            if self.console is not None:
                self.console.print(Text(pad) + Text(text, style=style), soft_wrap=True)
            else:
                print(pad + text, file=self.stream, flush=True)
        except BrokenPipeError:
            self._reader_left()

    def raw(self, text: str) -> None:
        """Text exactly as given (e.g. a session string or a PEM block), even with ``--quiet``."""
        try:
            print(text, file=self.stream, flush=True)
        except BrokenPipeError:
            self._reader_left()

    def _reader_left(self) -> None:
        """The reader of a pipe went away (``| head``): the work goes on, its output goes nowhere."""
        self.quiet, self.console = True, None
        if self.stream is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)

    # -- vocabulary ---------------------------------------------------------------------------------
    def title(self, text: str) -> None:
        if self.console is not None and not self.quiet:
            self.console.rule(Text(text, style="bold"))
        else:
            self._emit(text)
            self._emit("=" * len(text))

    def step(self, number: int, total: int, text: str) -> None:
        self._emit("")
        self._emit(f"[{number}/{total}] {text}", "bold cyan")

    def say(self, text: str, indent: int = 1) -> None:
        self._emit(text, indent=indent)

    def note(self, text: str, indent: int = 2) -> None:
        """An explanation for newcomers (dim on a terminal)."""
        self._emit(text, "dim", indent=indent)

    def ok(self, text: str, indent: int = 1) -> None:
        mark = "✓ " if self.console is not None else "ok: "
        self._emit(mark + text, "green", indent=indent)

    def warn(self, text: str, indent: int = 1) -> None:
        mark = "! " if self.console is not None else "warning: "
        self._emit(mark + text, "yellow", indent=indent)

    def state(self, text: str, indent: int = 2) -> None:
        self._emit(text, "magenta", indent=indent)

    def always(self, text: str, style: str = "", indent: int = 0) -> None:
        """Shown even with ``--quiet`` (summaries, results a script reads)."""
        self._emit(text, style, indent=indent, force=True)

    def error(self, text: str) -> None:
        """A failure, on stderr, always."""
        if is_terminal(sys.stderr):
            Console(stderr=True, highlight=False).print(Text("error: " + text, style="bold red"), soft_wrap=True)
        else:
            print("error: " + text, file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def waiting(self, text: str) -> Iterator[None]:
        """A spinner on a terminal while something takes time; a plain line otherwise."""
        if self.console is not None and not self.quiet:
            with self.console.status(text):
                yield
        else:
            self._emit(text + " ...", indent=1)
            yield


def short(text: str, head: int = 12, tail: int = 8) -> str:
    """``abcdefghijkl...stuvwxyz`` for long secrets shown on screen."""
    return text if len(text) <= head + tail + 3 else f"{text[:head]}...{text[-tail:]}"
