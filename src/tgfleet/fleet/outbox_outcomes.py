"""What an attempt's result or error makes of an outbox message (docs/fleet.md, "Outbox", point 3).

- a sent message -> ``sent`` with Telegram's id;
- FLOOD_WAIT_X, SLOWMODE_WAIT_X -> ``retry_wait`` until the wait's end, and the wait for the flood ledger: the
  account's sends (FLOOD_WAIT) or the chat's (SLOWMODE_WAIT); the worker never sleeps on it;
- an account-level refusal (PEER_FLOOD, a frozen, banned, deleted or logged-out account) -> ``held`` on its account
  (never moved to another to dodge the limit: the operator decides), and the error goes on to the health seam;
- a permanent per-message error (a 400 or 403 about the peer or the text, a peer that cannot be resolved) -> ``failed``;
- anything that may have reached Telegram or not (a timeout, the connection lost, the gate closed by a fence, a
  server error, an error nothing here knows) -> ``unknown``: resent with the same random_id on the same account
  (``not_before``: a backoff after repeated attempts, none after the first).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tgfleet import errors
from tgfleet.fleet.flood_ledger import SEND_METHOD, Wait
from tgfleet.fleet.health import cause
from tgfleet.fleet.outbox_holder import Outcome
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.fleet.records import Evidence

ACCOUNT_LEVEL = frozenset({
    "PEER_FLOOD", "FROZEN_METHOD_INVALID", "FROZEN_PARTICIPANT_MISSING", "USER_DEACTIVATED", "USER_DEACTIVATED_BAN",
    "PHONE_NUMBER_BANNED", "AUTH_KEY_UNREGISTERED", "AUTH_KEY_INVALID", "SESSION_EXPIRED", "SESSION_REVOKED",
    "AUTH_KEY_DUPLICATED", "USER_RESTRICTED",
})  # fmt: skip
MAX_BACKOFF = 300.0


def holds_account(error: BaseException) -> bool:
    """Whether ``error`` says the account may not send now (the message is held, the error reported)."""
    inner = cause(error)
    return isinstance(inner, errors.RPCError) and (inner.ID in ACCOUNT_LEVEL or inner.code == 401)


def outcome_of(error: BaseException, attempts: int, chat: str, clock: Callable[[], float] = time.time) -> Outcome:
    """The outcome of an attempt to ``chat`` that raised ``error`` (the message's ``attempts`` counts this one)."""
    inner = cause(error)
    evidence = Evidence.from_error(inner)
    if isinstance(inner, errors.FloodWait | errors.SlowmodeWait):
        until = clock() + float(inner.value or 1)
        wait = Wait(SEND_METHOD, until, chat if isinstance(inner, errors.SlowmodeWait) else "")
        return Outcome(OutboxState.RETRY_WAIT, error=evidence, not_before=until, wait=wait)
    if holds_account(inner):
        return Outcome(OutboxState.HELD, error=evidence)
    if isinstance(inner, errors.PeerNotFound | errors.BadRequest | errors.Forbidden | TypeError | ValueError):
        return Outcome(OutboxState.FAILED, error=evidence)
    backoff = 0.0 if attempts <= 1 else min(MAX_BACKOFF, 2.0 ** (attempts - 2))
    return Outcome(OutboxState.UNKNOWN, error=evidence, not_before=clock() + backoff)
