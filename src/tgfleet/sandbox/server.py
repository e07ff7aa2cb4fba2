"""``Sandbox``: a local multi-DC Telegram on loopback — listeners, keys, sessions, dispatch, faults.

::

    async with Sandbox(dcs=3) as tg:              # one listener per DC on 127.0.0.1, own RSA key pair
        client = Client(..., api_id=tg.api_id, api_hash=tg.api_hash, network=tg.network)
        tg.freeze(2); tg.force_flood(functions.messages.SendMessage, 5); ...

``Sandbox`` is the composition root and the control surface. It builds its parts, each from only what it
needs: the world (:class:`~tgfleet.sandbox.contract.WorldAPI`; by default ``world.World``), one
``context.DcState`` per DC (its keys and sessions, lobby, connection faults and connections), the
``ServerContext`` every connection shares (the ``CallDispatcher``, which asks the network side's own handlers
of ``config.py`` and then the world; the ``Subscriptions`` the world pushes updates through; limits, clock),
the ``Listeners`` (``listeners.py``: one asyncio server per DC, admission through the lobby), the
``FaultInjector`` (``fault_injector.py``) and the MTProxies.

Its control methods forward to the part that owns them: the world's ``add_user`` / ``login_code`` /
``messages_of`` / ``dialogs_of`` (``tg.world`` has the rest), the fault injector's ``drop_connections``,
``drop_after``, ``set_latency``, ``freeze`` / ``thaw``, ``revoke``, ``force_error`` / ``force_flood`` /
``force_migrate``, ``rotate_salts``, ``skew_clock``, ``clear_faults``, and the key stores' ``keys(dc)`` and
``expire_temp_keys`` (PFS's temporary keys, ``keys.py``); ``hold_parts`` / ``held_parts`` (file parts held until
several are in flight at once, ``part_hold.py``); ``detect_duplicate_keys`` switches the AUTH_KEY_DUPLICATED
rule of ``duplicate_keys.py`` (its answers are counted in ``stats()``). A new server-side behaviour is a part of its
own, built in ``__init__`` from the pieces it needs, consulted where it applies (the dispatcher, ``inbound``), with
its control methods forwarded here.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.net import DcAddress, Network
from tgfleet.sandbox.config import network_handlers
from tgfleet.sandbox.context import DcState, ServerContext
from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.delivery import Subscriptions
from tgfleet.sandbox.dispatch import CallDispatcher
from tgfleet.sandbox.duplicate_keys import DuplicateKeys
from tgfleet.sandbox.fault_injector import FaultInjector
from tgfleet.sandbox.faults import Faults
from tgfleet.sandbox.flood import FloodGuard
from tgfleet.sandbox.key_use import KeyUse
from tgfleet.sandbox.keys import DcKeys, KeyInfo
from tgfleet.sandbox.listeners import Listeners
from tgfleet.sandbox.lobby import Lobby
from tgfleet.sandbox.part_hold import HeldPart
from tgfleet.sandbox.scheduler import TICK
from tgfleet.sandbox.server_limits import Limits
from tgfleet.sandbox.takeouts import Takeouts
from tgfleet.sandbox.ticker import Ticker

if TYPE_CHECKING:
    from tgfleet.sandbox.accounts import SandboxUser
    from tgfleet.sandbox.connection import ServerConnection
    from tgfleet.sandbox.login_limits import LoginLimits
    from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
    from tgfleet.sandbox.mtproxy import MTProxyServer
    from tgfleet.sandbox.world import World

log = logging.getLogger("tgfleet.sandbox")

DEFAULT_API_ID = 1
"""The api_id the sandbox accepts unless told otherwise (initConnection with another one: API_ID_INVALID)."""
DEFAULT_API_HASH = "b790ec5c8d23172db3b762e9d6b2e218"
"""The api_hash that goes with :data:`DEFAULT_API_ID` (the world checks it in auth.sendCode)."""


def load_key(rsa_key: RsaPrivateKey | str | Path | None) -> RsaPrivateKey:
    """A private key from an object, PEM text or a PEM file path; a fresh 2048-bit key for ``None``."""
    if rsa_key is None:
        return RsaPrivateKey.generate()
    if isinstance(rsa_key, RsaPrivateKey):
        return rsa_key
    if isinstance(rsa_key, str) and "-----BEGIN" in rsa_key:
        return RsaPrivateKey.from_pem(rsa_key)
    return RsaPrivateKey.from_pem(Path(rsa_key).read_text())


class Sandbox:
    """A local Telegram with ``dcs`` data centers. Use ``async with`` or ``start()`` / ``stop()``.

    ``ports``: one per DC (``None``: ephemeral). ``rsa_key``: the server key (object, PEM text or path;
    ``None`` generates one). ``clock``: the server's clock (unix seconds), injectable for tests; faults add
    a skew to it. ``world``: the in-memory Telegram behind the API (default: ``tgfleet.sandbox.world``);
    ``login_limits``: that default world's limits on login codes and passwords (``login_limits.py``; a custom
    world has its own, so passing both is a ``ValueError``).
    """

    def __init__(
        self,
        dcs: int = 3,
        *,
        host: str = "127.0.0.1",
        ports: Sequence[int] | None = None,
        rsa_key: RsaPrivateKey | str | Path | None = None,
        api_id: int = DEFAULT_API_ID,
        api_hash: str = DEFAULT_API_HASH,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
        random: Callable[[int], bytes] = os.urandom,
        world: WorldAPI | None = None,
        default_dc: int = 2,
        login_limits: LoginLimits | None = None,
    ) -> None:
        if dcs < 1:
            raise ValueError("a sandbox needs at least one DC")
        if ports is not None and len(ports) != dcs:
            raise ValueError(f"ports must list one port per DC ({dcs}), got {len(ports)}")
        if world is not None and login_limits is not None:
            raise ValueError("login_limits are the default world's; a custom world sets its own")
        self.host = host
        self._rsa = load_key(rsa_key)
        self.api_id = api_id
        self.api_hash = api_hash
        self.limits = limits if limits is not None else Limits()
        self.clock = clock
        self.default_dc = default_dc if 1 <= default_dc <= dcs else 1
        self._fault_state = faults = Faults(list(range(1, dcs + 1)))
        self._random = random
        self.world = world if world is not None else self._make_world(dcs, random, login_limits)
        self._ctx = self._server_context(faults)
        self._dcs = {dc: self._dc_state(dc, faults) for dc in range(1, dcs + 1)}
        self._listeners = Listeners(self._dcs, self._ctx, host, [0] * dcs if ports is None else ports)
        self._faults = FaultInjector(self._dcs, faults, self.world, self.now)
        self.world.set_delivery(self._ctx.delivery)
        self._mtproxies: list[MTProxyServer] = []
        self._ticker = Ticker(TICK, getattr(self.world, "deliver_scheduled", lambda: None))
        """Sends the world's scheduled messages when due (a custom world without ``deliver_scheduled`` has none)."""

    def _server_context(self, faults: Faults) -> ServerContext:
        """What every connection shares: the dispatcher (limits, faults, the network side's handlers, then the
        world's), the delivery of pushed updates, the key, limits, clock and randomness."""
        delivery = Subscriptions(self.world, self.now, max_queued_pushes=self.limits.max_queued_pushes)
        dispatcher = CallDispatcher(
            world=self.world,
            api_id=self.api_id,
            limiter=FloodGuard(self.limits),
            faults=faults,
            handlers=network_handlers(lambda: list(self.dc_addresses)),
            limit_clock=self.clock,
            call_timeout=self.limits.call_timeout,
            takeouts=Takeouts(self._random, delay=self.limits.takeout_delay, clock=self.clock),
        )
        duplicates = DuplicateKeys(lambda key_id: self.world.user_of(key_id) is not None, self.world.revoke)
        return ServerContext(
            self._rsa, self.limits, faults, self.world, dispatcher, delivery, duplicates, self.clock, self._random
        )

    def _dc_state(self, dc: int, faults: Faults) -> DcState:
        lim = self.limits
        return DcState(
            dc,
            DcKeys(dc, max_sessions=lim.max_sessions_per_key, random=self._random),
            faults.dc(dc),
            Lobby(lim.max_unauthenticated_per_dc, lim.max_unauthenticated_bytes),
        )

    def _make_world(self, dcs: int, random: Callable[[int], bytes], login_limits: LoginLimits | None) -> WorldAPI:
        from tgfleet.sandbox.world import World

        return World(
            api_id=self.api_id, api_hash=self.api_hash, dcs=dcs, clock=self.now, random=random,
            login_limits=login_limits,
        )  # fmt: skip

    # --- lifecycle -------------------------------------------------------------------------------
    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Open one listener per DC."""
        if self._listeners.listening:
            return
        await self._listeners.start()
        self._ticker.start()
        log.info("sandbox listening: %s", ", ".join(f"dc{a.dc_id}={a.host}:{a.port}" for a in self.dc_addresses))

    async def stop(self) -> None:
        """Close the MTProxies, the listeners and every connection; end every task the sandbox started."""
        for proxy in self._mtproxies:
            await proxy.stop()
        self._mtproxies.clear()
        await self._ticker.stop()
        await self._listeners.stop()

    async def start_mtproxy(self, secret: str | bytes, *, port: int = 0) -> MTProxyServer:
        """One more listener: an MTProxy for ``secret`` (plain, ``dd`` or ``ee``; hex, base64 or bytes) in
        front of the DCs; ``stop()`` closes it. Clients use its ``link`` or ``proxy`` (``sandbox/mtproxy.py``)."""
        from tgfleet.sandbox.mtproxy import MTProxyServer

        if not self._listeners.listening:
            raise RuntimeError("start the sandbox before its MTProxy")
        proxy = MTProxyServer(
            secret, self._listeners.address, host=self.host, port=port, clock=self.clock, random=self._random
        )
        await proxy.start()
        self._mtproxies.append(proxy)
        return proxy

    # --- what clients need -----------------------------------------------------------------------
    def now(self) -> float:
        """The server clock (the injected clock plus any skew)."""
        return self.clock() + self._fault_state.skew

    @property
    def dc_addresses(self) -> tuple[DcAddress, ...]:
        """The listeners, one per DC (after ``start``)."""
        return self._listeners.addresses()

    @property
    def media_addresses(self) -> tuple[DcAddress, ...]:
        """The media listeners, one per DC (``listeners.py``: where clients' media connections go)."""
        return self._listeners.addresses(media=True)

    @property
    def network(self) -> Network:
        """Where this sandbox is, its listeners, media ones too, and its public key (``name="sandbox"``)."""
        addresses = self.dc_addresses + self.media_addresses
        return Network(addresses, (self._rsa.public,), False, self.default_dc, "sandbox")

    @property
    def public_key_pem(self) -> str:
        """The server's RSA public key, PKCS#1 PEM (what third-party clients are given)."""
        return self._rsa.public.to_pem()

    @property
    def rsa_key(self) -> RsaPrivateKey:
        return self._rsa

    @property
    def dc_ids(self) -> list[int]:
        return list(self._dcs)

    def auth_key_ids(self, dc: int) -> list[int]:
        """The auth keys known on ``dc``."""
        return [k.key_id for k in self._dcs[dc].keys.all()]

    @property
    def key_use(self) -> KeyUse:
        """Which connections each auth key's packets arrived on (``key_use.overlaps()``: one key on two connections
        at once)."""
        return self._ctx.key_use

    def hold_parts(self, n: int | None, timeout: float = 10.0) -> None:
        """Hold every file part (``upload.saveFilePart`` / ``saveBigFilePart``) until ``n`` wait at once, then let
        them go together; a part alone ``timeout`` seconds fails ``UPLOAD_PARTS_NOT_CONCURRENT`` (``part_hold.py``).
        ``None`` stops holding."""
        if n is None:
            self._ctx.part_hold.disarm()
        else:
            self._ctx.part_hold.arm(n, timeout)

    @property
    def held_parts(self) -> list[HeldPart]:
        """The parts the last ``hold_parts`` let go together: index, connection number, media connection or not."""
        return list(self._ctx.part_hold.released)

    def keys(self, dc: int) -> list[KeyInfo]:
        """Every auth key known on ``dc``: permanent or temporary, what a temporary one is bound to, how many
        encrypted packets arrived under it."""
        return [k.info() for k in self._dcs[dc].keys.all()]

    def expire_temp_keys(self, dc: int | None = None) -> int:
        """Forget every temporary key now (of ``dc``, or of all), as if it had expired: the next packet on one
        is answered -404. Returns how many were forgotten."""
        return sum(state.keys.expire() for state in (self._dcs.values() if dc is None else [self._dcs[dc]]))

    def permanent_keys(self) -> list[tuple[int, bytes]]:
        """``(dc, auth_key)`` of every permanent key: what a standalone sandbox keeps across restarts."""
        return [(dc, k.auth_key.key) for dc, s in self._dcs.items() for k in s.keys.all() if k.expires_at is None]

    def restore_key(self, dc: int, auth_key: bytes) -> None:
        """Know ``auth_key`` on ``dc`` again (its salt is new: the client gets bad_server_salt once)."""
        salt = int.from_bytes(self._random(8), "little", signed=True)
        self._dcs[dc].keys.add(auth_key, salt, self.now())

    def detect_duplicate_keys(self, enabled: bool = True) -> None:
        """Switch the AUTH_KEY_DUPLICATED rule (``duplicate_keys.py``) on (the default) or off: off, a logged-in
        key used on two connections at once is only observed (``key_use``), not logged out."""
        self._ctx.duplicates.enabled = enabled

    def stats(self) -> dict[str, Any]:
        """Counts for tests and dashboards: connections (and the unauthenticated ones, and the bytes they hold
        buffered), keys and sessions per DC, server tasks, and ``auth_key_duplicated``: the AUTH_KEY_DUPLICATED
        answers given so far (0 unless a logged-in key was used on two connections at once)."""
        return {
            "connections": {d: len(s.connections) for d, s in self._dcs.items()},
            "unauthenticated": {d: len(s.lobby) for d, s in self._dcs.items()},
            "unauthenticated_bytes": {d: s.lobby.bytes for d, s in self._dcs.items()},
            "auth_keys": {d: len(s.keys) for d, s in self._dcs.items()},
            "sessions": {d: sum(len(k.sessions) for k in s.keys.all()) for d, s in self._dcs.items()},
            "tasks": len(self._ctx.tasks),
            "auth_key_duplicated": self._ctx.duplicates.answers,
        }

    # --- control: the world's (tg.world has the rest) -----------------------------------------------
    def _world(self) -> World:
        from tgfleet.sandbox.world import World

        if not isinstance(self.world, World):
            raise TypeError(f"this sandbox runs a custom world ({type(self.world).__name__}); use tg.world")
        return self.world

    def add_user(
        self,
        phone: str,
        first_name: str = "",
        last_name: str = "",
        username: str | None = None,
        password: str | None = None,
        dc: int | None = None,
        *,
        hint: str | None = None,
        new_account: bool = False,
    ) -> SandboxUser:
        """Register an account (``World.add_user``); ``password`` turns on 2FA."""
        return self._world().add_user(
            phone, first_name, last_name, username, password, dc, hint=hint, new_account=new_account
        )

    def add_bot(self, username: str, first_name: str = "", dc: int | None = None) -> str:
        """Register a bot and return its token ``"<id>:<secret>"`` (``World.add_bot``)."""
        return self._world().add_bot(username, first_name, dc)

    def user_by_phone(self, phone: str) -> SandboxUser | None:
        """The account of ``phone`` (``World.user_by_phone``; None: the number has none, a login signs it up)."""
        return self._world().user_by_phone(phone)

    def login_code(self, phone: str) -> str:
        """The live login code auth.sendCode produced for ``phone`` (``World.login_code``)."""
        return self._world().login_code(phone)

    def messages_of(self, user_id: int, peer_id: int | None = None) -> list[SandboxMessage]:
        """Every message in ``user_id``'s box (or only the chat with ``peer_id``), oldest first."""
        return self._world().messages_of(user_id, peer_id)

    def dialogs_of(self, user_id: int) -> list[SandboxDialog]:
        """``user_id``'s chats, the most recent first."""
        return self._world().dialogs_of(user_id)

    # --- control: faults (fault_injector.py has the details) -----------------------------------------
    def connections(self, dc: int | None = None) -> list[ServerConnection]:
        """The open connections (of one DC, or of all)."""
        return self._faults.connections(dc)

    def drop_connections(self, dc: int | None = None, user_id: int | None = None) -> int:
        """Close connections now (of ``dc``; of ``user_id``: those that used one of its keys); how many."""
        return self._faults.drop_connections(dc, user_id)

    def drop_after(self, n_messages: int | None, dc: int | None = None, *, sticky: bool = False) -> None:
        """Close each open connection after ``n_messages`` more incoming packets (``sticky``: new ones too)."""
        self._faults.drop_after(n_messages, dc, sticky=sticky)

    def set_latency(self, seconds: float, dc: int | None = None) -> None:
        """Hold every outgoing packet back ``seconds`` (0 switches it off)."""
        self._faults.set_latency(seconds, dc)

    def freeze(self, dc: int | None = None) -> None:
        """The DC keeps accepting connections and reading requests but sends nothing until ``thaw``."""
        self._faults.freeze(dc)

    def thaw(self, dc: int | None = None) -> None:
        """Undo ``freeze``: everything held back goes out now."""
        self._faults.thaw(dc)

    def revoke(self, user_id: int | None = None, auth_key_id: int | None = None) -> int:
        """Log keys out (one, or every key of ``user_id``): AUTH_KEY_UNREGISTERED next; how many."""
        return self._faults.revoke(user_id, auth_key_id)

    def force_error(
        self, method_type: type, code: int, message: str, times: int = 1, user_id: int | None = None
    ) -> None:
        """Answer the next ``times`` calls of ``method_type`` (by ``user_id`` only, when given) with
        ``rpc_error(code, message)``."""
        self._faults.force_error(method_type, code, message, times, user_id)

    def force_flood(self, method_type: type, seconds: int, times: int = 1, user_id: int | None = None) -> None:
        """Answer the next ``times`` calls of ``method_type`` (by ``user_id`` only) with 420 FLOOD_WAIT_<seconds>."""
        self._faults.force_flood(method_type, seconds, times, user_id)

    def force_migrate(self, method_type: type, dc: int, kind: str = "USER", times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method_type`` with 303 <kind>_MIGRATE_<dc>."""
        self._faults.force_migrate(method_type, dc, kind, times)

    def rotate_salts(self, dc: int | None = None) -> None:
        """Replace every auth key's salts now: the next message with an old salt gets bad_server_salt."""
        self._faults.rotate_salts(dc)

    def skew_clock(self, seconds: float) -> None:
        """Set the server clock's offset (beyond +300 s: bad_msg_notification 16, beyond -30 s: 17)."""
        self._faults.skew_clock(seconds)

    def clear_faults(self) -> None:
        """Switch every fault off (thaw, no latency, no forced errors, no drop-after, no skew)."""
        self._faults.clear_faults()
