"""``send`` calls made at once, on both engines: they share one store transaction (``outbox_sends``), and each
gets its own answer, as it would alone: its message stored, or the message its key holds, or its own typed error
(an unknown account, an empty pool, a key's other body) while the others' messages are stored; two sends of one
key at once store one message."""

from __future__ import annotations

import asyncio

import pytest

from tgfleet.fleet import AccountNotFound, Fleet, FleetValueError
from tgfleet.fleet.errors import IdempotencyConflict
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState

from .helpers import count_writes, populate


async def test_sends_made_at_once_share_one_transaction_and_each_gets_its_own_answer(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 2)
        old = await fleet.outbox.send(peer="@alice", text="hello", account="acct0", idempotency_key="old")
        writes = count_writes(fleet.store, monkeypatch)
        answers = await asyncio.gather(
            fleet.outbox.send(peer="@alice", text="a", account="acct0"),
            fleet.outbox.send(peer="@bob", text="b", account="acct1", idempotency_key="new"),
            fleet.outbox.send(peer="@alice", text="x", account="nobody"),
            fleet.outbox.send(peer="@alice", text="hello", account="acct0", idempotency_key="old"),
            fleet.outbox.send(peer="@alice", text="not hello", account="acct0", idempotency_key="old"),
            fleet.outbox.send(peer="@carol", text="c", pool="default"),
            fleet.outbox.send(peer="@carol", text="c", pool="no-such-pool"),
            return_exceptions=True,
        )
        assert len(writes) == 1  # one transaction for all seven
        a, b, nobody, repeat, conflict, pooled, empty = answers
        assert isinstance(nobody, AccountNotFound) and isinstance(empty, FleetValueError)
        assert isinstance(conflict, IdempotencyConflict) and conflict.message_id == old.id
        assert isinstance(repeat, OutboxMessage) and repeat.id == old.id and repeat.text == "hello"
        for message, text, account in ((a, "a", "acct0"), (b, "b", "acct1"), (pooled, "c", None)):
            assert isinstance(message, OutboxMessage)
            assert (message.text, message.account, message.state) == (text, account, OutboxState.QUEUED)
            assert await fleet.outbox.get(message.id) == message
        stored = await fleet.outbox.list()
        assert [(m.id, m.text) for m in stored] == [(old.id, "hello"), (a.id, "a"), (b.id, "b"), (pooled.id, "c")]
        assert pooled.pool == "default" and b.idempotency_key == "new"


async def test_two_sends_of_one_key_at_once_store_one_message(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await populate(fleet, 1)
        body = {"peer": "@alice", "text": "once", "account": "acct0", "idempotency_key": "k"}
        (first, stored_first), (second, stored_second) = await asyncio.gather(
            fleet.outbox.submit(**body), fleet.outbox.submit(**body)
        )
        assert first.id == second.id and {stored_first, stored_second} == {True, False}
        assert [m.id for m in await fleet.outbox.list()] == [first.id]
