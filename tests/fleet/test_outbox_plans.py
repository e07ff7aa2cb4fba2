"""The outbox's per-step reads are index seeks, on both engines: what a holder's step costs depends on its own
account's rows, never on how many messages the store holds or a chat ever sent (docs/fleet.md, "Scale").

Before, the due-heads read (``HEADS``), ``HAS_WORK`` and the deadline sweep each read the whole ``outbox_messages``
table (the OR between an account's own messages and its pool's kept either engine from an index), and "is an earlier
message of this chat still open?" walked every message the chat had ever sent; and whether an account of the pool
already talks to a pool message's peer (``outbox_pool.CHOICE``) walked every message sent by the account, and by
every other account. The engines' own plans are the
evidence: SQLite's ``EXPLAIN QUERY PLAN`` must show no scan of the table, PostgreSQL's ``EXPLAIN`` (with sequential
scans priced out, so one appears only where no index can answer) no sequential scan of it, and both answer the
open-chat question from ``outbox_open_chat``."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tgfleet.fleet import Fleet
from tgfleet.fleet import outbox_statements as sql
from tgfleet.fleet.store.base import NAMED, POSTGRESQL, SQLITE

from .helpers import populate

_OUTBOX_ALIASES = ("m", "e", "f", "s", "outbox_messages")


async def plan(fleet: Fleet, template: str, params: dict[str, Any]) -> list[str]:
    """The engine's plan of ``template`` with ``params``, a line per step."""
    async with fleet.store.transaction() as tx:
        if fleet.store.dialect is SQLITE:
            return [str(row[-1]) for row in await tx.fetch("EXPLAIN QUERY PLAN " + template, params)]
        await tx.execute("SET LOCAL enable_seqscan = off")
        return [str(row[0]) for row in await tx.fetch("EXPLAIN " + template, params)]


def full_reads(fleet: Fleet, lines: list[str]) -> list[str]:
    """The plan's steps that read all of ``outbox_messages`` (or walk a range of it by id alone)."""
    if fleet.store.dialect is SQLITE:
        aliases = "|".join(_OUTBOX_ALIASES)
        return [
            line
            for line in lines
            if re.match(rf"(SCAN ({aliases})\b)|(SEARCH ({aliases}) USING INTEGER PRIMARY KEY \(rowid<)", line)
        ]
    return [line for line in lines if "Seq Scan on outbox_messages" in line]


async def history(fleet: Fleet, account_id: int, *, sent: int) -> None:
    """A long-lived account: ``sent`` messages sent to one chat, a few still queued, and the engine's statistics
    of them (what a planner weighs its choices by)."""
    now = time.time()
    rows = [{"account": account_id, "chat": f"account:{account_id}:@bob", "state": "sent" if i < sent else "queued",
             "key": f"h{i}", "now": now} for i in range(sent + 5)]  # fmt: skip
    async with fleet.store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO outbox_messages (idempotency_key, body_hash, peer, text, account_id, chat, state, attempts,"
            " created_at, updated_at) VALUES (:key, 'h', '@bob', 'x', :account, :chat, :state, 1, :now, :now)",
            rows,
        )
    async with fleet.store.transaction() as tx:
        await tx.execute("ANALYZE" if fleet.store.dialect is SQLITE else "ANALYZE outbox_messages")


@pytest.mark.parametrize("take_pool", [0, 1])
async def test_a_steps_reads_seek_the_accounts_own_rows(store_url: str, take_pool: int) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        account = await fleet.accounts.get("acct0")
        await history(fleet, account.id, sent=2_000)
        params = {"account": account.id, "epoch": 1, "worker": "w", "pool": account.pool, "take_pool": take_pool,
                  "least": 1, "peer_at": len(f"pool:{account.pool}:") + 1, "limit": 10}  # fmt: skip
        for name, template in [("HEADS", sql.HEADS), ("HAS_WORK", sql.HAS_WORK), ("the deadline sweep", sql.SWEEP[1])]:
            lines = await plan(fleet, template, params)
            assert not full_reads(fleet, lines), f"{name} reads the whole outbox:\n" + "\n".join(lines)
        heads = await plan(fleet, sql.HEADS, params)
        assert any("outbox_open_chat" in line for line in heads)
        if take_pool:  # who talks to the peer already: a seek per account and chat, not the account's whole history
            assert any("outbox_talked" in line for line in heads), "\n".join(heads)


async def test_the_due_heads_generic_plan_on_a_young_table_seeks_each_chat(store_url: str) -> None:
    """PostgreSQL runs ``HEADS`` by its generic plan (``Tx.plan_generically``: planning it cost several times running
    it), and the generic plan is made when the statement is first prepared, often on a table seconds old: that plan,
    too, must look up each candidate's chat in ``outbox_open_chat`` (for "no earlier open message" PostgreSQL made an
    anti-join that read every open message of the table per candidate)."""
    if store_url.startswith("sqlite"):
        pytest.skip("SQLite plans a statement once, for no call's values (the test above shows its plans)")
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        account = await fleet.accounts.get("acct0")
        params = {"account": account.id, "epoch": 1, "worker": "w", "pool": account.pool, "take_pool": 1,
                  "least": 1, "peer_at": len(f"pool:{account.pool}:") + 1, "limit": 10}  # fmt: skip
        text = sql.HEADS.format_map(POSTGRESQL.fragments)
        names = list(dict.fromkeys(NAMED.findall(text)))
        positional = NAMED.sub(lambda m: f"${names.index(m.group(1)) + 1}", text)
        values = ", ".join(repr(params[name]) for name in names)
        async with fleet.store.transaction() as tx:
            await tx.execute(f"PREPARE young_heads AS {positional}")
            await tx.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            lines = [str(row[0]) for row in await tx.fetch(f"EXPLAIN EXECUTE young_heads({values})")]
            await tx.execute("DEALLOCATE young_heads")
        plan = "\n".join(lines)
        assert not full_reads(fleet, lines), plan
        [at] = [i for i, line in enumerate(lines) if "outbox_open_chat on outbox_messages e" in line]
        assert "Index Cond: (chat = m.chat)" in lines[at + 1], plan
