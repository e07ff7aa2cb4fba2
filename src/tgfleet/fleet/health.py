"""``Health``: how what happens on a leased account becomes its state (docs/fleet.md, "Account health").

The worker reports to this seam, and only here: ``on_call_result`` after something authorized worked on the account
(a connect, a call), ``on_account_error`` after an error (a failed connect, a client gone FAILED, a job's error).
Today's rules are the minimal ones; probes, evidence gathering (freeze dates, authorizations) and the finer states
come later, in this module:

- AUTH_KEY_UNREGISTERED, AUTH_KEY_INVALID, SESSION_EXPIRED (the key is no longer logged in) -> ``needs_login``;
- SESSION_REVOKED, AUTH_KEY_DUPLICATED (something else used or ended the key) -> ``revoked``;
- USER_DEACTIVATED_BAN -> ``banned``; USER_DEACTIVATED -> ``deleted``;
- network and proxy errors, timeouts -> ``unreachable`` (never terminal: the worker keeps trying); a closed send
  gate (``SendGateClosed``: the holder fenced itself) says nothing about the account;
- a success -> ``active``; anything else (a flood wait, a refused call) leaves the state as it is.

Every change is one fenced ``accounts.set_state`` with the holder's epoch and the raw error as evidence (StaleEpoch
when a newer lease owns the account: the caller fences itself), made only from the state the holder last saw, so an
operator's change made meanwhile (``disabled``) stands; the account is returned as it is now either way.
"""

from __future__ import annotations

from tgfleet import errors
from tgfleet.fleet.accounts import Accounts
from tgfleet.fleet.records import Account, AccountState, Evidence

_BY_NAME = {
    "AUTH_KEY_UNREGISTERED": AccountState.NEEDS_LOGIN,
    "AUTH_KEY_INVALID": AccountState.NEEDS_LOGIN,
    "SESSION_EXPIRED": AccountState.NEEDS_LOGIN,
    "SESSION_REVOKED": AccountState.REVOKED,
    "AUTH_KEY_DUPLICATED": AccountState.REVOKED,
    "USER_DEACTIVATED_BAN": AccountState.BANNED,
    "USER_DEACTIVATED": AccountState.DELETED,
}
_UNREACHABLE = (errors.NetworkError, errors.RequestTimeout, errors.TransportError, OSError)


def cause(error: BaseException) -> BaseException:
    """The error that matters: the reason inside ``ConnectionFailed`` (nested ones too)."""
    while isinstance(error, errors.ConnectionFailed):
        error = error.reason
    return error


def state_for(error: BaseException) -> AccountState | None:
    """The state ``error`` puts an account in, or None when it says nothing about the account's health (a closed
    send gate is the holder's own fence)."""
    error = cause(error)
    if isinstance(error, errors.SendGateClosed):
        return None
    if isinstance(error, errors.RPCError):
        return _BY_NAME.get(error.ID)
    if isinstance(error, _UNREACHABLE):
        return AccountState.UNREACHABLE
    return None


class Health:
    """The seam. ``worker``: the holder's id, written on each event."""

    def __init__(self, accounts: Accounts, worker: str) -> None:
        self._accounts, self._worker = accounts, worker

    async def on_call_result(self, account: Account, *, epoch: int) -> Account:
        """Something authorized worked on ``account``: it is ``active`` (written only when that is news)."""
        if account.state is AccountState.ACTIVE:
            return account
        return await self._move(account, AccountState.ACTIVE, Evidence(message="an authorized call worked"), epoch)

    async def on_account_error(self, account: Account, error: BaseException, *, epoch: int) -> Account:
        """``error`` happened on ``account``; the account as it is now (its state moved if the error says so)."""
        new = state_for(error)
        if new is None or new is account.state:
            return account
        return await self._move(account, new, Evidence.from_error(cause(error)), epoch)

    async def _move(self, account: Account, state: AccountState, evidence: Evidence, epoch: int) -> Account:
        """Fenced, and only from the state the worker knows (an operator's change made meanwhile stands)."""
        return await self._accounts.set_state(
            account.id, state, evidence=evidence, epoch=epoch, worker=self._worker, expect=account.state
        )
