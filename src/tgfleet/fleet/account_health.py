"""``AccountHealth``: one leased account's health inside its runner: what its own calls show, its probes, and every
report to the ``Health`` seam, one at a time.

- ``observe(query, error)`` sees the outcome of every call the account's Client makes (``FleetClient(observer=...)``),
  the job's and the updates' alike: a success may move the account back (``health_rules.judge_success``), a telling
  error moves it on, and either pushes the next probe back (traffic shows the health). It never raises into the call:
  a refused write fences the runner (``on_stale``), a state no worker runs ends it (``unrunnable`` is set).
- ``probe_loop(client)`` takes the probes when ``ProbeSchedule`` says (``probes``), each in this runner's task, with a
  bounded timeout per call, so no probe stalls another account. Its calls are not "traffic" (``PROBING``).
- ``report_error`` / ``report_success``: the runner's own reports (a failed connect, a client gone FAILED, a job's
  error); an error ``observe`` reported already is not reported twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from tgfleet import errors
from tgfleet.client import Client
from tgfleet.client.invoke import method_name
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.health import Health
from tgfleet.fleet.health_rules import UNCHANGED, Findings, cause, state_for
from tgfleet.fleet.probes import ProbeSchedule, ProbeSettings, probe
from tgfleet.fleet.records import Account, AccountState
from tgfleet.fleet.worker_events import PROBED, STATE
from tgfleet.net.flag import Flag
from tgfleet.tl import TLFunction

log = logging.getLogger("tgfleet.fleet")
PROBING: ContextVar[bool] = ContextVar("tgfleet_probing", default=False)
"""True inside a probe's calls: the observer leaves them to the probe."""


class AccountHealth:
    """``account`` is the runner's view of the account (set by the runner once read, replaced by every report).
    ``emit(kind, detail)``: a ``probed`` or ``state`` worker event; ``may_send``: the runner's send gate (closed:
    nothing is reported, the errors are the fence's own doing)."""

    def __init__(
        self,
        health: Health,
        settings: ProbeSettings,
        epoch: int,
        *,
        may_send: Callable[[], bool],
        on_stale: Callable[[StaleEpoch], None],
        emit: Callable[[str, dict[str, Any]], None],
        rng: random.Random,
    ) -> None:
        self._health, self._settings, self._epoch = health, settings, epoch
        self._may_send, self._on_stale, self._emit, self._rng = may_send, on_stale, emit, rng
        self.account: Account | None = None
        self.unrunnable = Flag()
        self._lock = asyncio.Lock()
        self._reported: BaseException | None = None  # the last error reported (not reported twice)
        self._schedule: ProbeSchedule | None = None
        self._seen: Findings | None = None  # what the probes found so far
        self._wake = Flag()

    # --- reports ------------------------------------------------------------------------------------------------
    async def report_error(self, error: BaseException, *, method: str | None = None, probe: bool = False) -> Account:
        """``probe``: a probe got ``error`` (its outcome is recorded too)."""
        inner = cause(error)
        async with self._lock:
            before = self._current().state
            if probe:  # recorded first: whoever sees the move sees the probe too
                self._moved(await self._health.on_probe_error(self._current(), inner, epoch=self._epoch))
            if inner is not self._reported:
                self._moved(await self._health.on_account_error(
                    self._current(), inner, epoch=self._epoch, method=method, ended=self._ended()
                ))  # fmt: skip
                self._reported = inner
        if self._current().state is AccountState.FROZEN and before is not AccountState.FROZEN and self._schedule:
            self._schedule.soon(self._health.clock())  # its dates are in help.getAppConfig: look now
            self._wake.set()
        return self._after()

    async def report_success(self, what: str = "an authorized call") -> Account:
        async with self._lock:
            self._moved(await self._health.on_call_result(self._current(), epoch=self._epoch, what=what))
        return self._after()

    async def observe(self, query: TLFunction[Any], error: BaseException | None) -> None:
        """The account's Client made a call (``error``: None when it worked)."""
        if PROBING.get() or not self._may_send() or self.account is None:
            return
        telling = error is None or state_for(error, self._health.settings) is not None
        if self._schedule is not None and telling:
            self._schedule.shown(self._health.clock(), self.account.state)
        if error is None and self.account.state not in (AccountState.ACTIVE, AccountState.NEW):  # new: probed first
            report = self.report_success(f"{method_name(query)} (the account's own traffic)")
        elif error is not None and telling:
            report = self.report_error(error, method=method_name(query))
        else:
            return
        await asyncio.shield(self._quietly(report))  # goes on if the call's task is cancelled (the client failed)

    async def _quietly(self, report: Awaitable[Account]) -> None:
        """A report that never raises into the call: a refused write fences the runner, a store error is logged."""
        try:
            await report
        except StaleEpoch as exc:
            self._on_stale(exc)
        except Exception as exc:  # the store failed: the call's own outcome still reaches its caller
            log.warning("%s: its health was not recorded: %r", self._current().label, exc)

    # --- probes -------------------------------------------------------------------------------------------------
    async def probe_loop(self, client: Client) -> None:
        """Probe ``client``'s account whenever due, until cancelled (raises StaleEpoch when a write was refused)."""
        clock = self._health.clock
        schedule = self._schedule = ProbeSchedule(self._settings, self._rng, clock())
        if self._seen is not None:  # probed whole at this connect (a new account): the next one an interval on
            schedule.probed(clock(), listed=True)
        while True:
            account, now = self._current(), clock()
            due = schedule.next_at(account.state, account.state_until)
            if due > now:  # woken early to look again (a freeze began), or after an interval at most (a clock jump)
                await self._wake.wait(min(due - now, self._settings.interval))
                self._wake.clear()
                continue
            await self.probe_now(client, listed=schedule.lists_authorizations(now))

    async def probe_now(self, client: Client, *, listed: bool = True) -> Account:
        """One probe now (``listed``: with the authorizations); its findings or its error reported."""
        clock, token = self._health.clock, PROBING.set(True)
        config_hash = self._seen.config_hash if self._seen is not None else 0
        try:
            found = await probe(client, config_hash=config_hash, authorizations=listed, timeout=self._settings.timeout)
        except (asyncio.CancelledError, StaleEpoch):
            raise
        except Exception as exc:
            self._probed(clock(), listed, exc)
            self._emit(PROBED, {"error": f"{type(cause(exc)).__name__}: {cause(exc)}"})
            # recorded even when the runner cancels this task meanwhile (the error also failed the client)
            await asyncio.shield(self._quietly(self.report_error(exc, probe=True)))
            return self._after()
        finally:
            PROBING.reset(token)
        self._probed(clock(), listed, None)
        async with self._lock:
            self._moved(await self._health.on_probe(self._current(), found, epoch=self._epoch, seen=self._seen))
        self._seen = _merged(found, self._seen)
        self._emit(PROBED, {"authorizations": listed, "unavailable": found.unavailable})
        return self._after()

    def _probed(self, now: float, listed: bool, error: BaseException | None) -> None:
        if self._schedule is None:
            return
        self._schedule.probed(now, listed=listed)
        wait = cause(error) if error is not None else None
        if isinstance(wait, errors.FloodWait) and wait.value:
            self._schedule.not_before(now + wait.value)  # never make a flood wait worse

    # --- helpers ------------------------------------------------------------------------------------------------
    def _current(self) -> Account:
        if self.account is None:
            raise RuntimeError("the account is not loaded yet")
        return self.account

    def _ended(self) -> dict[str, Any]:
        """Which authorization a key that ended was: its id, and ours as last listed."""
        key = self._current().auth_key_id
        own = self._seen.authorizations.own if self._seen is not None and self._seen.authorizations else None
        return {"auth_key_id": None if key is None else f"{key & (2**64 - 1):016x}", "authorization": own}

    def _moved(self, now: Account) -> None:
        before, self.account = self._current(), now
        if now.state is not before.state or now.state_until != before.state_until:
            self._emit(STATE, {"from": before.state.value, "to": now.state.value, "until": now.state_until})

    def _after(self) -> Account:
        account = self._current()
        if not account.state.runnable:
            self.unrunnable.set()
        return account


def _merged(found: Findings, seen: Findings | None) -> Findings:
    """The newest of each finding: an unchanged config and authorizations not listed this time keep the last ones."""
    if seen is None:
        return found
    freeze = seen.freeze if found.freeze == UNCHANGED else found.freeze
    listed = found.authorizations if found.authorizations is not None else seen.authorizations
    return dataclasses.replace(found, freeze=freeze, authorizations=listed)
