"""``Outbox`` (``fleet.outbox``): durable messages, sent exactly once by the workers holding their accounts.

``send`` stores a message and returns it at once; a worker holding the account (or, for a pool send, a healthy
account of the pool) claims it, pins its ``random_id`` and account in the transaction that marks it ``sending``, and
only then calls Telegram (``outbox_holder``, ``outbox_sender``). The states are ``OutboxState``'s (docs/fleet.md).

Idempotency: the same ``idempotency_key`` with the same body (peer, text, account or pool) returns the message
stored under it; with another body it raises ``IdempotencyConflict``. ``not_before`` and ``deadline`` are not part
of the body (a repeat with other times returns the stored message unchanged).

A chat is the peer as one sender sees it: ``(account, peer)`` for an account's sends, ``(pool, peer)`` for a pool's;
within a chat, messages go out in the order of ``send``, one at a time (a later one waits while an earlier one is
queued, in flight, waiting out a flood wait, unknown or held; it goes on once that one is sent, failed, cancelled
or expired). ``cancel`` and ``retry`` are the operator's, unfenced but conditional on the state, so they never race
a holder's transition: a message in flight (claimed, sending) is neither.
"""

from __future__ import annotations

import builtins

from tgfleet.client.methods.messages import MAX_MESSAGE_LENGTH, utf16_length
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import (
    FleetValueError,
    MessageNotFound,
    OutboxStateError,
)
from tgfleet.fleet.group_commit import GroupCommit
from tgfleet.fleet.outbox_holder import HolderOutbox, StepGroup, step_group
from tgfleet.fleet.outbox_records import CANCELLABLE, RETRYABLE, Attempt, OutboxMessage, OutboxState, sql_states
from tgfleet.fleet.outbox_rows import (
    ATTEMPT_COLUMNS,
    MESSAGE_COLUMNS,
    OUTBOX_CHANNEL,
    attempt_of,
    fetch_message,
    message_of,
    wake_payload,
)
from tgfleet.fleet.outbox_sends import Send, Stored, by_key, left, store_sends
from tgfleet.fleet.outbox_watch import OutboxWatch
from tgfleet.fleet.records import Account
from tgfleet.fleet.store import IntegrityError, Listener, Store

MAX_KEY_LENGTH = 256
MAX_LIST = 1000


def _peer_text(peer: str | int) -> str:
    if isinstance(peer, bool) or not isinstance(peer, str | int):
        raise FleetValueError(f"peer must be a username, phone or user id, not {type(peer).__name__}")
    text = str(peer).strip()
    if not text or len(text) > 64:
        raise FleetValueError(f"peer must be a username, phone or user id of at most 64 characters, got {peer!r}")
    return text


def _check_body(text: str, key: str | None, not_before: float | None, deadline: float | None) -> None:
    if not isinstance(text, str) or not text.strip():
        raise FleetValueError("text must be a non-empty str")
    if (length := utf16_length(text)) > MAX_MESSAGE_LENGTH:
        raise FleetValueError(f"text is {length} UTF-16 code units, Telegram allows {MAX_MESSAGE_LENGTH}")
    if key is not None and (not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH):
        raise FleetValueError(f"idempotency_key must be a non-empty str of at most {MAX_KEY_LENGTH} characters")
    if not_before is not None and deadline is not None and deadline <= not_before:
        raise FleetValueError(f"deadline {deadline} is not after not_before {not_before}")


class Outbox:
    def __init__(self, store: Store, counters: Counters) -> None:
        self._store, self._counters = store, counters
        self._sends: GroupCommit[Send, Stored] = GroupCommit(store, store_sends, left)  # concurrent sends: one commit

    def holder(self, account: Account, epoch: int, worker: str, *, group: StepGroup | None = None) -> HolderOutbox:
        """The outbox as the holder of ``account``'s lease at ``epoch`` writes it (every write fenced); its steps
        share one transaction with those of the other holders of ``group`` (``step_group``) that are ready at the
        same time (without one, a group of its own)."""
        return HolderOutbox(self._store, self._counters, account.id, account.pool, epoch, worker, group=group)

    def step_group(self) -> StepGroup:
        """A group commit for the steps of many holders (a worker's: one for all the accounts it holds)."""
        return step_group(self._store)

    def watch(self, *, interval: float = 5.0) -> OutboxWatch:
        """A worker's look-out for its senders' work (``outbox_watch``): one sweep every ``interval`` seconds."""
        return OutboxWatch(self._store, interval=interval)

    async def send(
        self,
        *,
        peer: str | int,
        text: str,
        account: str | None = None,
        pool: str | None = None,
        idempotency_key: str | None = None,
        not_before: float | None = None,
        deadline: float | None = None,
    ) -> OutboxMessage:
        """Store a message to ``peer`` from ``account`` (a label) or from an account of ``pool``; returned at once
        (state ``queued``). ``not_before`` / ``deadline``: unix times (not sent before / expired after). Raises
        FleetValueError (nothing stored), AccountNotFound, IdempotencyConflict."""
        message, _ = await self.submit(peer=peer, text=text, account=account, pool=pool,
                                       idempotency_key=idempotency_key, not_before=not_before,
                                       deadline=deadline)  # fmt: skip
        return message

    async def submit(
        self,
        *,
        peer: str | int,
        text: str,
        account: str | None = None,
        pool: str | None = None,
        idempotency_key: str | None = None,
        not_before: float | None = None,
        deadline: float | None = None,
    ) -> tuple[OutboxMessage, bool]:
        """``send``, and whether this call stored the message (False: a repeat of the key answered what it stored).
        The sends made at once share a transaction (``outbox_sends``); each gets its own answer."""
        if (account is None) == (pool is None):
            raise FleetValueError("give exactly one of account= and pool=")
        peer_text = _peer_text(peer)
        _check_body(text, idempotency_key, not_before, deadline)
        send = Send(peer_text, text, account, pool, idempotency_key, not_before, deadline)
        try:
            return await self._sends.run(send)
        except IntegrityError:  # another process stored the same key between our read and our insert
            if idempotency_key is None:
                raise
            async with self._store.transaction(readonly=True) as tx:
                found = await by_key(tx, send)
            if found is None:
                raise
            return found

    async def get(self, message_id: int) -> OutboxMessage:
        """The message now; MessageNotFound."""
        async with self._store.transaction(readonly=True) as tx:
            message = await fetch_message(tx, message_id)
        if message is None:
            raise MessageNotFound(f"no outbox message {message_id}")
        return message

    async def list(
        self,
        *,
        state: OutboxState | str | None = None,
        account: str | None = None,
        limit: int = 100,
        after: int | None = None,
    ) -> builtins.list[OutboxMessage]:
        """Messages, oldest first, by ``state`` and/or ``account`` (a label), at most ``limit`` (up to 1000); a page:
        those numbered above ``after``."""
        where: builtins.list[str] = []
        params: dict[str, object] = {"limit": max(1, min(limit, MAX_LIST))}
        if state is not None:
            where.append("m.state = :state")
            params["state"] = OutboxState(state).value
        if account is not None:
            where.append("a.label = :label")
            params["label"] = account
        if after is not None:
            where.append("m.id > :after")
            params["after"] = after
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(f"{MESSAGE_COLUMNS}{condition} ORDER BY m.id LIMIT :limit", params)
        return [message_of(row) for row in rows]

    async def sent_since(self, since: float) -> dict[int, int]:
        """Account id -> messages it sent since ``since`` (unix seconds): the daily budgets as operators read them."""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                "SELECT account_id, COUNT(*) FROM outbox_messages WHERE state = 'sent' AND updated_at >= :since"
                " AND account_id IS NOT NULL GROUP BY account_id",
                {"since": since},
            )
        return {int(account): int(count) for account, count in rows}

    async def attempts(self, message_id: int) -> builtins.list[Attempt]:
        """Every attempt to send the message, oldest first."""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(f"{ATTEMPT_COLUMNS} WHERE message_id = :id ORDER BY id", {"id": message_id})
        return [attempt_of(row) for row in rows]

    async def cancel(self, message_id: int) -> OutboxMessage:
        """Operator: never send it (from queued, retry_wait, held, unknown; an unknown one may have arrived
        already). OutboxStateError otherwise."""
        return await self._move(message_id, OutboxState.CANCELLED, CANCELLABLE, "cancelled")

    async def retry(self, message_id: int) -> OutboxMessage:
        """Operator: queue it again now (from held, failed, unknown, retry_wait, expired, cancelled). Its random_id and
        pinned account stay, so a retry never doubles a message that did arrive."""
        return await self._move(message_id, OutboxState.QUEUED, RETRYABLE, "retried")

    async def _move(
        self, message_id: int, to: OutboxState, allowed: frozenset[OutboxState], action: str
    ) -> OutboxMessage:
        async with self._store.transaction() as tx:
            done = await tx.execute(
                f"UPDATE outbox_messages SET state = :to, not_before = NULL, updated_at = {{now}}"
                f" WHERE id = :id AND state IN ({sql_states(allowed)})",
                {"id": message_id, "to": to.value},
            )
            message = await fetch_message(tx, message_id)
            if message is None:
                raise MessageNotFound(f"no outbox message {message_id}")
            if not done:
                raise OutboxStateError(message_id, message.state.value, action)
            if to is OutboxState.QUEUED:
                tx.notify(OUTBOX_CHANNEL, wake_payload(message.account_id, message.pool))
        return message

    async def wakeups(self) -> Listener:
        """Wake-ups when a message may have become due (payload ``account:<id>`` or ``pool:<name>``); hints only."""
        return await self._store.listen(OUTBOX_CHANNEL)
