"""``tgfleet fleet worker`` (run a share of the fleet's accounts in this process, printing what it holds) and
``tgfleet fleet accounts check LABEL`` (lease one account briefly and probe it as a worker does).

Both reach Telegram, or a sandbox with ``--sandbox-info FILE`` (the JSON of ``tgfleet sandbox --info FILE``, as
``tgfleet login`` takes it). The worker drains on SIGTERM and on the first Ctrl-C (every account handed back, exit 0);
a second Ctrl-C stops it at once (its leases expire; exit 130).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from tgfleet.cli import fleet_common as common
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.check import check_account
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.worker import Worker
from tgfleet.fleet.worker_events import WorkerEvent
from tgfleet.net import Network

F = TypeVar("F", bound=Callable[..., Any])
FILE = click.Path(dir_okay=False, path_type=Path)


@dataclass(frozen=True)
class Telegram:
    """Where the accounts' Telegram is, and the app's api_id / api_hash (None: each account's stored one)."""

    network: Network
    api_id: int | None
    api_hash: str | None


def telegram_options(command: F) -> F:
    """``--sandbox-info FILE``, ``--api-id``, ``--api-hash``; the command receives ``telegram: Telegram``."""
    command = click.option("--api-hash", envvar="TGFLEET_API_HASH", help="Your app's api_hash.")(command)
    command = click.option("--api-id", type=int, envvar="TGFLEET_API_ID", help="Your app's api_id.")(command)
    info_help = "The JSON of `tgfleet sandbox --info FILE` (else Telegram itself)."
    return click.option("--sandbox-info", type=FILE, help=info_help)(command)


def resolve(sandbox_info: Path | None, api_id: int | None, api_hash: str | None) -> Telegram:
    if sandbox_info is None:
        return Telegram(Network.production(), api_id, api_hash)
    info = SandboxInfo.load(sandbox_info)
    return Telegram(info.network(), api_id or info.api_id, api_hash or info.api_hash)


def lease_settings(ttl: float | None) -> LeaseSettings:
    """``--lease-ttl S``: renew every S/3 seconds, a grace period of S/3 (the defaults: 30, 10, 10)."""
    if ttl is None:
        return LeaseSettings()
    if ttl <= 0:
        raise click.BadParameter("must be a positive number of seconds", param_hint="--lease-ttl")
    return LeaseSettings(ttl=ttl, renew_interval=ttl / 3, grace=ttl / 3)


@click.command()
@common.store_options
@telegram_options
@click.option("--capacity", type=click.IntRange(1), default=1000, show_default=True, help="Most accounts to hold.")
@click.option("--lease-ttl", type=float, metavar="SECONDS", help="Lease TTL (default 30); renew and grace: a third.")
@click.option("--concurrency", type=click.IntRange(1), default=32, show_default=True, help="Connects at once.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event and line (for scripts).")
def worker(
    store: str, key_file: str | None, sandbox_info: Path | None, api_id: int | None, api_hash: str | None,
    capacity: int, lease_ttl: float | None, concurrency: int, as_json: bool,
) -> None:  # fmt: skip
    """Run the fleet's accounts: take leases on a fair share (at most --capacity), connect one Client each,
    pick up accounts whose worker died, and print what it holds.

    SIGTERM or Ctrl-C: hand every account back (other workers take them at once) and exit. A second Ctrl-C:
    stop at once (the leases expire after the TTL plus the grace period).
    """
    telegram = resolve(sandbox_info, api_id, api_hash)
    settings = lease_settings(lease_ttl)
    printer = _json_line if as_json else _human_line

    async def main() -> None:
        fleet = await Fleet.open(store, create=False, key_file=key_file, settings=settings)
        w = Worker(fleet, network=telegram.network, api_id=telegram.api_id, api_hash=telegram.api_hash,
                   capacity=capacity, pacer=Pacer(concurrency), on_event=printer)  # fmt: skip
        _on_signals(w)
        try:
            await w.run()
        finally:
            if not w.stopped_at_once:
                await fleet.close()
        if w.stopped_at_once:  # exit now: the kernel closes the connections, the store rolls back what was in flight
            sys.stdout.flush()
            os._exit(130)

    common.run_async(main())


def _on_signals(w: Worker) -> None:
    loop = asyncio.get_running_loop()
    interrupts = 0

    def interrupted() -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts == 1:
            w.drain()
        else:
            w.stop_now()

    loop.add_signal_handler(signal.SIGTERM, w.drain)
    loop.add_signal_handler(signal.SIGINT, interrupted)


def _json_line(event: WorkerEvent) -> None:
    data = asdict(event)
    data["event"] = data.pop("kind")
    click.echo(json.dumps(data, default=str))


def _human_line(event: WorkerEvent) -> None:
    click.echo(f"{time.strftime('%H:%M:%S', time.localtime(event.at))} {event.line()}")


@click.command()
@common.store_options
@telegram_options
@common.json_option
@click.argument("label")
def check(
    store: str, key_file: str | None, sandbox_info: Path | None, api_id: int | None, api_hash: str | None,
    as_json: bool, label: str,
) -> None:  # fmt: skip
    """Lease LABEL briefly, probe it as a worker does (a light authorized call, the freeze fields of
    help.getAppConfig, account.getAuthorizations) and record what it found as its state.

    Fails (exit 1) when a worker holds the account, naming the worker, or when the call fails.
    """
    telegram = resolve(sandbox_info, api_id, api_hash)

    async def work(fleet: Fleet) -> dict[str, Any]:
        return await check_account(fleet, label, network=telegram.network, api_id=telegram.api_id,
                                   api_hash=telegram.api_hash)  # fmt: skip

    result = common.run(store, key_file, work)
    if as_json:
        common.echo_json(result)
    else:
        click.echo(f"{label}: {result.get('detail', result['outcome'])} [{result['state']}]")
    if result["outcome"] != "ok":
        raise SystemExit(1)
