"""Logging an account of the store in again in place (docs/fleet.md, "Logins"): a login flow started for the phone of an
account the store has (typically ``needs_login`` after Telegram revoked its key) ends by giving THAT account the new
key, in the flow's ``authorized`` transaction:

- the authorized user must be the account's user (a number given to someone else after the old account was deleted is
  another person): otherwise the flow fails ``ACCOUNT_MISMATCH`` and nothing changes;
- the account's lease is taken back (``leases.take_back``: its epoch and the account's fence go one up), so a worker
  still holding it with the old key has its renewals and every fenced write refused from then on;
- its keys are replaced (``sessions.replace_keys``: same id, label, pool, policy, peers and update state; outbox rows
  keep pointing at it), and the health rule ``judge_login`` moves it to ``new`` with an event naming the login.
"""

from __future__ import annotations

from typing import Any

from tgfleet.fleet import sessions
from tgfleet.fleet.accounts import move_state, set_ready
from tgfleet.fleet.health_rules import judge_login
from tgfleet.fleet.leases import take_back
from tgfleet.fleet.records import AccountState
from tgfleet.fleet.seal import Sealer
from tgfleet.fleet.snapshot import SessionSnapshot
from tgfleet.fleet.store import Tx

ACCOUNT_MISMATCH = "ACCOUNT_MISMATCH"
"""The flow's error when the login's user is not the account's (the phone belongs to someone else now)."""
ACCOUNT_ENDED = "ACCOUNT_ENDED"
"""The flow's error when the account is ``banned`` or ``deleted`` by the time the login is done."""


async def log_in_again(
    tx: Tx, sealer: Sealer, account_id: int, login_id: int, session: SessionSnapshot, worker: str
) -> dict[str, Any] | None:
    """Give account ``account_id`` the key of ``session`` in ``tx``; None when done, else the flow's error (nothing
    written). DuplicateAccountError when another account holds the new key."""
    row = await tx.fetchone("SELECT label, state, user_id FROM accounts WHERE id = :id", {"id": account_id})
    if row is None:
        return {"code": 0, "name": ACCOUNT_ENDED, "message": f"account {account_id} is no longer in the store"}
    label, state, user_id = str(row[0]), AccountState(row[1]), row[2]
    if user_id is not None and int(user_id) != session.user_id:
        message = (f"the phone logged in as user {session.user_id}, but account {label!r} is user {user_id}: the"
                   " number belongs to another account now; nothing was changed")  # fmt: skip
        return {"code": 0, "name": ACCOUNT_MISMATCH, "message": message}
    home = session.dcs.get(session.dc_id) if session.dc_id is not None else None
    move = judge_login(state, login_id=login_id, auth_key_id=None if home is None else home.auth_key_id)
    if move is None:
        return {"code": 0, "name": ACCOUNT_ENDED, "message": f"account {label!r} is {state.value}: a login does not"
                " bring it back"}  # fmt: skip
    await sessions.refuse_held_keys(tx, account_id, session.dcs)  # before any write: a refusal changes nothing
    await take_back(tx, account_id)  # the lease row first, as every writer locks
    await set_ready(tx, account_id, move.state.runnable)
    await sessions.replace_keys(tx, account_id, session, sealer)
    await move_state(tx, account_id, state.value, move.state, evidence=move.evidence, worker=worker)
    return None
