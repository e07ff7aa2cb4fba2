"""``Worker``: one process's share of the fleet. It registers (id, host, pid, capacity), takes leases on its fair
share of the ready accounts, runs one Client per leased account (``AccountRunner``) in this event loop, and hands
accounts back when it drains.

- The renew loop (``LeaseKeeper``) runs on a store connection of its own and waits for no account; a lease it cannot
  renew for two thirds of the TTL fences its account at once (the send gate closes before anything else happens).
- Every ``poll_interval`` (1 s; at most the renew interval), and on a wake-up (an account became claimable, sent on
  PostgreSQL), the worker first releases the leases of
  accounts that stopped (after their session was flushed), then compares what it holds with its share
  (``Leases.surplus``): above it, it hands the surplus back (so a worker that starts later gets its share); below it,
  it claims (accounts nobody holds, or whose holder died: expired plus the grace period).
- Connects go through a ``Pacer`` (bounded concurrency, jitter). One account's trouble stays in its runner.
- ``drain()`` (SIGTERM, the first SIGINT, a cancel of ``run()``): stop claiming, mark the worker ``draining`` (it
  leaves the fair share), stop every account (disconnect, flush), release every lease in one statement, mark it
  ``stopped``; others take the accounts at once. ``stop_now()`` (a second SIGINT or cancel): fence every account
  and return without waiting for the store (a call stuck there keeps nothing waiting); the leases expire.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from tgfleet.client import Client
from tgfleet.errors import TgfleetError
from tgfleet.fleet.account_runner import AccountRunner, Job, RunnerSetup
from tgfleet.fleet.client import FleetClient, Observer
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.fenced_storage import FencedStorage
from tgfleet.fleet.health import Health, HealthSettings
from tgfleet.fleet.inbox_runner import InboxRunner
from tgfleet.fleet.lease_keeper import LeaseKeeper
from tgfleet.fleet.leases import Leases
from tgfleet.fleet.logins_driver import LoginDriver
from tgfleet.fleet.outbox_sender import OutboxSender, SendHooks
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.probes import ProbeSettings
from tgfleet.fleet.records import Account, Lease, WorkerState
from tgfleet.fleet.send_policy import SendPolicy, effective
from tgfleet.fleet.throttle import Throttle
from tgfleet.fleet.worker_events import DRAINING, RELEASED, STARTED, STOPPED, WorkerEvent
from tgfleet.net import Network
from tgfleet.net.flag import Flag
from tgfleet.net.timeouts import within
from tgfleet.storage import MemoryStorage

if TYPE_CHECKING:  # the fleet makes its workers (Fleet.run); a worker only uses the one it is given
    from tgfleet.fleet.fleet import Fleet

log = logging.getLogger("tgfleet.fleet")
FLEET_CLIENT_DEFAULTS: Mapping[str, Any] = {"sleep_threshold": 0.0}
"""Fleet clients sleep through no flood wait: it is raised, reported, and the account's work resumes after it."""


class Worker:
    """``await Worker(fleet, network=...).run()`` (or ``fleet.run(...)``). ``job(client, account)``: what to do
    with each connected account (None: keep it connected); ``client_options``: more ``Client`` options;
    ``flush_delay``: how long a session change may wait before it is written; ``poll_interval``: how often (at
    most every renew interval) it looks for accounts to take or hand back without a wake-up (other processes on
    an SQLite store send none); ``health`` and ``probes``: the health rules' and the probes' settings; ``clock``
    (unix time) and ``rng``: what the health rules and the probe schedule read (injectable for tests); ``outbox``:
    send the outbox's messages of the accounts it holds (``outbox_sender``), paced by ``send_policy`` (the default a
    pool's policy, ``fleet.pools``, and then each account's ``policy["sending"]`` override; warmed up while the account
    is new; its request bucket paces every RPC of the account's client); every account's incoming messages go to the
    inbox, and the fleet's handlers (``fleet.on_message``) run on them (``inbox_runner``; a handler that raised is tried
    again after ``handler_retry`` seconds, doubling); ``logins``: drive the fleet's login flows too
    (``logins_driver``)."""

    def __init__(
        self,
        fleet: Fleet,
        *,
        network: Network | None = None,
        api_id: int | None = None,
        api_hash: str | None = None,
        capacity: int = 1000,
        job: Job | None = None,
        client_options: Mapping[str, Any] | None = None,
        on_event: Callable[[WorkerEvent], None] | None = None,
        pacer: Pacer | None = None,
        flush_delay: float = 1.0,
        poll_interval: float = 1.0,
        worker_id: str | None = None,
        health: HealthSettings | None = None,
        probes: ProbeSettings | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        outbox: bool = True,
        send_policy: SendPolicy | None = None,
        send_hooks: SendHooks | None = None,
        handler_retry: float = 1.0,
        logins: bool = True,
    ) -> None:
        self._fleet, self.capacity, self._job, self._on_event = fleet, capacity, job, on_event
        self._network = network or Network.production()
        self._api = (api_id, api_hash)
        self._client_options = {**FLEET_CLIENT_DEFAULTS, **(client_options or {})}
        self._pacer = pacer or Pacer()
        self._flush_delay, self._poll_interval, self._worker_id = flush_delay, poll_interval, worker_id
        self.id = worker_id or ""
        self._health_settings, self._probes, self._clock = health or HealthSettings(), probes or ProbeSettings(), clock
        self._rng = rng or random.Random()
        self._outbox, self._send_policy, self._send_hooks = (
            outbox,
            send_policy or SendPolicy(),
            send_hooks or SendHooks(),
        )
        self._throttles: dict[int, Throttle] = {}  # per account, across its reconnects
        self._steps = fleet.outbox.step_group()  # the steps of all its accounts' senders ready at once: one commit
        self._watch = fleet.outbox.watch(interval=poll_interval * 5)  # wakes its senders that have work
        self._pool_policies: dict[str, dict[str, Any]] = {}  # pool -> its "sending", read as its accounts start
        self._inbox_wake: dict[int, Flag] = {}
        self._handler_retry, self._logins = handler_retry, logins
        self._runners: dict[str, AccountRunner] = {}
        self._to_release: list[tuple[Lease, str]] = []
        self._wake = asyncio.Event()
        self._draining = asyncio.Event()
        self._halt = asyncio.Event()
        self._life: asyncio.Task[None] | None = None
        self._now = False

    # --- what callers see and do ----------------------------------------------------------------------------
    @property
    def stopped_at_once(self) -> bool:
        """Whether ``stop_now()`` ended it (the leases were left to expire)."""
        return self._now

    def holding(self) -> list[str]:
        """The labels of the accounts this worker runs now."""
        return sorted(r.label for r in self._runners.values())

    def drain(self) -> None:
        """Hand every account back, then ``run()`` returns."""
        self._draining.set()
        self._wake.set()

    def stop_now(self) -> None:
        """Fence every account at once and end ``run()`` without handing the leases back."""
        self._now = True
        self._halt.set()
        self._fence_all("the worker stopped at once")
        if self._life is not None:
            self._life.cancel()

    async def run(self) -> None:
        """Be a worker until drained or stopped. Cancelling it drains; cancelling it again stops it at once (then
        the CancelledError is raised)."""
        leases, workers, store = await self._fleet.lease_handles()
        try:
            me = await workers.register(self.capacity, worker_id=self._worker_id)
            self.id = me.id
            keeper = LeaseKeeper(leases, workers, me, on_end=self._lease_ended, on_unready=self._unready)
            self._emit(STARTED, detail={"capacity": me.capacity, "host": me.host, "pid": me.pid})
            async with self._background(keeper):
                await self._until_done(keeper, leases)
        finally:
            if not self._now:  # stopped at once: wait for nothing (a store call may hang), leave the rest to exit
                await store.close()

    async def _until_done(self, keeper: LeaseKeeper, leases: Leases) -> None:
        """Run the worker's life in a task of its own: a cancel of ``run()`` then drains it, a second one (or
        ``stop_now()``) returns at once, without waiting for the life to end (it may wait on the store)."""
        self._life = asyncio.create_task(self._lifetime(keeper, leases), name=f"tgfleet worker {self.id}")
        halted = asyncio.create_task(self._halt.wait())
        cancelled = 0
        try:
            while not self._life.done() and not self._now:
                try:
                    await asyncio.wait({self._life, halted}, return_when=asyncio.FIRST_COMPLETED)
                except asyncio.CancelledError:
                    cancelled += 1
                    if cancelled == 1:
                        self.drain()
                    else:
                        self.stop_now()
        finally:
            halted.cancel()
        if cancelled:
            raise asyncio.CancelledError
        if self._life.done():
            self._life.result()

    # --- the worker's life --------------------------------------------------------------------------------------
    async def _lifetime(self, keeper: LeaseKeeper, leases: Leases) -> None:
        setup = self._setup(keeper)
        try:
            while not self._draining.is_set():
                await self._tick(keeper, leases, setup)
                await self._pause(keeper)
            await self._drain(keeper, leases)
        except asyncio.CancelledError:
            if not self._now:
                raise

    async def _tick(self, keeper: LeaseKeeper, leases: Leases, setup: RunnerSetup) -> None:
        try:
            await self._release_stopped(keeper, leases)
            if self._draining.is_set():
                return
            surplus = await leases.surplus(keeper.worker)
            if surplus >= 0:  # its share or more: nothing to claim (a read, no write transaction)
                self._hand_back(surplus)
                return
            sent_at = asyncio.get_running_loop().time()
            for lease in await leases.claim(keeper.worker):
                keeper.add(lease, sent_at)
                self._start(lease, keeper, setup)
        except TgfleetError as exc:
            log.warning("worker %s: the store failed (trying again): %s", self.id, exc)

    def _hand_back(self, surplus: int) -> None:
        """Stop ``surplus`` accounts (less those already stopping: they are released soon); released when stopped."""
        running = [r for r in self._runners.values() if not r.stopping]
        more = surplus - (len(self._runners) - len(running))
        for runner in running[len(running) - more :] if more > 0 else []:
            runner.stop()

    async def _pause(self, keeper: LeaseKeeper) -> None:
        try:
            await within(self._wake.wait(), min(self._poll_interval, keeper.settings.renew_interval))
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    def _start(self, lease: Lease, keeper: LeaseKeeper, setup: RunnerSetup) -> None:
        assert lease.account_id is not None
        runner = AccountRunner(lease.account_id, lease, partial(keeper.valid, lease.resource), setup)
        self._runners[lease.resource] = runner
        runner.start().add_done_callback(lambda _: self._stopped(runner, keeper))

    def _stopped(self, runner: AccountRunner, keeper: LeaseKeeper) -> None:
        """A runner ended (disconnected, flushed): its lease goes back at the next tick."""
        resource = runner.lease.resource
        if self._runners.get(resource) is runner:
            del self._runners[resource]
        keeper.drop(runner.lease)
        if not self._now:
            self._to_release.append((runner.lease, runner.label))
            self._wake.set()

    async def _release_stopped(self, keeper: LeaseKeeper, leases: Leases) -> None:
        taken, self._to_release = self._to_release, []
        if not taken:
            return
        try:
            released = {lease.resource for lease in await leases.release(keeper.worker, [t[0] for t in taken])}
        except TgfleetError:
            self._to_release = taken + self._to_release
            raise
        for lease, label in taken:
            if lease.resource in released:
                self._emit(RELEASED, account=label, account_id=lease.account_id, epoch=lease.epoch)

    async def _drain(self, keeper: LeaseKeeper, leases: Leases) -> None:
        self._emit(DRAINING, detail={"accounts": len(self._runners)})
        await keeper.heartbeat(WorkerState.DRAINING)
        runners = list(self._runners.values())
        for runner in runners:
            runner.stop()
        await asyncio.gather(*(runner.wait() for runner in runners))
        for _ in range(5):
            try:
                await self._release_stopped(keeper, leases)
                break
            except TgfleetError as exc:
                log.warning("worker %s: releasing failed (the leases will expire): %s", self.id, exc)
                await asyncio.sleep(keeper.settings.renew_interval / 2)
        await keeper.heartbeat(WorkerState.STOPPED)
        self._emit(STOPPED, detail=self._fleet.counters.summary())

    # --- lease callbacks (from the keeper) -------------------------------------------------------------------------
    def _lease_ended(self, lease: Lease, reason: str) -> None:
        runner = self._runners.get(lease.resource)
        if runner is not None:
            self._fleet.counters.self_fences += 1
            runner.fence(reason)

    def _unready(self, lease: Lease) -> None:
        runner = self._runners.get(lease.resource)
        if runner is not None:
            runner.stop()

    def _fence_all(self, reason: str) -> None:
        for runner in list(self._runners.values()):
            self._fleet.counters.self_fences += 1
            runner.fence(reason)

    # --- what the runners share ---------------------------------------------------------------------------------
    def _setup(self, keeper: LeaseKeeper) -> RunnerSetup:
        sessions = self._fleet.sessions

        async def open_storage(lease: Lease, on_stale: Callable[[StaleEpoch], None]) -> FencedStorage:
            return await sessions.storage(lease, flush_delay=self._flush_delay, on_stale=on_stale)

        return RunnerSetup(
            open_account=self._open_account, open_storage=open_storage, make_client=self._client,
            health=Health(self._fleet.accounts, self.id, self._health_settings, self._clock), pacer=self._pacer,
            job=self._job, emit=self._emit_event, worker=self.id, probes=self._probes, rng=self._rng,
            sender=self._send if self._outbox else None, handlers=self._handle,
        )  # fmt: skip

    async def _open_account(self, account_id: int) -> Account:
        """The account's row, and its pool's policy read afresh (so a pool's change applies as its accounts start)."""
        account = await self._fleet.accounts.get(account_id)
        self._pool_policies[account.pool] = await self._fleet.pools.policy(account.pool)
        return account

    def _policy(self, account: Account) -> SendPolicy:
        """The account's sending policy: the worker's default, its pool's, its own, warmed up while it is new."""
        return effective(self._send_policy, self._pool_policies.get(account.pool), account.policy.get("sending"),
                         self._clock() - account.created_at)  # fmt: skip

    async def _send(self, client: Client, account: Account, lease: Lease) -> None:
        """The outbox's sending for one connected account (see ``outbox_sender``)."""
        policy = self._policy(account)
        throttle = self._throttles.get(account.id)
        if throttle is None or throttle.policy != policy:
            throttle = self._throttles[account.id] = Throttle(policy, self._clock)
        holder = self._fleet.outbox.holder(account, lease.epoch, self.id, group=self._steps)
        wake = self._watch.watch(account.id, account.pool)
        try:
            await OutboxSender(holder, client, account, wake=wake, throttle=throttle, hooks=self._send_hooks,
                               clock=self._clock).run()  # fmt: skip
        finally:
            self._watch.unwatch(account.id, wake)

    async def _handle(self, client: Client, account: Account, lease: Lease) -> None:
        """The fleet's handlers on one connected account's inbox (see ``inbox_runner``)."""
        holder = self._fleet.inbox.holder(account, lease.epoch, self.id)
        wake = self._inbox_wake.setdefault(account.id, Flag())
        handlers = self._fleet.inbox.handlers_for(account)
        await InboxRunner(holder, client, handlers, wake=wake, poll_interval=self._poll_interval * 5,
                          retry_initial=self._handler_retry).run()  # fmt: skip

    def _client(
        self, storage: FencedStorage, account: Account, may_send: Callable[[], bool], observer: Observer
    ) -> Client:
        """The account's Client: on its fenced session, behind its send gate, through its proxy (policy), every call's
        outcome shown to its health (``observer``), every RPC paced by the policy's request bucket, its incoming
        messages stored in the inbox with the update state that covers them (fenced at the session's epoch) before that
        state is saved."""
        api_id, api_hash = self._api
        options = {"proxy": account.policy.get("proxy"), "rate_limits": self._policy(account).rate_limits(),
                   **self._client_options}  # fmt: skip
        client = FleetClient(storage, account.label, api_id=api_id, api_hash=api_hash, network=self._network,
                             may_send=may_send, observer=observer, counters=self._fleet.counters,
                             **options)  # fmt: skip
        wake = self._inbox_wake.setdefault(account.id, Flag())
        client.dispatcher.record = self._fleet.inbox.holder(account, storage.epoch, self.id, wake.set).record
        return client

    def _login_client(self, storage: MemoryStorage, *, may_send: Callable[[], bool]) -> Client:
        """A login flow's Client: on the flow's own session, behind its lease's gate, no updates followed."""
        api_id, api_hash = self._api
        return Client("login", api_id=api_id, api_hash=api_hash, network=self._network, storage=storage,
                      may_send=may_send, no_updates=True, **self._client_options)  # fmt: skip

    @asynccontextmanager
    async def _background(self, keeper: LeaseKeeper) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(keeper.run(), name=f"tgfleet renewals {self.id}"),
                 asyncio.create_task(self._listen(), name=f"tgfleet wake-ups {self.id}"),
                 asyncio.create_task(self._listen_outbox(), name=f"tgfleet outbox wake-ups {self.id}"),
                 asyncio.create_task(self._watch.run(self.id), name=f"tgfleet outbox sweep {self.id}")]  # fmt: skip
        if self._logins:
            driver = LoginDriver(self._fleet.logins, self._fleet.leases, keeper, self._login_client,
                                 poll_interval=self._poll_interval)  # fmt: skip
            tasks.append(asyncio.create_task(driver.run(), name=f"tgfleet logins {self.id}"))
        try:
            yield
        finally:
            keeper.close()
            for task in tasks:
                task.cancel()
            if not self._now:
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _listen(self) -> None:
        """Wake the claim loop when an account becomes claimable (hints: the loop polls as well)."""
        while True:
            try:
                listener = await self._fleet.wakeups()
                try:
                    while True:
                        await listener.next()
                        self._wake.set()
                finally:
                    await listener.close()
            except TgfleetError as exc:
                log.info("worker %s: wake-ups stopped (polling only for a while): %s", self.id, exc)
                await asyncio.sleep(self._fleet.settings.renew_interval)

    async def _listen_outbox(self) -> None:
        """Wake the senders of the accounts a message may have become due for (hints: they poll as well)."""
        while True:
            try:
                listener = await self._fleet.outbox.wakeups()
                try:
                    while True:
                        self._watch.notice(await listener.next())
                finally:
                    await listener.close()
            except TgfleetError as exc:
                log.info("worker %s: outbox wake-ups stopped (polling only for a while): %s", self.id, exc)
                await asyncio.sleep(self._fleet.settings.renew_interval)

    def _emit(self, kind: str, **fields: Any) -> None:
        self._emit_event(WorkerEvent(kind, self.id, **fields))

    def _emit_event(self, event: WorkerEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("worker %s: the event callback failed", self.id)
