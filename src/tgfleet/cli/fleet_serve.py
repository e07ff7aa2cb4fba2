"""``tgfleet fleet serve`` (the HTTP API and a worker in one process) and ``tgfleet fleet api`` (the API alone,
stateless: run as many as needed beside the workers), both on ``--listen HOST:PORT`` (127.0.0.1:8080 by default;
another address is allowed, with a warning: anyone who can reach it may try tokens).

SIGTERM or Ctrl-C: stop gracefully (requests in flight finish, event streams end, the worker hands every account
back); a second Ctrl-C stops at once. The first line printed is ``listening on http://HOST:PORT`` (the real port
when 0 was asked for).
"""

from __future__ import annotations

import asyncio
import functools
import signal
from pathlib import Path
from typing import Any

import click

from tgfleet.cli import fleet_common as common
from tgfleet.cli import fleet_worker
from tgfleet.fleet import Fleet
from tgfleet.fleet.check import check_account
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.worker import Worker

LISTEN_HELP = "Where the HTTP API listens."


def _listen_option(command: Any) -> Any:
    return click.option("--listen", default="127.0.0.1:8080", show_default=True, metavar="HOST:PORT",
                        help=LISTEN_HELP)(command)  # fmt: skip


@click.command()
@common.store_options
@fleet_worker.telegram_options
@_listen_option
@click.option("--capacity", type=click.IntRange(1), default=1000, show_default=True, help="Most accounts to hold.")
@click.option("--lease-ttl", type=float, metavar="SECONDS", help="Lease TTL (default 30); renew and grace: a third.")
@click.option("--concurrency", type=click.IntRange(1), default=32, show_default=True, help="Connects at once.")
def serve(
    store: str, key_file: str | None, sandbox_info: Path | None, api_id: int | None, api_hash: str | None,
    listen: str, capacity: int, lease_ttl: float | None, concurrency: int,
) -> None:  # fmt: skip
    """The HTTP API and a worker in one process (the one-host set-up): the API on --listen, the worker running a
    fair share of the accounts (at most --capacity)."""
    telegram = fleet_worker.resolve(sandbox_info, api_id, api_hash)
    settings = fleet_worker.lease_settings(lease_ttl)

    def worker(fleet: Fleet) -> Worker:
        return Worker(fleet, network=telegram.network, api_id=telegram.api_id, api_hash=telegram.api_hash,
                      capacity=capacity, pacer=Pacer(concurrency))  # fmt: skip

    _run(store, key_file, listen, telegram, worker, settings)


@click.command()
@common.store_options
@fleet_worker.telegram_options
@_listen_option
def api(
    store: str, key_file: str | None, sandbox_info: Path | None, api_id: int | None, api_hash: str | None, listen: str
) -> None:
    """The HTTP API alone (stateless: any number of them over one store, beside `tgfleet fleet worker`s).
    Telegram options are needed only for `POST /v1/accounts/{label}/check`."""
    telegram = None
    if sandbox_info is not None or (api_id is not None and api_hash is not None):
        telegram = fleet_worker.resolve(sandbox_info, api_id, api_hash)
    _run(store, key_file, listen, telegram, None, None)


def _run(store: str, key_file: str | None, listen: str, telegram: fleet_worker.Telegram | None,
         make_worker: Any, lease: Any) -> None:  # fmt: skip
    try:
        from tgfleet.fleet.service.server import ServiceRun, is_public, parse_listen
        from tgfleet.fleet.service.settings import ServiceSettings
    except ImportError as exc:
        hint = f"the HTTP service needs the server extra: pip install 'tgfleet[server]' ({exc})"
        raise click.ClickException(hint) from None
    try:
        host, port = parse_listen(listen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    if is_public(host):
        click.echo(f"warning: listening on {host}, beyond this machine: anyone who can reach it may try tokens;"
                   " put TLS in front of it", err=True)  # fmt: skip
    check = None
    if telegram is not None:
        check = functools.partial(_check, telegram=telegram)

    async def main() -> None:
        options = {"settings": lease} if lease is not None else {}
        async with Fleet.open(store, create=False, key_file=key_file, **options) as fleet:
            worker = make_worker(fleet) if make_worker is not None else None
            run = ServiceRun(fleet, host, port, settings=ServiceSettings(check=check), worker=worker,
                             on_listening=_listening)  # fmt: skip
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, run.stop)
            await run.run()

    common.run_async(main())


def _listening(host: str, port: int) -> None:
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"listening on http://{shown}:{port}", nl=True)


async def _check(fleet: Fleet, label: str, *, telegram: fleet_worker.Telegram) -> dict[str, Any]:
    return await check_account(fleet, label, network=telegram.network, api_id=telegram.api_id,
                               api_hash=telegram.api_hash)  # fmt: skip
