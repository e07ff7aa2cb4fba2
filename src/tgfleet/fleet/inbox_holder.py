"""``HolderInbox``: the inbox as the holder of one account's lease writes it, every write fenced by its epoch.

- ``record(delivery)``: the dispatcher's ``record`` hook (``tgfleet.client.updates.dispatcher``). The delivery's
  incoming messages are inserted once (a message already stored under its key, ``(account, chat, message id)``, is
  left as it is) and the update state that covers them (``Delivery.state``: pts, qts, date, seq) is written to the
  account's session row, in ONE transaction that starts with the fence. The updates manager saves that state in the
  session storage only after this returned, so the stored state is never ahead of the stored messages: a new holder
  resumes from it with getDifference and gets nothing twice (the key) and loses nothing (the state). (The session's
  own flushes write the same columns, never ahead of this write; one that lands later with an older state only
  makes a new holder fetch again what is already stored.) A store that fails is tried again until it answers or the
  lease is gone (StaleEpoch is raised): the updates wait, nothing is saved past what is stored. The same for
  supergroups and channels: each one's pts once the delivery is applied (``Delivery.channels``) is written in that
  transaction, with the channel's record where the session has none (``sessions.keep_channels``), so a holder that
  died before its session's own flush leaves its successor the channels to ask getChannelDifference of.
- ``pending(handler, after, limit)``: the account's messages the handler has no marker for, oldest first.
- ``mark(...)``: a handler's marker (``done`` once it returned, ``skipped`` when its filter did not take the
  message), committed fenced after the handler returned: a holder that dies before it reruns the handler in its
  successor (at least once), one that committed it never does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace

from tgfleet.client.peers import CHANNEL_OFFSET, record_of
from tgfleet.client.updates import Delivery
from tgfleet.errors import TgfleetError
from tgfleet.fleet import sessions
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.inbox_records import Incoming, Pending
from tgfleet.fleet.store import Store, Tx
from tgfleet.storage import PeerRecord

log = logging.getLogger("tgfleet.fleet")
RETRY_INITIAL, RETRY_MAX = 0.5, 10.0
"""Seconds between tries of a recording the store refused for another reason than the fence (doubling)."""


class HolderInbox:
    """For the holder of ``account_id`` at ``epoch``, as worker ``worker``; ``on_stored`` is called after each
    recording that stored something new (the holder's handlers wake)."""

    def __init__(
        self,
        store: Store,
        counters: Counters,
        account_id: int,
        epoch: int,
        worker: str,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self._store, self._counters = store, counters
        self.account_id, self.epoch, self.worker = account_id, epoch, worker
        self._on_stored = on_stored

    async def _fence(self, tx: Tx) -> None:
        await sessions.fence_counted(tx, self.account_id, self.epoch, self._counters)

    async def record(self, delivery: Delivery) -> None:
        messages = [m for m in map(Incoming.of, delivery.updates) if m is not None]
        if not messages:
            return  # no message: the session's own flushes keep the state
        pause = RETRY_INITIAL
        while True:
            try:
                stored = await self._store_messages(messages, delivery)
                break
            except StaleEpoch:
                raise
            except (TgfleetError, OSError) as exc:
                log.warning("inbox of account %d: storing %d messages failed (again in %.1f s): %s",
                            self.account_id, len(messages), pause, exc)  # fmt: skip
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_MAX)
        if stored and self._on_stored is not None:
            self._on_stored()

    async def _store_messages(self, messages: list[Incoming], delivery: Delivery) -> int:
        """Insert what is new and write the state, in one fenced transaction; how many were new."""
        stored = 0
        async with self._store.transaction() as tx:
            await self._fence(tx)
            for m in messages:
                stored += await tx.execute(
                    "INSERT INTO inbox_messages (account_id, chat_id, message_id, sender_id, date, text, raw, epoch,"
                    " worker, received_at) VALUES (:account, :chat, :message, :sender, :date, :text, :raw, :epoch,"
                    " :worker, {now}) ON CONFLICT (account_id, chat_id, message_id) DO NOTHING",
                    {"account": self.account_id, "chat": m.chat_id, "message": m.message_id, "sender": m.sender_id,
                     "date": m.date, "text": m.text, "raw": m.raw, "epoch": self.epoch, "worker": self.worker},
                )  # fmt: skip
            if delivery.channels:
                await sessions.keep_channels(tx, self.account_id, delivery.channels, _channel_records(delivery))
            if (state := delivery.state) is not None:
                await tx.execute(
                    "UPDATE accounts SET pts = :pts, qts = :qts, date = :date, seq = :seq WHERE id = :account",
                    {"pts": state.pts, "qts": state.qts, "date": state.date, "seq": state.seq,
                     "account": self.account_id},
                )  # fmt: skip
        return stored

    async def pending(self, handler: str, *, after: int, limit: int) -> list[Pending]:
        """Up to ``limit`` of the account's messages with an id above ``after`` that ``handler`` has no marker for,
        oldest first."""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                "SELECT m.id, m.chat_id, m.message_id, m.sender_id, m.raw FROM inbox_messages m"
                " WHERE m.account_id = :account AND m.id > :after AND NOT EXISTS (SELECT 1 FROM inbox_handled h"
                " WHERE h.message_id = m.id AND h.handler = :handler) ORDER BY m.id LIMIT :limit",
                {"account": self.account_id, "after": after, "handler": handler, "limit": limit},
            )
        return [Pending(int(i), int(c), int(m), None if s is None else int(s), bytes(raw)) for i, c, m, s, raw in rows]

    async def mark(self, message_id: int, handler: str, *, outcome: str, attempts: int) -> None:
        """The handler is done with the message (``done`` or ``skipped``); StaleEpoch when the lease is gone."""
        async with self._store.transaction() as tx:
            await self._fence(tx)
            await tx.execute(
                "INSERT INTO inbox_handled (message_id, handler, outcome, attempts, epoch, worker, handled_at)"
                " VALUES (:message, :handler, :outcome, :attempts, :epoch, :worker, {now})"
                " ON CONFLICT (message_id, handler) DO NOTHING",
                {"message": message_id, "handler": handler, "outcome": outcome, "attempts": attempts,
                 "epoch": self.epoch, "worker": self.worker},
            )  # fmt: skip


def _channel_records(delivery: Delivery) -> list[PeerRecord]:
    """The records (with access hashes) of the delivery's channels, as its ``chats`` give them (min ones left out)."""
    now = time.time()
    wanted = {-CHANNEL_OFFSET - channel_id for channel_id in delivery.channels}
    records = (record_of(chat) for chat in delivery.chats)
    return [replace(r, updated_at=now) for r in records
            if r is not None and r.id in wanted and not r.is_min and r.access_hash is not None]  # fmt: skip
