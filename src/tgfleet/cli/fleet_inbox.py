"""``tgfleet fleet inbox list``: the fleet's stored incoming messages from the command line (``--json``: records)."""

from __future__ import annotations

import click

from tgfleet.cli.fleet_common import echo_json, json_option, run, store_options, table, when


@click.group()
def inbox() -> None:
    """The incoming messages the workers stored (each once) and the handlers that finished with them."""


@inbox.command("list")
@click.option("--account", default=None, help="the account's label")
@click.option("--chat", type=int, default=None, help="a chat id (users positive, groups negative, channels -100...)")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@store_options
@json_option
def list_(account: str | None, chat: int | None, limit: int, store: str, key_file: str | None, as_json: bool) -> None:
    """Messages, newest first."""
    rows = run(store, key_file, lambda f: f.inbox.list(account=account, chat=chat, limit=limit))
    if as_json:
        echo_json(rows)
        return
    table(["id", "account", "chat", "message", "from", "received", "handled by", "text"],
          [[m.id, m.account, m.chat_id, m.message_id, m.sender_id, when(m.received_at), len(m.handled),
            m.text if len(m.text) <= 40 else f"{m.text[:39]}…"] for m in rows])  # fmt: skip
