"""What the ``tgfleet fleet`` commands share: the ``--store``/``--key-file``/``--json`` options, running a command on an
open fleet (a fleet error becomes a one-line message and exit code 1), JSON and table output, times. The commands
themselves are in ``fleet_cmd``, ``fleet_accounts`` and ``fleet_worker``; this module imports none of them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

import click

from tgfleet.errors import TgfleetError
from tgfleet.fleet import Fleet
from tgfleet.fleet.store import DEFAULT_URL, STORE_ENV

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def store_options(command: F) -> F:
    key_help = "The seal key file (default: <store file>.key for SQLite, ./fleet.key)."
    command = click.option("--key-file", envvar="TGFLEET_FLEET_KEY_FILE", metavar="PATH", help=key_help)(command)
    store_help = "sqlite:///path/fleet.db or postgresql://... (or $TGFLEET_STORE)."
    store = click.option("--store", "store", envvar=STORE_ENV, default=DEFAULT_URL, show_default=True, metavar="URL",
                         help=store_help)  # fmt: skip
    return store(command)


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(command)


def run(store: str, key_file: str | None, work: Callable[[Fleet], Awaitable[T]], *, create: bool = False) -> T:
    """Open the fleet, run ``work`` on it, close it; a tgfleet error becomes a one-line message and exit code 1."""

    async def main() -> T:
        async with Fleet.open(store, create=create, key_file=key_file) as fleet:
            return await work(fleet)

    return run_async(main())


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except (TgfleetError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def plain(value: Any) -> Any:
    """A JSON-ready copy of a record (dataclasses, enums, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def echo_json(value: Any) -> None:
    click.echo(json.dumps(plain(value), indent=2, sort_keys=True))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[("-" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    for row in [list(headers), *cells]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def when(ts: float | None) -> str | None:
    if not ts:
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def in_seconds(ts: float) -> str:
    left = ts - time.time()
    return f"in {left:.0f}s" if left >= 0 else f"{-left:.0f}s ago"


def read_source(source: str) -> str:
    return sys.stdin.read().strip() if source == "-" else source
