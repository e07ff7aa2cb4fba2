"""``AccountRunner``: one leased account in a worker: its fenced session, its Client, its job, its troubles.

The runner loads the account's ``FencedStorage`` for the lease's epoch, connects a Client on it (through the pacer:
bounded concurrency, jitter), reports the outcome to the health seam, runs the worker's job, the outbox's sender
and the inbox's handlers on the connected Client, and watches it: a client gone FAILED or a failed connect is
reported, and then either retried
with backoff (the account is still one to run, e.g. ``unreachable``) or the runner ends (``needs_login``,
``revoked``...: the worker hands the lease back). A job that raises is reported and started again after a pause (a
flood wait's own length).

``may_send()`` is the send gate its Client checks before every socket write: the lease is valid by the monotonic
clock (``LeaseKeeper.valid``) and the runner was not fenced. ``fence(reason)`` closes the gate at once, then ends the
runner (connections closed, the job cancelled); ``stop()`` ends it the planned way. Either way the Client is
disconnected and the session's last changes flushed (refused, and counted, when a newer lease owns the account)
before ``run()`` returns, so the lease can be released right after.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tgfleet import errors
from tgfleet.client import Client
from tgfleet.fleet.account_health import AccountHealth
from tgfleet.fleet.client import Observer
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.fenced_storage import FencedStorage
from tgfleet.fleet.health import Health, cause, state_for
from tgfleet.fleet.pacer import Pacer
from tgfleet.fleet.probes import ProbeSettings
from tgfleet.fleet.records import Account, AccountState, Lease
from tgfleet.fleet.worker_events import CLAIMED, CONNECTED, ERROR, FENCED, WorkerEvent
from tgfleet.net.flag import Flag
from tgfleet.net.state import ConnectionState, StateChange

log = logging.getLogger("tgfleet.fleet")
Job = Callable[[Client, Account], Awaitable[None]]
LeasedJob = Callable[[Client, Account, Lease], Awaitable[None]]
"""A job that also needs the lease (the outbox sender, the inbox handlers), on a connected account."""
StorageOpener = Callable[[Lease, Callable[[StaleEpoch], None]], Awaitable[FencedStorage]]
ClientMaker = Callable[[FencedStorage, Account, Callable[[], bool], Observer], Client]


@dataclass(frozen=True)
class RunnerSetup:
    """What every runner of a worker shares (narrow: no worker object)."""

    open_account: Callable[[int], Awaitable[Account]]
    open_storage: StorageOpener
    make_client: ClientMaker
    health: Health
    pacer: Pacer
    job: Job | None
    emit: Callable[[WorkerEvent], None]
    worker: str
    probes: ProbeSettings = field(default_factory=ProbeSettings)
    rng: random.Random = field(default_factory=random.Random)
    sender: LeasedJob | None = None  # the outbox's sending for a connected account (``outbox_sender``)
    handlers: LeasedJob | None = None  # the fleet's inbox handlers for a connected account (``inbox_runner``)
    retry_initial: float = 5.0
    retry_max: float = 300.0


class _NotRunnable(Exception):
    """The account reached a state no worker runs: the runner ends (internal)."""


class AccountRunner:
    """``run()`` reads the account (label, state, policy) from the store first, then its session."""

    def __init__(self, account_id: int, lease: Lease, valid: Callable[[], bool], setup: RunnerSetup) -> None:
        self.account_id, self.lease, self._valid, self._s = account_id, lease, valid, setup
        self._health = AccountHealth(setup.health, setup.probes, lease.epoch, may_send=self.may_send,
                                     on_stale=self._on_stale, emit=self._emit_health, rng=setup.rng)  # fmt: skip
        self.fenced: str | None = None
        self.stopping = False  # stop() or fence() was called
        self.connected = Flag()
        self._storage: FencedStorage | None = None
        self._client: Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._failures = 0

    @property
    def account(self) -> Account:
        if self._health.account is None:
            raise RuntimeError(f"account {self.account_id} is not loaded yet")
        return self._health.account

    @property
    def label(self) -> str:
        account = self._health.account
        return account.label if account is not None else f"account:{self.account_id}"

    def may_send(self) -> bool:
        return self.fenced is None and self._valid()

    # --- control ----------------------------------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.create_task(self.run(), name=f"tgfleet {self.label}")
        return self._task

    def fence(self, reason: str) -> None:
        """Stop using the account now: the gate closes before this returns; the runner ends soon after."""
        if self.fenced is None:
            self.fenced = reason
            self._emit(FENCED, detail=reason)
        self.stop()

    def stop(self) -> None:
        """End the runner (planned: the client disconnects, the session is flushed). Idempotent."""
        if self.stopping:
            return
        self.stopping = True
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    async def wait(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    # --- the runner's life --------------------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            self._health.account = await self._s.open_account(self.account_id)
            self._emit(CLAIMED)
            if not self.account.state.runnable:  # disabled (or moved) since the claim
                return
            self._storage = await self._s.open_storage(self.lease, self._on_stale)
            while self.fenced is None:
                await self._connected_life()
                if not self.account.state.runnable:
                    return
                await asyncio.sleep(self._pause())
        except asyncio.CancelledError:
            pass
        except StaleEpoch as exc:
            self.fence(f"a write was refused: {exc}")
        except _NotRunnable:
            pass
        except Exception as exc:  # the store failed under a state change or the snapshot: let the lease go
            log.warning("%s: stopped by %r", self.label, exc)
            self._emit(ERROR, detail=_describe(exc))
        finally:  # the task ends only once the session is flushed: the worker releases the lease right after
            shutdown = asyncio.ensure_future(self._shut_down())
            while not shutdown.done():
                try:
                    await asyncio.shield(shutdown)
                except asyncio.CancelledError:
                    continue

    async def _connected_life(self) -> None:
        """Connect once and serve until the client fails (every error reported to the health seam)."""
        assert self._storage is not None
        try:
            async with self._s.pacer.slot():
                client = self._client = self._s.make_client(
                    self._storage, self.account, self.may_send, self._health.observe
                )
                authorized = await client.connect()
            if not authorized:
                authorized = await self._check_authorized(client)
            if not authorized:
                return  # not logged in, and not runnable now (or retried later)
            if self.account.state is AccountState.NEW:  # never probed: the whole probe first (a freeze, too)
                await self._health.probe_now(client)
            else:
                await self._health.report_success("connecting")
            if not self.account.state.runnable:
                return
            self._failures = 0
            self.connected.set()
            self._emit(CONNECTED)
            await self._serve(client)
        except (asyncio.CancelledError, StaleEpoch, _NotRunnable):
            raise
        except Exception as exc:
            await self._report(exc)
        finally:
            self.connected.clear()
            await self._disconnect()

    async def _check_authorized(self, client: Client) -> bool:
        """A session without a user id (some imports lack it): one light authorized call (getMe, which stores the
        user) says whether the key is logged in; if it is, the client connects again so its updates start."""
        try:
            await client.get_me()
        except errors.RPCError as exc:
            if exc.code == 401 and state_for(exc) is None:  # logged out in some other way (e.g. 2FA unfinished)
                exc = errors.AuthKeyUnregistered(detail=str(exc))
            await self._report(exc)  # raises _NotRunnable once the account needs a login
            return False
        await client.disconnect()
        return await client.connect()

    async def _serve(self, client: Client) -> None:
        """Run the job and wait until the client goes FAILED; its reason, reported."""
        failed: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()

        def on_change(change: StateChange) -> None:
            if change.state is ConnectionState.FAILED and not failed.done():
                reason = change.cause if isinstance(change.cause, BaseException) else RuntimeError(str(change.cause))
                failed.set_result(reason)

        remove = client.on_state_change(on_change)
        on_change(client.last_state_change)  # it may have failed already
        job = asyncio.create_task(self._job_loop(client, self._s.job)) if self._s.job is not None else None
        sender = self._s.sender
        outbox = asyncio.create_task(self._job_loop(client, lambda c, a: sender(c, a, self.lease))) if sender else None
        inbox = self._s.handlers
        handlers = asyncio.create_task(self._job_loop(client, lambda c, a: inbox(c, a, self.lease))) if inbox else None
        probes = asyncio.create_task(self._health.probe_loop(client))
        unrunnable = self._health.unrunnable.waiter()  # its own calls moved it (needs_login...)
        tasks = [t for t in (job, outbox, handlers, probes, unrunnable) if t is not None]
        pending: set[asyncio.Future[Any]] = {failed, *tasks}
        try:
            while not failed.done():
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if unrunnable in done:
                    raise _NotRunnable
                for task in done & {job, outbox, handlers, probes}:
                    task.result()  # re-raises _NotRunnable / StaleEpoch; a job that returned leaves the client up
        finally:
            remove()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await self._report(failed.result())

    async def _job_loop(self, client: Client, job: Job) -> None:
        pause = self._s.retry_initial
        while True:
            try:
                await job(client, self.account)
                return
            except (asyncio.CancelledError, StaleEpoch, _NotRunnable):
                raise
            except Exception as exc:
                if client.state is ConnectionState.FAILED:
                    return  # the runner reports the client's failure itself
                await self._report(exc)
                wait = cause(exc)
                delay = float(wait.value) if isinstance(wait, errors.FloodWait) and wait.value else pause
                pause = min(pause * 2, self._s.retry_max)
                log.info("%s: the job failed (%s); again in %.0f s", self.label, exc, delay)
                await asyncio.sleep(delay)

    async def _report(self, error: BaseException) -> None:
        """Tell the health seam; raise _NotRunnable when the account is no longer one to run. With the send gate
        closed (the lease ran out before the keeper's timer said so), the error is the fence's own doing: the runner
        ends, and the account's health is not touched."""
        if not self.may_send():
            self.fence(self.fenced or "the lease is no longer valid")
            raise _NotRunnable
        self._failures += 1
        await self._health.report_error(error)
        self._emit(ERROR, detail=_describe(error))
        if not self.account.state.runnable:
            raise _NotRunnable

    def _pause(self) -> float:
        """Backoff before connecting again: initial * 2^(failures - 1), capped, ±25 %."""
        base = min(self._s.retry_max, self._s.retry_initial * 2.0 ** max(self._failures - 1, 0))
        return base * random.uniform(0.75, 1.25)

    # --- the end ------------------------------------------------------------------------------------------------
    def _on_stale(self, exc: StaleEpoch) -> None:
        self.fence(f"a write was refused: {exc}")

    async def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.disconnect()
            except Exception as exc:
                log.warning("%s: disconnect failed: %r", self.label, exc)

    async def _shut_down(self) -> None:
        """Disconnect, then flush the session (a refusal is counted by the store and reported)."""
        await self._disconnect()
        storage = self._storage
        if storage is None or storage.stale is not None:
            return
        try:
            await storage.flush()
        except StaleEpoch as exc:
            self.fence(f"a write was refused: {exc}")
        except Exception as exc:
            log.warning("%s: the session's last changes were not stored: %r", self.label, exc)

    def _emit_health(self, kind: str, detail: dict[str, Any]) -> None:
        self._emit(kind, detail=detail)

    def _emit(self, kind: str, *, detail: object = None) -> None:
        state = self._health.account.state.value if self._health.account is not None else None
        self._s.emit(WorkerEvent(kind, self._s.worker, self.label, self.account_id, self.lease.epoch, state, detail))


def _describe(error: BaseException) -> str:
    inner = cause(error)
    return f"{type(inner).__name__}: {inner}"
