"""``tgfleet fleet accounts``: list, show, import, export, disable, enable."""

from __future__ import annotations

from typing import Any

import click

from tgfleet.cli import fleet_common as common
from tgfleet.cli.sessions import parse_server
from tgfleet.fleet import Account, AccountState, Fleet
from tgfleet.fleet.account_fields import shown_policy
from tgfleet.fleet.records import AccountSessions


@click.group()
def accounts() -> None:
    """The fleet's accounts."""


def _masked(account: Account) -> dict[str, Any]:
    """The account for display: a proxy's password never shows."""
    shown: dict[str, Any] = common.plain(account)
    shown["policy"] = shown_policy(account.policy)
    return shown


@accounts.command("list")
@common.store_options
@common.json_option
@click.option("--pool", help="Only this pool.")
@click.option("--state", type=click.Choice([s.value for s in AccountState]), help="Only this state.")
def list_command(store: str, key_file: str | None, as_json: bool, pool: str | None, state: str | None) -> None:
    """Every account: label, state (since when, until when if known), pool, user id, DC, holder, its last probe (the
    outcome and when), last export."""
    rows = common.run(store, key_file, lambda f: f.accounts.list(pool=pool, state=state))
    if as_json:
        common.echo_json([_masked(a) for a in rows])
        return
    common.table(
        ["label", "state", "since", "until", "pool", "user id", "dc", "holder", "last probe", "exported"],
        [[a.label, a.state.value, common.when(a.state_since), common.when(a.state_until), a.pool, a.user_id, a.dc_id,
          a.holder, _probed(a), _exported(a)] for a in rows],
    )  # fmt: skip


def _probed(account: Account) -> str | None:
    if account.last_probe_at is None:
        return None
    return f"{account.last_probe_result} {common.when(account.last_probe_at)}"


def _exported(account: Account) -> str | None:
    if account.exported_at is None:
        return None
    return f"{account.exported_format} {common.when(account.exported_at)}"


@accounts.command()
@common.store_options
@common.json_option
@click.argument("label")
def show(store: str, key_file: str | None, as_json: bool, label: str) -> None:
    """One account: its state, since when (and until when, if known), its last probe and the sessions it last
    listed, and its recent events with their evidence (state changes, findings, imports, exports)."""

    async def work(f: Fleet) -> tuple[Account, AccountSessions | None, list[Any]]:
        return await f.accounts.get(label), await f.accounts.sessions(label), await f.accounts.events(label, limit=20)

    account, sessions, events = common.run(store, key_file, work)
    if as_json:
        common.echo_json({"account": _masked(account), "authorizations": sessions, "events": events})
        return
    shown = _masked(account)
    for name in ("label", "state", "pool", "phone", "user_id", "dc_id", "test_mode", "api_id", "auth_key_id",
                 "holder", "epoch", "origin_format", "policy"):  # fmt: skip
        click.echo(f"{name + ':':15} {shown[name] if shown[name] is not None else '-'}")
    for name in ("origin_at", "state_since", "state_until", "exported_at", "last_probe_at"):
        click.echo(f"{name + ':':15} {common.when(shown[name]) or '-'}")
    click.echo(f"{'last_probe:':15} {account.last_probe_result or 'never probed'}")
    _echo_sessions(sessions)
    if account.exported_at:
        click.echo(f"warning: a copy of this account's key left the fleet ({account.exported_format} export)")
    click.echo("events:")
    for e in events:
        change = f"{e.from_state or ''} -> {e.to_state}" if e.to_state and e.kind != "evidence" else e.to_state or ""
        error = " ".join(str(x) for x in (e.evidence.code, e.evidence.name, e.evidence.message) if x is not None)
        click.echo(f"  {common.when(e.at)}  {e.kind:8} {change:24} {error}".rstrip())
        for key, value in e.evidence.detail.items():
            text = common.when(value) if key in _TIMES and isinstance(value, (int, float)) else value
            click.echo(f"{'':30}{key}: {text}")


_TIMES = frozenset({"until", "freeze_since", "freeze_until"})


def _echo_sessions(listed: AccountSessions | None) -> None:
    if listed is None:
        click.echo("sessions:       not listed yet")
        return
    click.echo(f"sessions:       {listed.count}, listed {common.when(listed.listed_at)}")
    for x in listed.sessions:
        mark = " (this session)" if x.current else " (unconfirmed)" if x.unconfirmed else ""
        click.echo(f"  {x.device_model or '?'} · {x.app_name} {x.app_version} · {x.country or '?'} · created"
                   f" {common.when(x.date_created)}, active {common.when(x.date_active)}{mark}")  # fmt: skip


@accounts.command("import")
@common.store_options
@common.json_option
@click.argument("source")
@click.option("--label", help="The account's label (default: the file's name, or user-<id>).")
@click.option("--pool", default="default", show_default=True)
@click.option("--phone", help="The account's phone number (sessions do not carry it).")
@click.option("--proxy", help="socks5://, socks4:// or http:// proxy URL the account connects through.")
@click.option("--session-key", envvar="TGFLEET_SESSION_KEY", help="Key of an encrypted tgfleet session file.")
def import_command(store: str, key_file: str | None, as_json: bool, source: str, label: str | None, pool: str,
                   phone: str | None, proxy: str | None, session_key: str | None) -> None:  # fmt: skip
    """Import SOURCE: a Pyrogram or Telethon session string (- reads it from stdin), or a Pyrogram, Telethon or
    tgfleet .session file. Stop the program that used the session first: the fleet runs the key from now on."""
    text = common.read_source(source)
    account = common.run(store, key_file, lambda f: f.accounts.import_session(
        text, label=label, pool=pool, phone=phone, proxy=proxy, storage_key=session_key))  # fmt: skip
    if as_json:
        common.echo_json(_masked(account))
    else:
        what = f"{account.origin_format}, DC {account.dc_id}, user {account.user_id or '?'}"
        click.echo(f"imported {account.label} ({what})"
                   f" as account {account.id}, state {account.state.value}")  # fmt: skip


@accounts.command()
@common.store_options
@click.argument("label")
@click.option("--format", "fmt", type=click.Choice(["pyrogram", "telethon"]), required=True)
@click.option("--server", help="HOST:PORT of the account's DC, for Telethon when the store does not know it.")
def export(store: str, key_file: str | None, label: str, fmt: str, server: str | None) -> None:
    """Print LABEL's session string. The export is recorded: a copy of the key leaves the fleet, and two programs
    running one key kill the session."""
    address = parse_server(server) if server else None
    text = common.run(store, key_file, lambda f: f.accounts.export(label, fmt, server=address))
    click.echo(f"warning: exported {label} as a {fmt} string; this copy must not run while the fleet runs it", err=True)
    click.echo(text)


@accounts.command()
@common.store_options
@click.argument("label")
@click.option("--reason", help="Why (kept in the account's events).")
def disable(store: str, key_file: str | None, label: str, reason: str | None) -> None:
    """Stop running LABEL: workers no longer claim it."""
    account = common.run(store, key_file, lambda f: f.accounts.disable(label, reason=reason))
    click.echo(f"{account.label}: {account.state.value}")


@accounts.command()
@common.store_options
@click.argument("label")
def enable(store: str, key_file: str | None, label: str) -> None:
    """Run a disabled LABEL again (it is probed afresh: state new)."""
    account = common.run(store, key_file, lambda f: f.accounts.enable(label))
    click.echo(f"{account.label}: {account.state.value}")
