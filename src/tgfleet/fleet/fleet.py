"""``Fleet``: one handle on a fleet store: accounts, leases, workers, sessions, outbox, flood ledger, inbox, logins,
counters, the service's tokens and the change journal.

``fleet = await Fleet.open(url)`` or ``async with Fleet.open(url) as fleet:``. Opening connects, applies the schema
migrations, and checks the seal key against the store's seal check (a new store gets a key file on first use).
"""

from __future__ import annotations

from collections.abc import Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tgfleet.fleet.accounts import ACCOUNTS_CHANNEL, Accounts
from tgfleet.fleet.changes import Changes
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import SealKeyError
from tgfleet.fleet.flood_ledger import FloodLedger
from tgfleet.fleet.inbox import Inbox
from tgfleet.fleet.leased_sessions import Sessions
from tgfleet.fleet.leases import Leases
from tgfleet.fleet.logins import Logins
from tgfleet.fleet.outbox import Outbox
from tgfleet.fleet.pools import Pools
from tgfleet.fleet.records import LeaseSettings
from tgfleet.fleet.seal import KeyChoice, Sealer, choose_key, create_key_file
from tgfleet.fleet.store import Listener, Store, default_url, open_store, parse_url
from tgfleet.fleet.tokens import Tokens
from tgfleet.fleet.workers import Workers

if TYPE_CHECKING:
    from tgfleet.fleet.leased_client import LeasedClient
    from tgfleet.net import Network


class Fleet:
    """Use ``Fleet.open``. ``seal_origin`` says where the seal key came from (never the key itself)."""

    def __init__(self, store: Store, sealer: Sealer, settings: LeaseSettings, seal_origin: str, url: str) -> None:
        self.store, self.settings, self.seal_origin = store, settings, seal_origin
        self._url = url
        self.key_id = sealer.key_id
        self.counters = Counters()
        self.accounts = Accounts(store, sealer, self.counters)
        self.leases = Leases(store, settings, self.counters)
        self.workers = Workers(store, settings)
        self.tokens = Tokens(store)
        self.changes = Changes(store)
        self.sessions = Sessions(store, sealer, self.counters)
        self.outbox = Outbox(store, self.counters)
        self.floods = FloodLedger(store)
        self.pools = Pools(store)
        """``fleet.pools.set_policy("support", {"sending": {...}})``: a pool's policy, inherited by its accounts."""
        self.inbox = Inbox(store, self.counters)
        self.logins = Logins(store, sealer, counters=self.counters)
        """Login flows (code, 2FA, QR) driven by the workers (``logins``; ``logins.settings``: the phone budget)."""
        self.on_message = self.inbox.on_message
        """``@fleet.on_message(filters, account=... | pool=...)``: a handler of incoming messages (``inbox``)."""

    @staticmethod
    def open(
        url: str | None = None,
        *,
        create: bool = True,
        settings: LeaseSettings | None = None,
        seal_key: bytes | None = None,
        key_file: str | None = None,
    ) -> _Opening:
        """Open the store at ``url`` (default ``$TGFLEET_STORE``, else ``sqlite:///fleet.db``). ``create``: make a
        missing store (else StoreMissingError). The seal key: ``seal_key``, ``$TGFLEET_FLEET_KEY`` or a key file (see
        ``tgfleet.fleet.seal``); SealKeyError when it is not the store's."""
        return _Opening(url or default_url(), create, settings or LeaseSettings(), seal_key, key_file)

    async def wakeups(self) -> Listener:
        """Wake-ups when an account becomes claimable (payload: its id); poll as well, they are hints."""
        return await self.store.listen(ACCOUNTS_CHANNEL)

    def lease(
        self,
        account: str | int,
        *,
        network: Network | None = None,
        api_id: int | None = None,
        api_hash: str | None = None,
        **client_options: Any,
    ) -> LeasedClient:
        """``async with fleet.lease("support-1", network=...) as client:``: the account's lease for the block and a
        Client on its fenced session (``LeaseHeldError`` when a worker holds it). See ``leased_client``."""
        from tgfleet.fleet.leased_client import LeasedClient

        return LeasedClient(self, account, network=network, api_id=api_id, api_hash=api_hash,
                            client_options=client_options)  # fmt: skip

    async def run(self, *, network: Network | None = None, **options: Any) -> None:
        """Be a worker in this process until it is drained or stopped (cancellable: a cancel drains, a second one
        stops at once). ``options``: those of ``tgfleet.fleet.worker.Worker`` (capacity, job, api_id, ...)."""
        from tgfleet.fleet.worker import Worker

        await Worker(self, network=network, **options).run()

    async def lease_handles(self) -> tuple[Leases, Workers, Store]:
        """``Leases`` and ``Workers`` on a store connection of their own (close that store when done): a worker renews
        its leases there, so no account's session traffic ever queues in front of a renewal."""
        store = await open_store(self._url, create=False, idle_transaction_limit=self.settings.idle_limit)
        return Leases(store, self.settings, self.counters), Workers(store, self.settings, self.counters), store

    async def close(self) -> None:
        await self.store.close()

    async def __aenter__(self) -> Fleet:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<Fleet {self.store.where}>"


class _Opening:
    """``await Fleet.open(...)`` or ``async with Fleet.open(...) as fleet``."""

    def __init__(self, url: str, create: bool, settings: LeaseSettings, seal_key: bytes | None, key_file: str | None):
        self._args = (url, create, settings, seal_key, key_file)
        self._fleet: Fleet | None = None

    def __await__(self) -> Generator[Any, None, Fleet]:
        return _open(*self._args).__await__()

    async def __aenter__(self) -> Fleet:
        self._fleet = await _open(*self._args)
        return self._fleet

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fleet is not None:
            await self._fleet.close()


async def _open(url: str, create: bool, settings: LeaseSettings, seal_key: bytes | None, key_file: str | None) -> Fleet:
    target = parse_url(url)
    default_file = f"{target.path}.key" if target.engine == "sqlite" else "fleet.key"
    choice = choose_key(seal_key, key_file, default_file)
    store = await open_store(url, create=create, idle_transaction_limit=settings.idle_limit)
    try:
        sealer = await _sealer(store, choice)
    except BaseException:
        await store.close()
        raise
    return Fleet(store, sealer, settings, choice.origin, url)


async def _sealer(store: Store, choice: KeyChoice) -> Sealer:
    """The store's sealer: the configured key, checked against the store's seal check (written on first use)."""
    async with store.transaction(readonly=True) as tx:
        row = await tx.fetchone("SELECT value FROM meta WHERE key = 'seal_check'")
        key_id = await tx.scalar("SELECT value FROM meta WHERE key = 'seal_key_id'")
    key = choice.key
    if row is None:
        if key is None and choice.path is not None:
            key = create_key_file(choice.path)
        if key is None:  # pragma: no cover - choose_key gives a key or a path
            raise SealKeyError("no fleet seal key configured")
        sealer = Sealer(key)
        async with store.transaction() as tx:
            for name, value in (("seal_check", sealer.make_check().hex()), ("seal_key_id", sealer.key_id)):
                await tx.execute(
                    "INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO NOTHING",
                    {"key": name, "value": value},
                )
        return await _sealer(store, KeyChoice(key, choice.origin, choice.path))  # check what won a race
    if key is None:
        where = f"; put it in {choice.path}" if choice.path else ""
        raise SealKeyError(
            f"{store.where} is sealed with key {key_id} and no key was found: set $TGFLEET_FLEET_KEY or"
            f" $TGFLEET_FLEET_KEY_FILE to that key{where}"
        )
    sealer = Sealer(key)
    if not sealer.verify_check(bytes.fromhex(str(row[0]))):
        raise SealKeyError(
            f"the seal key from {choice.origin} (key {sealer.key_id}) is not the key {store.where} is sealed with"
            f" (key {key_id}); use that key (set $TGFLEET_FLEET_KEY or $TGFLEET_FLEET_KEY_FILE)"
        )
    return sealer
