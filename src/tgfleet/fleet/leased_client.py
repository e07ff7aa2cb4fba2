"""``LeasedClient``: ``async with fleet.lease("support-1", network=...) as client:`` — one account, exclusively, for
ad-hoc calls (a check, a login, a one-off send) from any process.

Entering registers a holder (a worker row of capacity 0: it takes no share of the fleet), acquires the account's
lease (``LeaseHeldError`` naming the holder when a worker runs it), loads the session into a ``FencedStorage`` at the
lease's epoch and connects a Client on it, behind a send gate (``may_send``: the lease is valid by the monotonic
clock and was not lost). Inside the block a ``LeaseKeeper`` renews the lease; if it cannot (or a write is refused),
the client is fenced: its send gate closes at once (not another byte goes out with the key) and it is disconnected,
so later calls fail.
Leaving disconnects, flushes the session, and releases the lease (the account is claimable again at once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from tgfleet.client import Client
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.fenced_storage import FencedStorage
from tgfleet.fleet.lease_keeper import LeaseKeeper
from tgfleet.fleet.records import Account, Lease, WorkerState
from tgfleet.fleet.store import Store
from tgfleet.net import Network

if TYPE_CHECKING:
    from tgfleet.fleet.fleet import Fleet

log = logging.getLogger("tgfleet.fleet")
T = TypeVar("T")


class LeasedClient:
    """After entering: ``client``, ``account`` (as it was at lease time), ``lease``, ``worker_id``; ``fenced`` says
    why the client was cut off (None while the lease holds)."""

    def __init__(
        self,
        fleet: Fleet,
        account: str | int,
        *,
        network: Network | None = None,
        api_id: int | None = None,
        api_hash: str | None = None,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self._fleet, self._which = fleet, account
        self._network, self._api = network or Network.production(), (api_id, api_hash)
        self._options = dict(client_options or {})
        self.fenced: str | None = None
        self._store: Store | None = None
        self._keeper: LeaseKeeper | None = None
        self._renewals: asyncio.Task[None] | None = None
        self._storage: FencedStorage | None = None
        self._client: Client | None = None
        self._lease: Lease | None = None
        self._account: Account | None = None

    @property
    def client(self) -> Client:
        return _entered(self._client)

    @property
    def lease(self) -> Lease:
        return _entered(self._lease)

    @property
    def account(self) -> Account:
        return _entered(self._account)

    @property
    def worker_id(self) -> str:
        return self.lease.holder

    @property
    def leased(self) -> bool:
        """Whether entering got the lease (after a failed connect, ``lease`` and ``account`` stay readable: the
        lease is released by then, but a state change at its epoch is still fenced)."""
        return self._lease is not None

    def may_send(self) -> bool:
        """The send gate: the lease is valid now (monotonic clock) and the client was not fenced."""
        keeper, lease = self._keeper, self._lease
        return self.fenced is None and keeper is not None and lease is not None and keeper.valid(lease.resource)

    async def __aenter__(self) -> Client:
        try:
            await self._enter()
        except BaseException:
            await self._leave()
            raise
        return self.client

    async def _enter(self) -> None:
        leases, workers, self._store = await self._fleet.lease_handles()
        holder = await workers.register(0)
        self._account = await self._fleet.accounts.get(self._which)
        sent_at = asyncio.get_running_loop().time()
        self._lease = await leases.acquire_account(self._account.id, holder)
        self._keeper = LeaseKeeper(leases, workers, holder, on_end=lambda _, why: self._fence(why))
        self._keeper.add(self._lease, sent_at)
        self._renewals = asyncio.create_task(self._keeper.run(), name=f"tgfleet lease {self._account.label}")
        self._storage = await self._fleet.sessions.storage(self._lease, on_stale=lambda e: self._fence(str(e)))
        api_id, api_hash = self._api
        options = {"proxy": self._account.policy.get("proxy"), **self._options}
        self._client = Client(self._account.label, api_id=api_id, api_hash=api_hash, network=self._network,
                              storage=self._storage, may_send=self.may_send, **options)  # fmt: skip
        await self._client.connect()

    def _fence(self, reason: str) -> None:
        if self.fenced is not None:
            return
        self.fenced = reason
        log.warning("%s: the lease is gone (%s); the client is cut off", self._which, reason)
        if self._client is not None:
            asyncio.get_running_loop().create_task(self._client.disconnect())

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._leave()

    async def _leave(self) -> None:
        """Disconnect, flush, release, stop renewing; each step only if entering got that far."""
        if self._client is not None:
            await self._client.disconnect()
        if self._storage is not None and self._storage.stale is None:
            try:
                await self._storage.flush()
            except StaleEpoch:
                pass  # counted; the lease is someone else's now
        keeper, lease = self._keeper, self._lease
        if self._renewals is not None:
            self._renewals.cancel()
            await asyncio.gather(self._renewals, return_exceptions=True)
        if keeper is not None:
            keeper.close()
            if lease is not None:
                await self._fleet.leases.release(keeper.worker, [lease])
            await keeper.heartbeat(WorkerState.STOPPED)
        if self._store is not None:
            await self._store.close()


def _entered(value: T | None) -> T:
    if value is None:
        raise RuntimeError("use the lease with `async with fleet.lease(...) as client:` first")
    return value
