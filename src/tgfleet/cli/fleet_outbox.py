"""``tgfleet fleet send`` and ``tgfleet fleet outbox list|show|cancel|retry``: the outbox from the command line.

``send`` stores the message and prints it at once (a worker holding the account sends it); ``--key`` makes a repeat
of the same command return the same message. ``--json`` prints the records as JSON.
"""

from __future__ import annotations

from typing import Any

import click

from tgfleet.cli.fleet_common import echo_json, json_option, run, store_options, table, when
from tgfleet.fleet import Fleet
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState


def _show(message: OutboxMessage, as_json: bool) -> None:
    if as_json:
        echo_json(message)
        return
    error = f" ({message.error.name}: {message.error.message})" if message.error else ""
    click.echo(f"message {message.id}: {message.state.value}{error}")
    for name, value in (("to", message.peer), ("from", message.account or f"pool {message.pool}"),
                        ("key", message.idempotency_key), ("random_id", message.random_id),
                        ("telegram id", message.tg_message_id), ("attempts", message.attempts),
                        ("not before", when(message.not_before)), ("deadline", when(message.deadline)),
                        ("text", message.text)):  # fmt: skip
        if value is not None:
            click.echo(f"  {name}: {value}")


@click.command()
@click.option("--to", "peer", required=True, help="the recipient: @username, phone or user id")
@click.option("--text", required=True)
@click.option("--account", default=None, help="the account's label")
@click.option("--pool", default=None, help="a pool: a healthy account of it sends")
@click.option("--key", default=None, help="idempotency key: the same key and body give the same message")
@store_options
@json_option
def send(peer: str, text: str, account: str | None, pool: str | None, key: str | None, store: str,
         key_file: str | None, as_json: bool) -> None:  # fmt: skip
    """Store a message in the outbox (exactly one of --account and --pool)."""
    message = run(store, key_file, lambda f: f.outbox.send(peer=peer, text=text, account=account, pool=pool,
                                                           idempotency_key=key))  # fmt: skip
    _show(message, as_json)


@click.group()
def outbox() -> None:
    """The outbox's messages: list, show, cancel, retry."""


@outbox.command("list")
@click.option("--state", type=click.Choice([s.value for s in OutboxState]), default=None)
@click.option("--account", default=None, help="the account's label")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@store_options
@json_option
def list_(state: str | None, account: str | None, limit: int, store: str, key_file: str | None, as_json: bool) -> None:
    """Messages, oldest first."""
    rows = run(store, key_file, lambda f: f.outbox.list(state=state, account=account, limit=limit))
    if as_json:
        echo_json(rows)
        return
    table(["id", "state", "to", "from", "attempts", "telegram id", "updated"],
          [[m.id, m.state.value, m.peer, m.account or f"pool {m.pool}", m.attempts, m.tg_message_id,
            when(m.updated_at)] for m in rows])  # fmt: skip


@outbox.command()
@click.argument("message_id", type=int)
@store_options
@json_option
def show(message_id: int, store: str, key_file: str | None, as_json: bool) -> None:
    """One message and every attempt to send it."""

    async def work(f: Fleet) -> tuple[OutboxMessage, list[Any]]:
        return await f.outbox.get(message_id), await f.outbox.attempts(message_id)

    message, attempts = run(store, key_file, work)
    if as_json:
        echo_json({"message": message, "attempts": attempts})
        return
    _show(message, False)
    for a in attempts:
        error = f" {a.error.name}" if a.error else ""
        click.echo(f"  attempt {a.id}: {when(a.at)} {a.worker} epoch {a.epoch}: {a.outcome}{error}")


@outbox.command()
@click.argument("message_id", type=int)
@store_options
@json_option
def cancel(message_id: int, store: str, key_file: str | None, as_json: bool) -> None:
    """Never send it (queued, retry_wait, held or unknown messages)."""
    _show(run(store, key_file, lambda f: f.outbox.cancel(message_id)), as_json)


@outbox.command()
@click.argument("message_id", type=int)
@store_options
@json_option
def retry(message_id: int, store: str, key_file: str | None, as_json: bool) -> None:
    """Queue it again now (its random_id and account stay: a retry never doubles a delivered message)."""
    _show(run(store, key_file, lambda f: f.outbox.retry(message_id)), as_json)
