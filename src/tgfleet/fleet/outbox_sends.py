"""The transaction of ``Outbox.send``: the sends queued at once, stored together (``group_commit``).

Concurrent ``send`` calls (an application answering many requests) go into one transaction: its key lookups in one
trip to the store (``Tx.batch``), its inserts in the next, one commit and one wake-up per account or pool for all of
them. Each send gets its own answer: the message stored (or the one its idempotency key already holds), or its own
error (AccountNotFound, FleetValueError, IdempotencyConflict) while the others commit. Two sends of one key in one
group both insert; the unique key refuses the second, the group's transaction rolls back and each send runs alone
(``group_commit``), so the second then finds the first. A caller that left while its send's transaction ran is not
told; its message stays stored (as when it leaves after the commit): a repeat with its key finds it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tgfleet.fleet.errors import AccountNotFound, FleetValueError, IdempotencyConflict
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.outbox_rows import OUTBOX_CHANNEL, fetch_message, wake_payload
from tgfleet.fleet.store import Statement, Tx

Stored = tuple[OutboxMessage, bool]  # the message, and whether this send stored it (False: its key's message)

BY_KEY = "SELECT id, body_hash FROM outbox_messages WHERE idempotency_key = :key"
_INSERT = (
    "INSERT INTO outbox_messages (idempotency_key, body_hash, peer, text, pool, account_id, chat, state, not_before,"
    " deadline, created_at, updated_at) SELECT :key, :body, :peer, :text, :pool, {sender}, 'queued', :not_before,"
    " :deadline, {{now}}, {{now}} {source} RETURNING id, account_id, chat, created_at, updated_at"
)
_TO_ACCOUNT = _INSERT.format(
    sender="a.id, 'account:' || CAST(a.id AS TEXT) || ':' || :who", source="FROM accounts a WHERE a.label = :label"
)  # chat_key's, for the account found
_TO_POOL = _INSERT.format(sender="NULL, :chat", source="WHERE EXISTS (SELECT 1 FROM accounts WHERE pool = :pool)")


def chat_key(peer: str, account_id: int | None, pool: str | None) -> str:
    """The ordering key: the sender (account or pool) and the peer, a username without ``@`` and in lower case."""
    who = chat_peer(peer)
    return f"account:{account_id}:{who}" if account_id is not None else f"pool:{pool}:{who}"


def chat_peer(peer: str) -> str:
    """The peer as a chat key names it."""
    who = peer.strip()
    return who[1:].lower() if who.startswith("@") else who.lower()


@dataclass(frozen=True)
class Send:
    """One ``send``'s message, checked (``outbox``): to ``account`` (a label) or to ``pool``, exactly one."""

    peer: str
    text: str
    account: str | None
    pool: str | None
    key: str | None
    not_before: float | None
    deadline: float | None

    @property
    def body(self) -> str:
        """What an idempotency key's repeat must match: peer, text, account or pool."""
        return hashlib.sha256(json.dumps([self.peer, self.text, self.account, self.pool]).encode()).hexdigest()

    def insert(self) -> Statement:
        """The insert, its sender checked in the same statement (no row: no such account, or an empty pool)."""
        params = {"key": self.key, "body": self.body, "peer": self.peer, "text": self.text, "pool": self.pool,
                  "label": self.account, "who": chat_peer(self.peer), "chat": chat_key(self.peer, None, self.pool),
                  "not_before": self.not_before, "deadline": self.deadline}  # fmt: skip
        return _TO_ACCOUNT if self.account is not None else _TO_POOL, params

    def stored(self, row: tuple[Any, ...] | None) -> OutboxMessage:
        """The message its insert's ``row`` stored; AccountNotFound or FleetValueError when it stored none."""
        if row is None and self.account is not None:
            raise AccountNotFound(f"no account {self.account!r} in the fleet store")
        if row is None:
            raise FleetValueError(f"no account is in pool {self.pool!r}")
        id_, account_id, chat, created_at, updated_at = row
        return OutboxMessage(id=int(id_), state=OutboxState.QUEUED, peer=self.peer, text=self.text,
                             idempotency_key=self.key, pool=self.pool, account_id=account_id, account=self.account,
                             random_id=None, tg_message_id=None, attempts=0, error=None, not_before=self.not_before,
                             deadline=self.deadline, epoch=None, worker=None, created_at=created_at,
                             updated_at=updated_at, chat=chat)  # fmt: skip


async def by_key(tx: Tx, send: Send) -> Stored | None:
    """The message ``send``'s key already holds (IdempotencyConflict when its body differs), or None."""
    row = None if send.key is None else await tx.fetchone(BY_KEY, {"key": send.key})
    return None if row is None else await _keyed(tx, send, row)


async def _keyed(tx: Tx, send: Send, row: tuple[Any, ...]) -> Stored:
    message = await fetch_message(tx, int(row[0]))
    assert message is not None and send.key is not None
    if row[1] != send.body:
        raise IdempotencyConflict(send.key, message.id)
    return message, False


async def store_sends(tx: Tx, sends: Sequence[Send]) -> list[Stored | Exception]:
    """The sends in one transaction: the keys' lookups in one trip, the inserts of the rest in the next, one
    wake-up per account or pool. What each send gets: its message, or its own error."""
    out: dict[int, Stored | Exception] = {}
    keys = list(dict.fromkeys(send.key for send in sends if send.key is not None))
    found = dict(zip(keys, await tx.batch([(BY_KEY, {"key": key}) for key in keys]), strict=True)) if keys else {}
    fresh = [i for i, send in enumerate(sends) if send.key is None or not found[send.key].rows]
    inserted = await tx.batch([sends[i].insert() for i in fresh]) if fresh else []
    wakes: dict[str, None] = {}
    for i, done in zip(fresh, inserted, strict=True):
        try:
            message = sends[i].stored(done.rows[0] if done.rows else None)
        except (AccountNotFound, FleetValueError) as exc:
            out[i] = exc
            continue
        out[i] = message, True
        wakes[wake_payload(message.account_id, message.pool)] = None
    for i, send in enumerate(sends):
        if i not in out:  # (its key's message was found)
            assert send.key is not None
            try:
                out[i] = await _keyed(tx, send, found[send.key].rows[0])
            except IdempotencyConflict as exc:
                out[i] = exc
    for payload in wakes:
        tx.notify(OUTBOX_CHANNEL, payload)
    return [out[i] for i in range(len(sends))]


async def left(send: Send, stored: Stored) -> None:
    """A caller that left while its send's transaction ran: its message stays (a repeat of its key finds it)."""
