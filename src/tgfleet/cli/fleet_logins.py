"""``tgfleet fleet accounts login`` and ``tgfleet fleet logins list|show|resend|cancel``: login flows from the command
line.

``accounts login --phone P [--qr]`` starts a flow and follows it: it prints where the code went and asks for it, asks
for the 2FA password (hidden) when Telegram does, for the new account's name when the number has none
(``--first-name``/``--last-name`` give it up front), prints the ``tg://login`` link of a QR login at each refresh, and
ends with the new account (exit 1 when the flow failed or expired). A worker (``tgfleet fleet worker``, on any host)
does the talking to Telegram. With ``--json`` every step is one JSON line (the flow) and each answer the flow asks for
is read as one line from standard input, for scripts.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from dataclasses import dataclass
from typing import Any

import click

from tgfleet.cli.fleet_common import echo_json, json_option, run, store_options, table, when
from tgfleet.fleet import Fleet
from tgfleet.fleet.login_records import LoginFlow, LoginState

POLL = 0.25


@click.command()
@click.option("--phone", required=True, help="the account's phone number, international format")
@click.option("--qr", is_flag=True, help="log in by QR code (scan it with a logged-in Telegram app)")
@click.option("--label", default=None, help="the new account's label (default: the phone's digits)")
@click.option("--pool", default=None, help="the new account's pool (default: default)")
@click.option("--first-name", default=None, help="the name to sign up with if the number has no account yet")
@click.option("--last-name", default="", help="the last name to sign up with (optional)")
@store_options
@json_option
def login(
    phone: str, qr: bool, label: str | None, pool: str | None, first_name: str | None, last_name: str, store: str,
    key_file: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Log an account in (code and 2FA, sign-up of a number with no account, or QR) through a worker; the account is
    then in the store. For the phone of an account the store has (e.g. needs_login), that account is logged in again
    in place (its label and pool kept)."""

    async def work(f: Fleet) -> LoginFlow:
        flow = await f.logins.start(phone=phone, method="qr" if qr else "code", label=label, pool=pool)
        return await _follow(f, flow, as_json, _Name(first_name, last_name))

    flow = run(store, key_file, work)
    if flow.state is not LoginState.AUTHORIZED:
        raise click.ClickException(f"login {flow.id} {flow.state.value}: {_error(flow) or 'no reason given'}")


@dataclass
class _Name:
    """The sign-up name given on the command line: used once (a name Telegram refused is asked for again)."""

    first: str | None
    last: str

    async def ask(self, flow: LoginFlow, as_json: bool) -> tuple[str, str]:
        first, self.first = self.first, None
        if first is not None:
            return first, self.last
        if as_json:
            return await _ask("first name", flow, as_json), self.last
        first = await asyncio.to_thread(click.prompt, f"{flow.phone} has no account yet; first name", type=str)
        last = await asyncio.to_thread(click.prompt, "Last name (may be empty)", default="", show_default=False)
        return str(first), str(last)


async def _follow(fleet: Fleet, flow: LoginFlow, as_json: bool, name: _Name) -> LoginFlow:
    """Show each step of the flow and answer what it asks for until it ends."""
    _step(flow, as_json)
    while flow.state.open:
        flow = await _changed(fleet, flow)
        _step(flow, as_json)
        if flow.state is LoginState.CODE_SENT:
            flow = await fleet.logins.submit_code(flow.id, await _ask("code", flow, as_json))
        elif flow.state is LoginState.PASSWORD_NEEDED:
            flow = await fleet.logins.submit_password(flow.id, await _ask("password", flow, as_json))
        elif flow.state is LoginState.SIGN_UP_NEEDED:
            flow = await fleet.logins.submit_name(flow.id, *await name.ask(flow, as_json))
    return flow


async def _changed(fleet: Fleet, flow: LoginFlow) -> LoginFlow:
    while True:
        now = await fleet.logins.get(flow.id)
        if now.updated_at != flow.updated_at or now.state is not flow.state:
            return now
        await asyncio.sleep(POLL)


def _step(flow: LoginFlow, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(flow.to_json()))  # one line a step
        return
    if flow.error:
        click.echo(f"  {_error(flow)}")
    if flow.state is LoginState.CODE_SENT and not flow.error:
        click.echo(f"The code was sent via {flow.code_type or 'an unknown way'}.")
    elif flow.state is LoginState.QR_WAITING:
        click.echo(f"Scan this link as a QR code with a logged-in Telegram app (until {when(flow.qr_expires)}):")
        click.echo(f"  {flow.qr_url}")
    elif flow.state is LoginState.AUTHORIZED:
        click.echo(f"Logged in: account {flow.label} (id {flow.account_id}).")


async def _ask(kind: str, flow: LoginFlow, as_json: bool) -> str:
    if as_json:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            raise click.ClickException(f"standard input ended while login {flow.id} waits for the {kind}")
        return str(line).strip()
    if kind == "password":
        hint = f" (hint: {flow.password_hint})" if flow.password_hint else ""
        return await asyncio.to_thread(getpass.getpass, f"Enter the 2FA password{hint}: ")
    return str(await asyncio.to_thread(click.prompt, "Enter the code", type=str))


def _error(flow: LoginFlow) -> str:
    error: dict[str, Any] = flow.error or {}
    return f"{error.get('name')}: {error.get('message')}" if error else ""


@click.group()
def logins() -> None:
    """Login flows: list, show, resend, cancel (start one with ``tgfleet fleet accounts login``)."""


@logins.command("list")
@click.option("--state", type=click.Choice([s.value for s in LoginState]), default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@store_options
@json_option
def list_(state: str | None, limit: int, store: str, key_file: str | None, as_json: bool) -> None:
    """Flows, newest first."""
    rows = run(store, key_file, lambda f: f.logins.list(state=state, limit=limit))
    if as_json:
        echo_json([r.to_json() for r in rows])
        return
    table(["id", "phone", "method", "state", "label", "worker", "error", "updated"],
          [[r.id, r.phone, r.method, r.state.value, r.label, r.worker, (r.error or {}).get("name"),
            when(r.updated_at)] for r in rows])  # fmt: skip


def _show(flow: LoginFlow, as_json: bool) -> None:
    if as_json:
        echo_json(flow.to_json())
        return
    click.echo(f"login {flow.id}: {flow.state.value} ({flow.method}, {flow.phone})")
    for name, value in flow.to_json().items():
        if value is not None and name not in ("id", "state", "method", "phone"):
            click.echo(f"  {name}: {value}")


@logins.command()
@click.argument("login_id", type=int)
@store_options
@json_option
def show(login_id: int, store: str, key_file: str | None, as_json: bool) -> None:
    """One flow."""
    _show(run(store, key_file, lambda f: f.logins.get(login_id)), as_json)


@logins.command()
@click.argument("login_id", type=int)
@store_options
@json_option
def cancel(login_id: int, store: str, key_file: str | None, as_json: bool) -> None:
    """End an open flow (its worker lets it go)."""
    _show(run(store, key_file, lambda f: f.logins.cancel(login_id)), as_json)


@logins.command()
@click.argument("login_id", type=int)
@store_options
@json_option
def resend(login_id: int, store: str, key_file: str | None, as_json: bool) -> None:
    """Have the code sent again (a flow in code_sent): the worker calls auth.resendCode; ``show`` then says how it
    went (code_type, next_type, resend_after) or why Telegram refused (error)."""
    _show(run(store, key_file, lambda f: f.logins.resend_code(login_id)), as_json)
