"""The SQL of ``HolderOutbox``'s transitions (``outbox_holder``), as templates (``store.base``) for one holder's
parameters: ``:account``, ``:epoch``, ``:worker``, and for the claim's ``:pool``, ``:take_pool``, ``:least``,
``:peer_at`` (``outbox_pool``), ``:limit``; a message's ``:id``, an attempt's ``:attempt``."""

from __future__ import annotations

from tgfleet.fleet import outbox_pool
from tgfleet.fleet.outbox_records import DUE, IN_FLIGHT, OPEN, OutboxState, sql_states
from tgfleet.fleet.outbox_rows import MESSAGE_RETURNING

CANDIDATES = (  # the account's own due messages, and with take_pool its pool's unassigned ones: each half an index
    # range (outbox_account, outbox_pool), where MINE's OR alone made the engine read the whole table
    f"m.id IN (SELECT id FROM outbox_messages WHERE account_id = :account AND state IN ({sql_states(DUE)})"
    " UNION ALL SELECT id FROM outbox_messages WHERE :take_pool = 1 AND account_id IS NULL AND pool = :pool"
    f" AND state IN ({sql_states(DUE)}))"
)
MINE = (
    "(m.account_id = :account OR (:take_pool = 1 AND m.account_id IS NULL AND m.pool = :pool"
    f" AND {outbox_pool.CHOICE}))"
)


def orphaned(m: str) -> str:
    """A pool message claimed, not begun, by an account nobody holds now (nothing of it reached Telegram); ``m``:
    the table's alias and a dot, or nothing (an UPDATE's own conditions, rechecked on the row it locks)."""
    return (
        f"(:take_pool = 1 AND {m}pool = :pool AND {m}state = 'claimed' AND {m}random_id IS NULL"
        f" AND {m}account_id <> :account"
        f" AND {m}account_id IN (SELECT l.account_id FROM leases l WHERE l.holder IS NULL OR l.expires_at < {{now}}))"
    )


_EXPIRABLE = frozenset({OutboxState.QUEUED, OutboxState.RETRY_WAIT, OutboxState.HELD, OutboxState.UNKNOWN})
_ENDED = "the holder ended during the call"
_PAST_DEADLINE = f"state IN ({sql_states(_EXPIRABLE)}) AND deadline IS NOT NULL AND deadline < {{now}}"

HAS_WORK = (  # three questions, each its own index range (one OR over them all read the whole table)
    f"SELECT 1 WHERE EXISTS (SELECT 1 FROM outbox_messages m WHERE {CANDIDATES} AND {MINE}"
    " AND (m.not_before IS NULL OR m.not_before <= {now}))"
    " OR EXISTS (SELECT 1 FROM outbox_messages m WHERE m.account_id = :account"
    f" AND m.state IN ({sql_states(IN_FLIGHT)}) AND m.epoch < :epoch)"
    f" OR EXISTS (SELECT 1 FROM outbox_messages m WHERE {orphaned('m.')})"
)
RECOVER = (  # what holders of older epochs, or an earlier sender of this one's epoch, left in flight on this account
    "UPDATE outbox_attempts SET outcome = 'unknown', finished_at = {now},"
    f" error_message = '{_ENDED}' WHERE account_id = :account AND outcome = 'sending' AND epoch <= :epoch",
    "UPDATE outbox_messages SET state = 'unknown', not_before = NULL, epoch = :epoch, worker = :worker,"
    f" error_code = NULL, error_name = NULL, error_message = '{_ENDED}',"
    " updated_at = {now} WHERE account_id = :account AND state = 'sending' AND epoch <= :epoch",
    "UPDATE outbox_messages SET state = CASE WHEN random_id IS NULL THEN 'queued' ELSE 'unknown' END,"
    " account_id = CASE WHEN random_id IS NULL AND pool IS NOT NULL THEN NULL ELSE account_id END,"
    " epoch = :epoch, worker = :worker, updated_at = {now}"
    " WHERE account_id = :account AND state = 'claimed' AND epoch <= :epoch",
)
SWEEP = (  # the pool's claims orphaned go back to the pool; this account's and the pool's unassigned past deadline
    "UPDATE outbox_messages SET state = 'queued', account_id = NULL, epoch = :epoch, worker = :worker,"
    f" updated_at = {{now}} WHERE {orphaned('')}",
    "UPDATE outbox_messages SET state = 'expired', epoch = :epoch, worker = :worker, updated_at = {now}"
    f" WHERE id IN (SELECT id FROM outbox_messages WHERE account_id = :account AND {_PAST_DEADLINE}"
    f" UNION ALL SELECT id FROM outbox_messages WHERE :take_pool = 1 AND account_id IS NULL AND pool = :pool"
    f" AND {_PAST_DEADLINE})",
)
HEADS = (  # the due head of each chat, none in flight in it, before its deadline
    f"SELECT m.id, m.account_id, m.chat, m.peer FROM outbox_messages m WHERE {CANDIDATES} AND {MINE}"
    f" AND m.state IN ({sql_states(DUE)}) AND (m.not_before IS NULL OR m.not_before <= {{now}})"
    " AND (m.deadline IS NULL OR m.deadline >= {now})"
    # m is its chat's first open message: one seek of outbox_open_chat per candidate (PostgreSQL's anti-join for
    # "no earlier open message", in the generic plan it made on a young table, read every open message per candidate)
    f" AND (SELECT e.id FROM outbox_messages e WHERE e.chat = m.chat AND e.state IN ({sql_states(OPEN)})"
    " ORDER BY e.id LIMIT 1) = m.id"
    f" AND NOT EXISTS (SELECT 1 FROM outbox_messages f WHERE f.chat = m.chat AND f.state IN ({sql_states(IN_FLIGHT)}))"
    " ORDER BY m.id LIMIT :limit {skip_locked}"
)
CLAIM = (
    "UPDATE outbox_messages SET state = 'claimed', account_id = :account, epoch = :epoch, worker = :worker,"
    f" updated_at = {{now}} WHERE id = :id AND state IN ({sql_states(DUE)})"
)
_BEGIN = (
    "UPDATE outbox_messages SET state = 'sending', random_id = COALESCE(random_id, :random_id),"
    " account_id = :account, attempts = attempts + 1, epoch = :epoch, worker = :worker, updated_at = {now}"
    " WHERE id = :id AND {was} " + MESSAGE_RETURNING
)
BEGIN = {  # -> sending: from claimed by this holder, or from due (a head just read: this account's or its pool's)
    "claimed": _BEGIN.replace("{was}", "state = 'claimed' AND account_id = :account AND epoch = :epoch"),
    "due": _BEGIN.replace("{was}", f"state IN ({sql_states(DUE)}) AND (account_id = :account OR account_id IS NULL)"),
}
ATTEMPT = (  # the attempt of the message just begun (in the same batch: its random_id as the message has it)
    "INSERT INTO outbox_attempts (message_id, at, worker, epoch, account_id, random_id, outcome)"
    " SELECT id, {now}, :worker, :epoch, :account, random_id, 'sending' FROM outbox_messages"
    " WHERE id = :id AND state = 'sending' AND account_id = :account AND epoch = :epoch RETURNING id"
)
FINISH = (
    "UPDATE outbox_messages SET state = :state, tg_message_id = COALESCE(:tg, tg_message_id),"
    " error_code = :code, error_name = :name, error_message = :message, not_before = :not_before,"
    " epoch = :epoch, worker = :worker, updated_at = {now}"
    " WHERE id = :id AND state = 'sending' AND account_id = :account AND epoch = :epoch",
    "UPDATE outbox_attempts SET outcome = :state, error_code = :code, error_name = :name,"
    " error_message = :message, finished_at = {now} WHERE id = :attempt",
)
