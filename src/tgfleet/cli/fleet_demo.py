"""``tgfleet fleet demo``: the whole fleet on this machine in one command (``make fleet``).

An embedded sandbox (a local Telegram on loopback) with ``--accounts`` support accounts and a few customers; the
accounts are logged in by code the way an operator's would be (``auth.sendCode`` / ``auth.signIn`` over MTProto,
one with a 2FA password) and imported into a fleet store on a SQLite file; the service (HTTP API and dashboard) and
a worker run in this process (``tgfleet fleet serve``). Then a gentle stream of traffic (``fleet_demo_traffic``):
outbox sends to the customers, their replies into the inbox, one forced flood wait and one revoked key, so every
state the dashboard shows is seen within a minute. The dashboard's URL and an admin token are printed (the token
on its own line), and ``--json`` prints them as one JSON line for scripts. Ctrl-C (or ``--duration``) stops it.
"""

from __future__ import annotations

import asyncio
import json
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from tgfleet.cli import fleet_common as common
from tgfleet.fleet import Fleet
from tgfleet.sandbox import Sandbox

SUPPORT_POOL = "support"
CUSTOMERS = 6
DEMO_PASSWORD = "demo password"
"""The 2FA password of the first account (the demo types it in for the operator)."""


@dataclass(frozen=True)
class Member:
    label: str
    user_id: int
    phone: str
    username: str


async def _log_in(tg: Sandbox, phone: str, password: str | None) -> str:
    """A code login (and 2FA) by a real client over MTProto; the session string it ends with."""
    from tgfleet import Client, errors

    client = Client(f"login {phone}", api_id=tg.api_id, api_hash=tg.api_hash, network=tg.network, in_memory=True,
                    no_updates=True)  # fmt: skip
    await client.connect()
    try:
        sent = await client.send_code(phone)
        try:
            await client.sign_in(phone, sent.phone_code_hash, tg.login_code(phone))
        except errors.SessionPasswordNeeded:
            assert password is not None
            await client.check_password(password)
        return await client.export_session_string()
    finally:
        await client.disconnect()


async def enrol(tg: Sandbox, fleet: Fleet, count: int, say: Any) -> tuple[list[Member], list[Member]]:
    """``count`` support accounts (spread over the DCs, the first with 2FA) logged in and imported, and the
    customers they talk to (sandbox users with usernames)."""
    members = []
    for i in range(count):
        phone, name = f"+1999100{i:04d}", f"support{i + 1}"
        password = DEMO_PASSWORD if i == 0 else None
        user = tg.add_user(phone, f"Support {i + 1}", username=f"{name}_demo", password=password, dc=1 + i % 3)
        session = await _log_in(tg, phone, password)
        await fleet.accounts.import_session(session, label=name, pool=SUPPORT_POOL, phone=phone)
        members.append(Member(name, user.id, phone, f"{name}_demo"))
        say(f"  logged in {name} ({phone}, DC {1 + i % 3}{', 2FA' if password else ''})")
    customers = []
    for i in range(CUSTOMERS):
        phone, name = f"+1999200{i:04d}", f"customer{i + 1}"
        user = tg.add_user(phone, f"Customer {i + 1}", username=f"{name}_demo", dc=1 + i % 3)
        customers.append(Member(name, user.id, phone, f"{name}_demo"))
    return members, customers


@click.command()
@click.option("--accounts", "count", type=click.IntRange(2, 500), default=24, show_default=True,
              help="Support accounts to log in.")  # fmt: skip
@click.option("--listen", default="127.0.0.1:8080", show_default=True, metavar="HOST:PORT",
              help="Where the dashboard and API listen (port 0: any free port).")  # fmt: skip
@click.option("--dir", "where", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the fleet store and key here (default: a temporary directory, removed after).")  # fmt: skip
@click.option("--duration", type=click.FloatRange(min=1), metavar="SECONDS", help="Stop after this long.")
@click.option("--every", type=click.FloatRange(min=0.05), default=2.0, show_default=True, metavar="SECONDS",
              help="Seconds between the demo's sends.")  # fmt: skip
@common.json_option
def demo(count: int, listen: str, where: Path | None, duration: float | None, every: float, as_json: bool) -> None:
    """The fleet at work on an embedded sandbox: log accounts in, serve the dashboard and API, send and receive,
    a flood wait and a revoked key. Prints the dashboard's URL and an admin token."""
    try:
        from tgfleet.fleet.service.server import ServiceRun, parse_listen
    except ImportError as exc:
        raise click.ClickException(f"the demo needs the server extra: pip install 'tgfleet[server]' ({exc})") from None
    try:
        host, port = parse_listen(listen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    say = (lambda text: click.echo(text, err=True)) if as_json else click.echo
    with tempfile.TemporaryDirectory(prefix="tgfleet-demo-") as scratch:
        base = where or Path(scratch)
        base.mkdir(parents=True, exist_ok=True)
        common.run_async(_main(base, count, host, port, duration, every, as_json, say, ServiceRun))


async def _main(base: Path, count: int, host: str, port: int, duration: float | None, every: float, as_json: bool,
                say: Any, service_run: Any) -> None:  # fmt: skip
    from tgfleet.cli.fleet_demo_traffic import Traffic, outbox_states
    from tgfleet.fleet.worker import Worker

    url = f"sqlite:///{base / 'fleet.db'}"
    async with Sandbox(dcs=3) as tg, Fleet.open(url, key_file=str(base / "fleet.key")) as fleet:
        say(f"tgfleet fleet demo: a sandbox with 3 DCs on {tg.host}; logging {count} accounts in by code")
        members, customers = await enrol(tg, fleet, count, say)
        token, _ = await fleet.tokens.create("admin", name="demo")
        worker = Worker(fleet, network=tg.network, api_id=tg.api_id, api_hash=tg.api_hash)
        traffic = Traffic(tg, fleet, members, customers, every=every, say=say)
        done = asyncio.Event()

        def listening(bound_host: str, bound_port: int) -> None:
            base_url = f"http://{bound_host}:{bound_port}"
            info = {"dashboard": f"{base_url}/", "login": f"{base_url}/login", "api": f"{base_url}/v1",
                    "store": url, "accounts": len(members), "token": token}  # fmt: skip
            if as_json:
                click.echo(json.dumps(info), nl=True)
            else:
                click.echo(f"\nthe dashboard:  {base_url}/   (sign in at {base_url}/login with the token below)")
                click.echo(
                    f"the API:        {base_url}/v1   (curl -H 'Authorization: Bearer <token>' {base_url}/v1/accounts)"
                )
                click.echo(f"the store:      {url}")
                click.echo("Ctrl-C stops the demo. The admin token:")
                click.echo(token)

        run = service_run(fleet, host, port, worker=worker, on_listening=listening)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, run.stop)
        serving = asyncio.create_task(run.run())
        feeding = asyncio.create_task(traffic.run(done))
        timer = loop.call_later(duration, run.stop) if duration is not None else None
        try:
            await serving
        finally:
            done.set()
            if timer is not None:
                timer.cancel()
            await feeding
        summary = {"outbox": dict(await outbox_states(fleet)), **traffic.summary()}
        if as_json:
            click.echo(json.dumps(summary))
        else:
            click.echo(f"demo stopped: outbox {summary['outbox']}, {summary['replies_handled']} replies handled")
