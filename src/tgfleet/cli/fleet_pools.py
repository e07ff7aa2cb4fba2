"""``tgfleet fleet pools list|show|set``: the pools and their policies (``fleet.pools``), ``--json`` for scripts."""

from __future__ import annotations

import json
from typing import Any

import click

from tgfleet.cli.fleet_common import echo_json, json_option, run, store_options, table, when
from tgfleet.fleet.pools import Pool


@click.group()
def pools() -> None:
    """Pools (the name accounts carry) and the sending policy each gives its accounts (an account's overrides it)."""


def _policy_text(pool: Pool) -> str:
    return json.dumps(pool.policy, sort_keys=True) if pool.policy else "-"


@pools.command("list")
@store_options
@json_option
def list_(store: str, key_file: str | None, as_json: bool) -> None:
    """Every pool that has accounts or a policy."""
    rows = run(store, key_file, lambda f: f.pools.list())
    if as_json:
        echo_json(rows)
        return
    table(["pool", "accounts", "policy", "updated"], [[p.name, p.accounts, _policy_text(p), when(p.updated_at)]
                                                       for p in rows])  # fmt: skip


@pools.command()
@click.argument("name")
@store_options
@json_option
def show(name: str, store: str, key_file: str | None, as_json: bool) -> None:
    """One pool's policy ({} when it has none: its accounts use the worker's default)."""
    pool = run(store, key_file, lambda f: f.pools.get(name))
    if as_json:
        echo_json(pool)
        return
    click.echo(f"{pool.name}: {pool.accounts} accounts, policy {_policy_text(pool)}")


def _json_object(ctx: click.Context, param: click.Parameter, value: str) -> dict[str, Any]:
    try:
        policy = json.loads(value)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}") from exc
    if not isinstance(policy, dict):
        raise click.BadParameter('a JSON object, e.g. \'{"sending": {"interval": 5}}\'')
    return policy


_POLICY_HELP = """the pool's policy as JSON, e.g. '{"sending": {"interval": 5, "daily_new_peers": 10}}'; {} clears it"""


@pools.command("set")
@click.argument("name")
@click.option("--policy", "policy", required=True, callback=_json_object, help=_POLICY_HELP)
@store_options
@json_option
def set_(name: str, policy: dict[str, Any], store: str, key_file: str | None, as_json: bool) -> None:
    """Give POOL a policy (it replaces the old one); its accounts use it from their next connect."""
    pool = run(store, key_file, lambda f: f.pools.set_policy(name, policy))
    if as_json:
        echo_json(pool)
        return
    click.echo(f"{pool.name}: policy {_policy_text(pool)}")
