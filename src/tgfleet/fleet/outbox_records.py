"""What the outbox hands out: a stored message (``OutboxMessage``), one attempt to send it (``Attempt``), its states.

The states and their transitions (docs/fleet.md, "Outbox"):

- ``queued`` -> ``claimed`` (a holder of the account took it) -> ``sending`` (the random_id and the account pinned,
  committed before the call) -> ``sent`` | ``retry_wait`` | ``held`` | ``failed`` | ``unknown``; the worker's sender
  goes from a due state straight to ``sending`` (``HolderOutbox.step``);
- ``retry_wait`` and ``unknown`` are claimed again when due (``unknown``: the same random_id, the same account);
  ``claimed`` / ``sending`` left by a holder whose lease ended go back to ``queued`` / ``unknown``;
- ``queued``, ``retry_wait``, ``held``, ``unknown`` -> ``cancelled`` (operator) or ``expired`` (past the deadline);
- ``held``, ``failed``, ``unknown``, ``retry_wait``, ``expired``, ``cancelled`` -> ``queued`` (operator retry).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tgfleet.fleet.records import Evidence


class OutboxState(str, enum.Enum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    RETRY_WAIT = "retry_wait"  # a flood or slow-mode wait (not_before: its end) or a server error's backoff
    HELD = "held"  # the account may not send (limited, frozen, banned, logged out): the operator decides
    FAILED = "failed"  # a permanent per-message error (invalid peer, blocked, too long)
    UNKNOWN = "unknown"  # the call may or may not have reached Telegram: resent with the same random_id
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the deadline passed before it was sent


IN_FLIGHT = frozenset({OutboxState.CLAIMED, OutboxState.SENDING})
DUE = frozenset({OutboxState.QUEUED, OutboxState.RETRY_WAIT, OutboxState.UNKNOWN})  # claimable once not_before passed
OPEN = DUE | IN_FLIGHT | {OutboxState.HELD}  # a chat's later messages wait while one of these is ahead of them
CANCELLABLE = frozenset({OutboxState.QUEUED, OutboxState.RETRY_WAIT, OutboxState.HELD, OutboxState.UNKNOWN})
RETRYABLE = frozenset({OutboxState.HELD, OutboxState.FAILED, OutboxState.UNKNOWN, OutboxState.RETRY_WAIT,
                       OutboxState.EXPIRED, OutboxState.CANCELLED})  # fmt: skip


def sql_states(states: frozenset[OutboxState]) -> str:
    """``'a', 'b'`` for an ``IN (...)`` of the schema's own constants (sorted, so a statement is one template)."""
    return ", ".join(f"'{s.value}'" for s in sorted(states, key=lambda s: s.value))


@dataclass(frozen=True)
class OutboxMessage:
    """A stored message. ``account`` / ``account_id``: the account it goes from (for a pool send: once assigned;
    pinned for good once ``random_id`` is set); ``epoch``: the lease epoch of the last holder that moved it;
    ``error``: the last attempt's raw error; ``chat``: its ordering key (``outbox_sends.chat_key``), which slow mode and
    the per-chat pacing are scoped by."""

    id: int
    state: OutboxState
    peer: str
    text: str
    idempotency_key: str | None
    pool: str | None
    account_id: int | None
    account: str | None
    random_id: int | None
    tg_message_id: int | None
    attempts: int
    error: Evidence | None
    not_before: float | None
    deadline: float | None
    epoch: int | None
    worker: str | None
    created_at: float
    updated_at: float
    chat: str = ""


@dataclass(frozen=True)
class Attempt:
    """One call to Telegram for a message: when, by which worker under which lease epoch, with which random_id, and
    how it ended (``outcome``: a state; ``sending`` while the call runs or when its holder died in it)."""

    id: int
    message_id: int
    at: float
    worker: str
    epoch: int
    account_id: int
    random_id: int
    outcome: str
    error: Evidence | None
    finished_at: float | None
