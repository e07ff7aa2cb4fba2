"""``Takeover``: a grant of a lease never waits on a lock that the lease's stale holder took (PostgreSQL).

A holder stopped inside a store transaction (SIGSTOP, a paused VM) keeps that transaction's row locks, and granting
its expired lease must change rows it may have locked: the lease row, and the account's ``fence_epoch`` (every fenced
write of the holder updates that row first). ``idle_in_transaction_session_timeout`` ends such a session only when its
backend is idle in the transaction; a client stopped between the statements of a pipeline leaves it 'active', waiting
for the client (https://www.postgresql.org/docs/current/runtime-config-client.html), and no timeout ends it.

So a grant runs under a lock timeout (``lock_wait``: a statement that waits longer for a lock fails, and the claim is
tried again at the worker's next poll), and while its statements wait, this watch looks every ``LOOK_EVERY`` seconds
at the sessions that block the grant's session (``pg_blocking_pids``,
https://www.postgresql.org/docs/current/functions-info.html). It ends one (``pg_terminate_backend``,
https://www.postgresql.org/docs/current/functions-admin.html) only when all of these hold:

- the session carries the name of a holder of one of the leases being granted (``workers.session``: every store session
  of a process carries its ``store.base.session_name()``, random per process);
- that lease is past its expiry plus the grace period (the store's clock), so the grant is a takeover the holder
  could no longer prevent by renewing;
- no worker row of that process heartbeat within the TTL (the process is stopped, not merely slow).

A live holder's sessions, and sessions that are not a tgfleet worker's, are never ended: the grant waits for them (up
to ``lock_wait``). Ending the session rolls its transaction back, so nothing it had written since its last commit
lands, and every later write of the resumed holder is refused by the fence (the grant raised the epoch) or fails on
the lost connection. The holder fenced its sends long before: a third of the TTL plus the grace period before its
lease could be taken (``lease_keeper``). Ending a session needs the privileges of its role (the same role as the
fleet's) or membership in ``pg_signal_backend``; when that fails, ``TakeoverBlocked`` names the holder and the
privilege. SQLite has one writer on one host: a stopped process holding its write lock stops every writer, as
documented there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tgfleet.fleet.errors import StoreError, TakeoverBlocked
from tgfleet.fleet.records import LeaseSettings
from tgfleet.fleet.store import Store, Tx

log = logging.getLogger("tgfleet.fleet")

LOOK_EVERY = 0.2
"""Seconds a grant waits before the watch first looks at what blocks it, and between its looks."""

_STALE = (
    "SELECT l.resource, l.holder, l.host, l.pid, w.session FROM leases l JOIN workers w ON w.id = l.holder"
    " WHERE l.resource = ANY(:resources) AND l.expires_at + :grace < {now} AND w.session IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM workers o WHERE o.session = w.session AND o.heartbeat >= {now} - :ttl)"
)
"""The stale holders of the leases being granted whose process shows no sign of life, with their sessions' name."""

_BLOCKERS = (
    "SELECT pid, application_name FROM pg_stat_activity"
    " WHERE pid = ANY(pg_blocking_pids(CAST(:session AS integer))) AND application_name = ANY(:names)"
)


class Takeover:
    def __init__(self, store: Store, settings: LeaseSettings) -> None:
        self._store, self.settings = store, settings

    @property
    def lock_wait(self) -> float:
        """The longest a grant's statement waits for a lock (then it fails and the claim is tried again)."""
        return max(self.settings.renew_interval, 5 * LOOK_EVERY)

    @asynccontextmanager
    async def guard(self, tx: Tx, resources: Sequence[str]) -> AsyncIterator[None]:
        """While the block's statements (in ``tx``, granting ``resources``) wait for locks, end the sessions of the
        resources' stale holders that hold them. Call ``tx.limit_lock_waits(self.lock_wait)`` before. Where the
        block fails (its lock wait ran out) after ending one failed, TakeoverBlocked says why."""
        if tx.session is None or not resources:
            yield
            return
        watch = asyncio.create_task(self._watch(tx.session, list(resources)), name="tgfleet takeover watch")
        try:
            yield
        except Exception as exc:  # (the engine's own error: the transaction's block turns it into a StoreError)
            failure = await _stopped(watch)
            if failure is not None:
                raise failure from exc
            raise
        finally:
            await _stopped(watch)

    async def _watch(self, session: int, resources: list[str]) -> None:
        while True:
            await asyncio.sleep(LOOK_EVERY)
            try:
                await self._end_stale_blockers(session, resources)
            except StoreError as exc:  # the grant's own lock timeout bounds the wait; look again
                log.warning("looking for what blocks a lease grant failed: %s", exc)

    async def _end_stale_blockers(self, session: int, resources: list[str]) -> None:
        async with self._store.transaction(readonly=True) as tx:
            stale = await tx.fetch(_STALE, {"resources": resources, "grace": self.settings.grace,
                                            "ttl": self.settings.ttl})  # fmt: skip
            names = {str(name): (str(resource), str(holder), str(host), int(pid)) for resource, holder, host, pid, name
                     in stale}  # fmt: skip
            blockers = await tx.fetch(_BLOCKERS, {"session": session, "names": list(names)}) if names else []
        for pid, name in blockers:
            resource, holder, host, holder_pid = names[str(name)]
            try:
                async with self._store.transaction() as tx:
                    ended = await tx.scalar("SELECT pg_terminate_backend(CAST(:pid AS integer))", {"pid": pid})
            except StoreError as exc:
                raise TakeoverBlocked(resource, holder, host, holder_pid, str(exc)) from exc
            if ended:
                log.warning(
                    "%s: ended store session %s of worker %s (pid %s on host %s), its stale holder, stopped"
                    " inside a transaction that blocked the takeover",
                    resource,
                    pid,
                    holder,
                    holder_pid,
                    host,
                )


async def _stopped(watch: asyncio.Task[None]) -> TakeoverBlocked | None:
    """Cancel the watch; the TakeoverBlocked it ended with, if it did."""
    watch.cancel()
    [outcome] = await asyncio.gather(watch, return_exceptions=True)
    return outcome if isinstance(outcome, TakeoverBlocked) else None
