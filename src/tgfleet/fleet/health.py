"""``Health``: the seam where what happens on a leased account becomes its state (docs/fleet.md, "Account health").

The worker reports here, and only here: ``on_call_result`` after something authorized worked (a connect, a call of
the account's own traffic), ``on_account_error`` after an error (a failed connect, a client gone FAILED, a call's
error), ``on_probe`` with a probe's findings (``probes``), ``on_probe_error`` when a probe failed (after its error
went to ``on_account_error``); ``tgfleet fleet accounts check`` does the same. The rules are ``health_rules`` (pure);
this class writes the moves they make, and each probe's time and outcome (``probe_results``: ``ok`` or the error's
name, with the sessions it listed).

Every move is one fenced ``accounts.set_state`` (a new state) or ``accounts.note`` (a finding in the same state) with
the holder's epoch and the evidence (the raw error: name, code, message, and the values that matter), made only from
the state the holder last saw, so an operator's change made meanwhile (``disabled``) stands. StaleEpoch when a newer
lease owns the account (the caller fences itself); the account is returned as it is now either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tgfleet.fleet.accounts import Accounts
from tgfleet.fleet.health_rules import (
    Findings,
    HealthSettings,
    Move,
    cause,
    judge_error,
    judge_probe,
    judge_success,
    state_for,
)
from tgfleet.fleet.probe_results import OK, result_of
from tgfleet.fleet.records import Account

__all__ = ["Health", "HealthSettings", "cause", "state_for"]


class Health:
    """The seam. ``worker``: the holder's id, written on each event; ``clock``: unix time (injectable for tests)."""

    def __init__(
        self,
        accounts: Accounts,
        worker: str,
        settings: HealthSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._accounts, self._worker = accounts, worker
        self.settings, self.clock = settings or HealthSettings(), clock

    async def on_call_result(self, account: Account, *, epoch: int, what: str = "an authorized call") -> Account:
        """Something authorized worked on ``account`` (written only when that is news: see ``judge_success``)."""
        return await self._apply(account, judge_success(account.state, account.state_until, now=self.clock(),
                                                        what=what), epoch)  # fmt: skip

    async def on_account_error(
        self,
        account: Account,
        error: BaseException,
        *,
        epoch: int,
        method: str | None = None,
        ended: dict[str, Any] | None = None,
    ) -> Account:
        """``error`` happened on ``account`` (in a call of ``method``, when known); the account as it is now."""
        move = judge_error(error, account.state, account.state_until, now=self.clock(), settings=self.settings,
                           method=method, ended=ended)  # fmt: skip
        return await self._apply(account, move, epoch)

    async def on_probe(self, account: Account, found: Findings, *, epoch: int, seen: Findings | None = None) -> Account:
        """A probe's calls worked and found ``found`` (``seen``: what this holder's previous probe found). The probe
        is recorded first, so whoever sees the move it makes sees the probe too."""
        account = await self._accounts.record_probe(account.id, OK, epoch=epoch, listed=found.authorizations)
        for move in judge_probe(account.state, account.state_until, found, now=self.clock(), seen=seen):
            account = await self._apply(account, move, epoch)
            if account.state is not move.state:
                break  # moved meanwhile (an operator): the rest was judged from a state the account is not in
        return account

    async def on_probe_error(self, account: Account, error: BaseException, *, epoch: int) -> Account:
        """A probe of ``account`` failed with ``error``: its outcome is recorded (the move it makes is
        ``on_account_error``'s, reported after this)."""
        return await self._accounts.record_probe(account.id, result_of(error), epoch=epoch)

    async def _apply(self, account: Account, move: Move | None, epoch: int) -> Account:
        if move is None:
            return account
        if move.state is account.state:
            return await self._accounts.note(account.id, move.evidence, epoch=epoch, worker=self._worker,
                                             expect=account.state, until=move.until)  # fmt: skip
        return await self._accounts.set_state(account.id, move.state, evidence=move.evidence, epoch=epoch,
                                              worker=self._worker, expect=account.state, until=move.until)  # fmt: skip
