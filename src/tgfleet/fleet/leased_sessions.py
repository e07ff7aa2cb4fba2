"""``Sessions``: a leased account's session, for its holder: the snapshot loaded at lease time, fenced writes, and
the ``FencedStorage`` a ``tgfleet.Client`` runs on (docs/fleet.md, "Leases and fencing")."""

from __future__ import annotations

from collections.abc import Callable

from tgfleet.fleet import sessions
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import FleetValueError, StaleEpoch
from tgfleet.fleet.fenced_storage import FencedStorage
from tgfleet.fleet.records import Lease
from tgfleet.fleet.seal import Sealer
from tgfleet.fleet.snapshot import SessionChanges, SessionSnapshot
from tgfleet.fleet.store import Store


class Sessions:
    def __init__(self, store: Store, sealer: Sealer, counters: Counters) -> None:
        self._store, self._sealer, self._counters = store, sealer, counters

    async def load(self, lease: Lease) -> SessionSnapshot:
        """The account's session as of now, for the holder of ``lease`` (StaleEpoch when a newer lease exists)."""
        account_id = _account_of(lease)
        try:
            async with self._store.transaction(readonly=True) as tx:
                current = await tx.scalar("SELECT fence_epoch FROM accounts WHERE id = :id", {"id": account_id})
                if current is not None and int(current) != lease.epoch:
                    raise StaleEpoch(account_id, lease.epoch, int(current))
                return await sessions.read(tx, account_id, self._sealer)
        except StaleEpoch:
            self._counters.fence_refusals += 1
            raise

    async def write(self, account_id: int, epoch: int, changes: SessionChanges) -> None:
        """One fenced write of ``changes`` (StaleEpoch, counted, when ``epoch`` is no longer the account's)."""
        try:
            async with self._store.transaction() as tx:
                await sessions.fence(tx, account_id, epoch)
                await sessions.write(tx, account_id, changes, self._sealer)
        except StaleEpoch:
            self._counters.fence_refusals += 1
            raise

    async def storage(
        self,
        lease: Lease,
        *,
        flush_delay: float = 1.0,
        on_stale: Callable[[StaleEpoch], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> FencedStorage:
        """The session storage of the leased account at the lease's epoch (give it to ``FleetClient``)."""
        account_id = _account_of(lease)
        snapshot = await self.load(lease)

        async def write(changes: SessionChanges) -> None:
            await self.write(account_id, lease.epoch, changes)

        return FencedStorage(
            snapshot, write, epoch=lease.epoch, flush_delay=flush_delay, on_stale=on_stale, on_error=on_error
        )


def _account_of(lease: Lease) -> int:
    if lease.account_id is None:
        raise FleetValueError(f"lease {lease.resource} is not an account lease")
    return lease.account_id
