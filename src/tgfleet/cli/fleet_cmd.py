"""``tgfleet fleet``: the fleet store from the command line: ``init``, ``accounts ...`` (``fleet_accounts``; ``check``
in ``fleet_worker``), ``leases``, ``workers``, ``worker`` (``fleet_worker``), ``send`` and ``outbox ...``
(``fleet_outbox``), ``inbox list`` (``fleet_inbox``), ``pools list|show|set`` (``fleet_pools``), ``accounts login``
and ``logins ...`` (``fleet_logins``), ``migrate``, ``doctor``, ``token ...`` (``fleet_token``), ``serve`` and ``api``
(``fleet_serve``). Every command takes ``--store URL`` (or
``$TGFLEET_STORE``) and ``--key-file`` (or ``$TGFLEET_FLEET_KEY_FILE``; ``$TGFLEET_FLEET_KEY`` holds the key itself);
``--json`` where a script reads the output.
A fleet error (missing store, bad URL, newer schema, duplicate key, wrong seal key...) prints its message and exits 1.
"""

from __future__ import annotations

from typing import Any

import click

from tgfleet.cli.fleet_accounts import accounts
from tgfleet.cli.fleet_common import echo_json, in_seconds, json_option, run, store_options, table, when
from tgfleet.cli.fleet_demo import demo
from tgfleet.cli.fleet_doctor import doctor
from tgfleet.cli.fleet_inbox import inbox
from tgfleet.cli.fleet_logins import login, logins
from tgfleet.cli.fleet_migrate import migrate
from tgfleet.cli.fleet_outbox import outbox, send
from tgfleet.cli.fleet_pools import pools
from tgfleet.cli.fleet_serve import api, serve
from tgfleet.cli.fleet_token import token
from tgfleet.cli.fleet_worker import check, worker
from tgfleet.fleet import Fleet
from tgfleet.fleet.store import SCHEMA_VERSION


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


fleet.add_command(accounts)
fleet.add_command(worker)
fleet.add_command(send)
fleet.add_command(outbox)
fleet.add_command(inbox)
fleet.add_command(migrate)
fleet.add_command(doctor)
fleet.add_command(pools)
fleet.add_command(logins)
fleet.add_command(token)
fleet.add_command(serve)
fleet.add_command(api)
fleet.add_command(demo)
accounts.add_command(check)
accounts.add_command(login)
