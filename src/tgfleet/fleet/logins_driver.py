"""``LoginDriver``: a worker's share of the login flows. Every poll (and on a notice of the ``logins`` channel) it
takes the lease ``login:<id>`` of open flows nobody holds (never taken, released, or expired past the grace period:
the holder died), keeps it renewed with the worker's ``LeaseKeeper``, and runs a ``LoginRunner`` per flow; a runner
that ended hands its lease back at once. Stopping it stops its runners and releases their leases.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Protocol

from tgfleet.client import Client
from tgfleet.errors import TgfleetError
from tgfleet.fleet.errors import LeaseHeldError
from tgfleet.fleet.lease_keeper import LeaseKeeper
from tgfleet.fleet.leases import Leases
from tgfleet.fleet.login_runner import LoginRunner, MakeClient
from tgfleet.fleet.logins import Logins
from tgfleet.fleet.records import Lease
from tgfleet.net.timeouts import within
from tgfleet.storage import MemoryStorage

log = logging.getLogger("tgfleet.fleet")


class MakeGatedClient(Protocol):
    def __call__(self, storage: MemoryStorage, *, may_send: Callable[[], bool]) -> Client: ...


class LoginDriver:
    """``make_client(storage, may_send)``: a login Client on ``storage`` behind the gate ``may_send``."""

    def __init__(
        self, logins: Logins, leases: Leases, keeper: LeaseKeeper, make_client: MakeGatedClient, *,
        poll_interval: float, max_flows: int = 100,
    ) -> None:  # fmt: skip
        self._logins, self._leases, self._keeper, self._make_client = logins, leases, keeper, make_client
        self._poll, self._max = poll_interval, max_flows
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._wakes: dict[str, asyncio.Event] = {}
        self._wake = asyncio.Event()

    async def run(self) -> None:
        listen = asyncio.create_task(self._listen(), name="tgfleet login wake-ups")
        try:
            while True:
                try:
                    await self._claim()
                except TgfleetError as exc:
                    log.warning("logins: the store failed (trying again): %s", exc)
                try:
                    await within(self._wake.wait(), self._poll)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()
        finally:
            listen.cancel()
            await self._stop_all()

    async def _claim(self) -> None:
        room = self._max - len(self._runs)
        if room <= 0:
            return
        for login_id in await self._logins.claimable(self._leases.settings.grace, room):
            resource = f"login:{login_id}"
            if resource in self._runs:
                continue
            sent_at = asyncio.get_running_loop().time()
            try:
                lease = await self._leases.acquire(resource, self._keeper.worker)
            except LeaseHeldError:
                continue
            self._keeper.add(lease, sent_at)
            self._start(lease, login_id)

    def _start(self, lease: Lease, login_id: int) -> None:
        holder = self._logins.holder(login_id, lease.epoch, lease.holder)
        gate = partial(self._keeper.valid, lease.resource)
        wake = self._wakes[lease.resource] = asyncio.Event()
        make: MakeClient = partial(self._make_client, may_send=gate)
        runner = LoginRunner(holder, make, wake=wake, poll=self._poll)
        self._runs[lease.resource] = asyncio.create_task(self._drive(lease, runner), name=f"tgfleet {lease.resource}")

    async def _drive(self, lease: Lease, runner: LoginRunner) -> None:
        """Run the flow, then hand its lease back at once (also when the driver stops it)."""
        try:
            await runner.run()
        except Exception:
            log.exception("logins: %s failed", lease.resource)
        finally:
            self._runs.pop(lease.resource, None)
            self._wakes.pop(lease.resource, None)
            self._keeper.drop(lease)
            try:
                await self._leases.release(self._keeper.worker, [lease])
            except TgfleetError as exc:  # it expires instead
                log.info("logins: %s not released (%s)", lease.resource, exc)
            self._wake.set()

    async def _listen(self) -> None:
        while True:
            try:
                listener = await self._logins.wakeups()
                try:
                    while True:
                        await listener.next()
                        self._wake.set()
                        for wake in self._wakes.values():
                            wake.set()
                finally:
                    await listener.close()
            except TgfleetError as exc:
                log.info("logins: wake-ups stopped (polling only for a while): %s", exc)
                await asyncio.sleep(self._poll * 5)

    async def _stop_all(self) -> None:
        tasks = list(self._runs.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
