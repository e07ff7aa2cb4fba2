"""``tgfleet fleet token``: the HTTP service's bearer tokens (create, list, revoke; ``tgfleet.fleet.tokens``).

``create`` prints the new token once, on its last line (``--json``: in the object's ``token``); the store keeps only
its hash, so a lost token is revoked and replaced, never recovered.
"""

from __future__ import annotations

from typing import Any

import click

from tgfleet.cli import fleet_common as common
from tgfleet.fleet import Fleet
from tgfleet.fleet.tokens import Scope


@click.group()
def token() -> None:
    """Bearer tokens of the HTTP API (`tgfleet fleet serve` / `api`): scopes read < send < operate < admin."""


@token.command()
@common.store_options
@common.json_option
@click.option("--scope", required=True, type=click.Choice([s.value for s in Scope]), help="What the token may do.")
@click.option("--name", help="A name to recognise it by (default: '<scope> token').")
def create(store: str, key_file: str | None, as_json: bool, scope: str, name: str | None) -> None:
    """Make a token; it is printed once, on the last line, and never shown again."""

    async def work(f: Fleet) -> dict[str, Any]:
        secret, info = await f.tokens.create(scope, name=name)
        return {"token": secret, **common.plain(info)}

    made = common.run(store, key_file, work)
    if as_json:
        common.echo_json(made)
        return
    click.echo(f"token {made['id']} ({made['name']}), scope {made['scope']}: shown once, keep it now")
    click.echo(made["token"])


@token.command("list")
@common.store_options
@common.json_option
def list_command(store: str, key_file: str | None, as_json: bool) -> None:
    """Every token: id, name, scope, its first characters, created, last used, revoked."""
    rows = common.run(store, key_file, lambda f: f.tokens.list())
    if as_json:
        common.echo_json(rows)
        return
    common.table(["id", "name", "scope", "starts", "created", "last used", "revoked"],
                 [[t.id, t.name, t.scope.value, f"{t.prefix}...", common.when(t.created_at),
                   common.when(t.last_used_at), common.when(t.revoked_at)] for t in rows])  # fmt: skip


@token.command()
@common.store_options
@common.json_option
@click.argument("token_ref", metavar="ID|NAME|TOKEN")
def revoke(store: str, key_file: str | None, as_json: bool, token_ref: str) -> None:
    """Revoke a token (by id, name or the token itself): it stops working at once."""
    info = common.run(store, key_file, lambda f: f.tokens.revoke(token_ref))
    if as_json:
        common.echo_json(info)
        return
    click.echo(f"token {info.id} ({info.name}) revoked")
