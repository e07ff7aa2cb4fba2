"""``LeaseKeeper``: keeps one holder's leases alive and says, at every moment, whether each may still be used.

The renew loop is a task of its own, meant for a store connection of its own (``Fleet.lease_handles``): every
``renew_interval`` it renews all the holder's leases in ONE statement and heartbeats the holder's worker row; nothing
an account does runs in it. A lease is *valid* until ``fence_after`` (two thirds of the TTL) after the moment its
last successful renewal (or its grant) was sent, by this process's monotonic clock; ``valid(resource)`` is what the
send gate of the account's connections checks before every write. The store lets another holder in only after the
lease's expiry (at least a TTL after that moment, by the store's clock) plus the grace period, so the holder has
stopped sending a third of the TTL plus the grace before anyone else may start.

A lease ends for the holder (``on_end(lease, reason)``, called once, then the keeper forgets it) when a renewal does
not return it (a newer lease took it, or it was released elsewhere), or when its validity runs out without a
renewal (the store unreachable, a renewal stuck, this process stopped past it): a timer notices that, not the renew
loop, so a renewal stuck in the store delays no fence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from tgfleet.errors import TgfleetError
from tgfleet.fleet.leases import Leases
from tgfleet.fleet.records import Lease, RenewResult, Worker, WorkerState
from tgfleet.fleet.workers import Workers
from tgfleet.net.timeouts import within

log = logging.getLogger("tgfleet.fleet")
EndListener = Callable[[Lease, str], None]


@dataclass
class _Held:
    lease: Lease
    valid_until: float  # loop time (monotonic)


class LeaseKeeper:
    """``on_end(lease, reason)``: the lease may no longer be used (fence its account now). ``on_unready(lease)``:
    a renewal found the account no longer ready to run (e.g. disabled); the lease is still valid."""

    def __init__(
        self,
        leases: Leases,
        workers: Workers,
        worker: Worker,
        *,
        on_end: EndListener,
        on_unready: Callable[[Lease], None] | None = None,
    ) -> None:
        self._leases, self._workers, self.worker = leases, workers, worker
        self.settings = leases.settings
        self._on_end, self._on_unready = on_end, on_unready
        self._held: dict[str, _Held] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.state = WorkerState.RUNNING
        self.renewed = asyncio.Event()  # set after every successful renewal (for whoever waits for one)
        self._failing_since: float | None = None

    # --- what the holder asks ---------------------------------------------------------------------------------
    def valid(self, resource: str) -> bool:
        """Whether the lease on ``resource`` may still be used (by the monotonic clock, now)."""
        held = self._held.get(resource)
        return held is not None and asyncio.get_running_loop().time() < held.valid_until

    def held(self) -> list[Lease]:
        return [h.lease for h in self._held.values()]

    def __len__(self) -> int:
        return len(self._held)

    def add(self, lease: Lease, sent_at: float) -> None:
        """Keep ``lease`` alive; ``sent_at``: the loop time just before the statement that granted it was sent."""
        self._held[lease.resource] = _Held(lease, sent_at + self.settings.fence_after)
        self._arm()

    def drop(self, lease: Lease) -> Lease | None:
        """Stop renewing ``lease`` (the holder releases it, or has let it go); the lease, if it was kept. A newer
        lease of the same resource (granted again after this one ended) is not this one: it is kept."""
        held = self._held.get(lease.resource)
        if held is None or held.lease.epoch != lease.epoch:
            return None
        del self._held[lease.resource]
        self._arm()
        return held.lease

    async def heartbeat(self, state: WorkerState | None = None) -> None:
        """Record the holder's worker row as alive now (with a new ``state``, e.g. draining); errors are logged."""
        if state is not None:
            self.state = state
        try:
            self.worker = await self._workers.heartbeat(self.worker, state=self.state)
        except TgfleetError as exc:
            log.warning("worker %s: heartbeat failed: %s", self.worker.id, exc)

    # --- the renew loop -----------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Renew every ``renew_interval`` (sooner after a failure) until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            ok = await self.renew_now()
            await self.heartbeat()
            pause = self.settings.renew_interval if ok else min(self.settings.renew_interval, 1.0) / 2
            await asyncio.sleep(max(0.0, started + pause - loop.time()))

    async def renew_now(self) -> bool:
        """One renewal of every kept lease; whether the store answered."""
        loop = asyncio.get_running_loop()
        leases = self.held()
        started = loop.time()
        try:
            result = await within(self._leases.renew(self.worker, leases), self.settings.ttl)
        except (TgfleetError, asyncio.TimeoutError) as exc:
            if self._failing_since is None:
                self._failing_since = started
                log.warning("worker %s: renewing %d leases failed (retrying): %s", self.worker.id, len(leases), exc)
            return False
        if self._failing_since is not None:
            log.warning("worker %s: renewals work again after %.1f s", self.worker.id, started - self._failing_since)
            self._failing_since = None
        self._apply(result, started)
        self.renewed.set()
        self.renewed = asyncio.Event()
        return True

    def _apply(self, result: RenewResult, started: float) -> None:
        for lease in result.renewed:
            held = self._held.get(lease.resource)
            if held is not None and held.lease.epoch == lease.epoch:  # not dropped or ended meanwhile
                self._held[lease.resource] = _Held(lease, started + self.settings.fence_after)
        for lease in result.lost:
            held = self._held.get(lease.resource)
            if held is not None and held.lease.epoch == lease.epoch:
                self._end(lease.resource, "the lease was taken over or released elsewhere (renewal refused)")
        self._arm()
        if self._on_unready is not None:
            for lease in result.unready:
                if lease.resource in self._held:
                    self._on_unready(lease)

    # --- the fence timer ------------------------------------------------------------------------------------------
    def _arm(self) -> None:
        """One timer, at the earliest end of validity among the kept leases."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._held:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(min(h.valid_until for h in self._held.values()), self._expire)

    def _expire(self) -> None:
        self._timer = None
        now = asyncio.get_running_loop().time()
        for resource, held in list(self._held.items()):
            if held.valid_until <= now:
                self._end(resource, f"the lease was not renewed for {self.settings.fence_after:g} s")
        self._arm()

    def _end(self, resource: str, reason: str) -> None:
        held = self._held.pop(resource, None)
        if held is None:
            return
        log.warning("worker %s: %s: %s; fencing it", self.worker.id, resource, reason)
        try:
            self._on_end(held.lease, reason)
        except Exception:  # the keeper must keep renewing the others
            log.exception("worker %s: the fence of %s failed", self.worker.id, resource)

    def close(self) -> None:
        """Stop the fence timer (the renew loop is the caller's task to cancel)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
