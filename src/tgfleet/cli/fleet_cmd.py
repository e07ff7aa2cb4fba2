"""``tgfleet fleet``: the fleet store from the command line: ``init``, ``accounts ...`` (``fleet_accounts``; ``check``
in ``fleet_worker``), ``leases``, ``workers``, and ``worker`` (``fleet_worker``). Every command takes ``--store URL``
(or ``$TGFLEET_STORE``) and ``--key-file`` (or ``$TGFLEET_FLEET_KEY_FILE``; ``$TGFLEET_FLEET_KEY`` holds the key
itself); ``--json`` where a script reads the output.
A fleet error (missing store, bad URL, newer schema, duplicate key, wrong seal key...) prints its message and exits 1.
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
from tgfleet.fleet.store import DEFAULT_URL, SCHEMA_VERSION, STORE_ENV

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


@click.group()
def fleet() -> None:
    """Many accounts: the fleet store (SQLite or PostgreSQL), accounts, leases, workers, and the worker itself."""


@fleet.command()
@store_options
@json_option
def init(store: str, key_file: str | None, as_json: bool) -> None:
    """Create the fleet store (or bring it to this tgfleet's schema) and its seal key."""

    async def work(f: Fleet) -> dict[str, Any]:
        return {"store": f.store.where, "schema_version": SCHEMA_VERSION, "seal_key": f.seal_origin,
                "seal_key_id": f.key_id, "accounts": len(await f.accounts.list())}  # fmt: skip

    info = run(store, key_file, work, create=True)
    if as_json:
        echo_json(info)
        return
    click.echo(
        f"fleet store ready: {info['store']} (schema version {info['schema_version']}, {info['accounts']} accounts)"
    )
    click.echo(f"auth keys are sealed with the key from {info['seal_key']} (key id {info['seal_key_id']});")
    click.echo(
        "keep that key: without it the sealed keys cannot be opened. Every host of the fleet needs the same key."
    )


@fleet.command()
@store_options
@json_option
def leases(store: str, key_file: str | None, as_json: bool) -> None:
    """Every lease: the resource, its account, holder (worker, host, pid), epoch and expiry."""
    rows = run(store, key_file, lambda f: f.leases.list())
    if as_json:
        echo_json(rows)
        return
    table(["resource", "account", "holder", "host", "pid", "epoch", "expires"],
          [[r.resource, r.label, r.holder, r.host, r.pid, r.epoch,
            in_seconds(r.expires_at) if r.holder else "free"] for r in rows])  # fmt: skip


@fleet.command()
@store_options
@json_option
def workers(store: str, key_file: str | None, as_json: bool) -> None:
    """Every registered worker: host, pid, capacity, state, heartbeat, leases held."""
    rows = run(store, key_file, lambda f: f.workers.list())
    if as_json:
        echo_json(rows)
        return
    table(["worker", "host", "pid", "capacity", "state", "live", "heartbeat", "leases"],
          [[w.id, w.host, w.pid, w.capacity, w.state.value, "yes" if w.live else "no", when(w.heartbeat), w.leases]
           for w in rows])  # fmt: skip


def read_source(source: str) -> str:
    return sys.stdin.read().strip() if source == "-" else source


from tgfleet.cli.fleet_accounts import accounts  # noqa: E402  (the accounts group uses the helpers above)
from tgfleet.cli.fleet_worker import check, worker  # noqa: E402

fleet.add_command(accounts)
fleet.add_command(worker)
accounts.add_command(check)
