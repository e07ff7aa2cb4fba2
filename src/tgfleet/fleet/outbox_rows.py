"""Reading outbox rows (``outbox_messages``, ``outbox_attempts``) into records, for ``outbox`` and ``outbox_holder``."""

from __future__ import annotations

from typing import Any

from tgfleet.fleet.outbox_records import Attempt, OutboxMessage, OutboxState
from tgfleet.fleet.records import Evidence
from tgfleet.fleet.store import Tx

OUTBOX_CHANNEL = "tgfleet_outbox"  # wake-ups: a message became due (payload: "account:<id>" or "pool:<name>")

MESSAGE_COLUMNS = (
    "SELECT m.id, m.state, m.peer, m.text, m.idempotency_key, m.pool, m.account_id, a.label, m.random_id,"
    " m.tg_message_id, m.attempts, m.error_code, m.error_name, m.error_message, m.not_before, m.deadline, m.epoch,"
    " m.worker, m.created_at, m.updated_at, m.chat FROM outbox_messages m LEFT JOIN accounts a ON a.id = m.account_id"
)
MESSAGE_RETURNING = (  # MESSAGE_COLUMNS' row, from an UPDATE of outbox_messages
    "RETURNING id, state, peer, text, idempotency_key, pool, account_id, (SELECT a.label FROM accounts a"
    " WHERE a.id = outbox_messages.account_id), random_id, tg_message_id, attempts, error_code, error_name,"
    " error_message, not_before, deadline, epoch, worker, created_at, updated_at, chat"
)
ATTEMPT_COLUMNS = (
    "SELECT id, message_id, at, worker, epoch, account_id, random_id, outcome, error_code, error_name,"
    " error_message, finished_at FROM outbox_attempts"
)


def _evidence(code: Any, name: Any, message: Any) -> Evidence | None:
    return None if code is None and name is None and message is None else Evidence(code, name, message)


def message_of(row: tuple[Any, ...]) -> OutboxMessage:
    (id_, state, peer, text, key, pool, account_id, label, random_id, tg_id, attempts, code, name, message,
     not_before, deadline, epoch, worker, created_at, updated_at, chat) = row  # fmt: skip
    return OutboxMessage(
        id=int(id_), state=OutboxState(state), peer=peer, text=text, idempotency_key=key, pool=pool,
        account_id=account_id, account=label, random_id=random_id, tg_message_id=tg_id, attempts=int(attempts),
        error=_evidence(code, name, message), not_before=not_before, deadline=deadline, epoch=epoch, worker=worker,
        created_at=created_at, updated_at=updated_at, chat=chat,
    )  # fmt: skip


def attempt_of(row: tuple[Any, ...]) -> Attempt:
    id_, message_id, at, worker, epoch, account_id, random_id, outcome, code, name, message, finished_at = row
    return Attempt(int(id_), int(message_id), at, worker, int(epoch), int(account_id), int(random_id), outcome,
                   _evidence(code, name, message), finished_at)  # fmt: skip


async def fetch_message(tx: Tx, message_id: int) -> OutboxMessage | None:
    row = await tx.fetchone(f"{MESSAGE_COLUMNS} WHERE m.id = :id", {"id": message_id})
    return None if row is None else message_of(row)


def wake_payload(account_id: int | None, pool: str | None) -> str:
    return f"account:{account_id}" if account_id is not None else f"pool:{pool}"
