"""``Sandbox``: a local multi-DC Telegram on loopback — listeners, keys, sessions, dispatch, faults.

::

    async with Sandbox(dcs=3) as tg:              # one listener per DC on 127.0.0.1, own RSA key pair
        client = Client(..., api_id=tg.api_id, api_hash=tg.api_hash, network=tg.network)
        tg.freeze(2); tg.force_flood(functions.messages.SendMessage, 5); ...

One asyncio server per DC; each connection is a :class:`~tgfleet.sandbox.connection.ServerConnection` reading
a :class:`~tgfleet.sandbox.stream.Stream`, admitted through its DC's :class:`~tgfleet.sandbox.lobby.Lobby`
(a connection beyond ``Limits.max_connections_per_dc`` closes the oldest unauthenticated one, or is refused
when there is none). Auth keys and sessions are kept per DC. API calls go to the
:class:`~tgfleet.sandbox.dispatch.CallDispatcher`, which asks the network side's own handlers (``help.getConfig``,
``help.getNearestDc``) and then the world (:class:`~tgfleet.sandbox.contract.WorldAPI`). The world pushes
updates back through ``Subscriptions``.

Control API: the world's ``add_user`` / ``login_code`` / ``messages_of`` / ``dialogs_of`` (``tg.world`` has
the rest) and the faults of ``controls.py``: ``drop_connections``, ``drop_after``, ``set_latency``,
``freeze`` / ``thaw``, ``revoke``, ``force_error`` / ``force_flood`` / ``force_migrate``, ``rotate_salts``,
``skew_clock``, ``clear_faults``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.net import DcAddress, Network
from tgfleet.sandbox.config import network_handlers
from tgfleet.sandbox.connection import PRE_AUTH_READ, ServerConnection
from tgfleet.sandbox.context import DcState, ServerContext
from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.controls import FaultControls, WorldShortcuts
from tgfleet.sandbox.delivery import Subscriptions
from tgfleet.sandbox.dispatch import CallDispatcher
from tgfleet.sandbox.faults import Faults
from tgfleet.sandbox.flood import FloodGuard
from tgfleet.sandbox.key_use import KeyUse
from tgfleet.sandbox.keys import DcKeys
from tgfleet.sandbox.lobby import Lobby
from tgfleet.sandbox.server_limits import Limits
from tgfleet.sandbox.stream import Stream

if TYPE_CHECKING:
    from tgfleet.sandbox.mtproxy import MTProxyServer

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


class Sandbox(FaultControls, WorldShortcuts):
    """A local Telegram with ``dcs`` data centers. Use ``async with`` or ``start()`` / ``stop()``.

    ``ports``: one per DC (``None``: ephemeral). ``rsa_key``: the server key (object, PEM text or path;
    ``None`` generates one). ``clock``: the server's clock (unix seconds), injectable for tests; faults add
    a skew to it. ``world``: the in-memory Telegram behind the API (default: ``tgfleet.sandbox.world``).
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
    ) -> None:
        if dcs < 1:
            raise ValueError("a sandbox needs at least one DC")
        if ports is not None and len(ports) != dcs:
            raise ValueError(f"ports must list one port per DC ({dcs}), got {len(ports)}")
        self.host = host
        self._ports = list(ports) if ports is not None else [0] * dcs
        self._rsa = load_key(rsa_key)
        self.api_id = api_id
        self.api_hash = api_hash
        self.limits = limits if limits is not None else Limits()
        self.clock = clock
        self.default_dc = default_dc if 1 <= default_dc <= dcs else 1
        self._faults = faults = Faults(list(range(1, dcs + 1)))
        self._random = random
        self.world = world if world is not None else self._make_world(dcs, random)
        delivery = Subscriptions(self.world, self.now, max_queued_pushes=self.limits.max_queued_pushes)
        dispatcher = CallDispatcher(
            world=self.world,
            api_id=api_id,
            limiter=FloodGuard(self.limits),
            faults=faults,
            handlers=network_handlers(lambda: list(self.dc_addresses)),
            limit_clock=clock,
            call_timeout=self.limits.call_timeout,
        )
        self._ctx = ServerContext(self._rsa, self.limits, faults, self.world, dispatcher, delivery, clock, random)
        lim = self.limits
        self._dcs = {
            dc: DcState(
                dc,
                DcKeys(dc, max_sessions=lim.max_sessions_per_key, random=random),
                faults.dc(dc),
                Lobby(lim.max_unauthenticated_per_dc, lim.max_unauthenticated_bytes),
            )
            for dc in range(1, dcs + 1)
        }
        self.world.set_delivery(delivery)
        self._started = False
        self._mtproxies: list[MTProxyServer] = []

    def _make_world(self, dcs: int, random: Callable[[int], bytes]) -> WorldAPI:
        from tgfleet.sandbox.world import World

        return World(api_id=self.api_id, api_hash=self.api_hash, dcs=dcs, clock=self.now, random=random)

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
        if self._started:
            return
        self._started = True
        try:
            for (dc_id, state), port in zip(self._dcs.items(), self._ports, strict=True):
                stream = partial(Stream, partial(self._on_connect, state), self._ctx.read_buffer, PRE_AUTH_READ)
                server = await asyncio.get_running_loop().create_server(
                    stream, self.host, port, backlog=self.limits.listen_backlog
                )
                state.server = server
                bound = server.sockets[0].getsockname()[1]
                state.address = DcAddress(dc_id, self.host, bound)
        except BaseException:
            await self.stop()
            raise
        log.info("sandbox listening: %s", ", ".join(f"dc{a.dc_id}={a.host}:{a.port}" for a in self.dc_addresses))

    async def stop(self) -> None:
        """Close the listeners and every connection; end every task the sandbox started."""
        for proxy in self._mtproxies:
            await proxy.stop()
        self._mtproxies.clear()
        for state in self._dcs.values():
            if state.server is not None:
                state.server.close()
        for state in self._dcs.values():
            for conn in list(state.connections):
                conn.abort()
        tasks = [t for t in self._ctx.tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for state in self._dcs.values():
            if state.server is not None:
                await state.server.wait_closed()
                state.server = None
        self._started = False

    def _on_connect(self, dc: DcState, stream: Stream) -> None:
        """A new connection: admitted (making room in the lobby if needed) and served by a task of its own."""
        full = len(dc.connections) >= self.limits.max_connections_per_dc
        if not self._started or (full and not dc.lobby.evict_oldest()):
            log.info("dc%d: refusing a connection (%d open, all authenticated)", dc.dc_id, len(dc.connections))
            stream.abort()
            return
        conn = ServerConnection(self._ctx, dc, stream)
        dc.connections.add(conn)
        dc.lobby.enter(conn)
        self._ctx.track(asyncio.create_task(conn.run()))

    async def start_mtproxy(self, secret: str | bytes, *, port: int = 0) -> MTProxyServer:
        """One more listener: an MTProxy for ``secret`` (plain, ``dd`` or ``ee``; hex, base64 or bytes) in
        front of the DCs; ``stop()`` closes it. Clients use its ``link`` or ``proxy`` (``sandbox/mtproxy.py``)."""
        from tgfleet.sandbox.mtproxy import MTProxyServer

        if not self._started:
            raise RuntimeError("start the sandbox before its MTProxy")
        proxy = MTProxyServer(
            secret, self._dc_address, host=self.host, port=port, clock=self.clock, random=self._random
        )
        await proxy.start()
        self._mtproxies.append(proxy)
        return proxy

    def _dc_address(self, dc_id: int) -> DcAddress | None:
        state = self._dcs.get(dc_id)
        return state.address if state is not None else None

    # --- what clients need -----------------------------------------------------------------------
    def now(self) -> float:
        """The server clock (the injected clock plus any skew)."""
        return self.clock() + self._faults.skew

    @property
    def dc_addresses(self) -> tuple[DcAddress, ...]:
        """The listeners, one per DC (after ``start``)."""
        addresses = tuple(s.address for s in self._dcs.values() if s.address is not None)
        if len(addresses) != len(self._dcs):
            raise RuntimeError("the sandbox is not started")
        return addresses

    @property
    def network(self) -> Network:
        """Where this sandbox is, for clients: its listeners and its public key (``name="sandbox"``)."""
        return Network(self.dc_addresses, (self._rsa.public,), False, self.default_dc, "sandbox")

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

    def permanent_keys(self) -> list[tuple[int, bytes]]:
        """``(dc, auth_key)`` of every permanent key: what a standalone sandbox keeps across restarts."""
        return [(dc, k.auth_key.key) for dc, s in self._dcs.items() for k in s.keys.all() if k.expires_at is None]

    def restore_key(self, dc: int, auth_key: bytes) -> None:
        """Know ``auth_key`` on ``dc`` again (its salt is new: the client gets bad_server_salt once)."""
        salt = int.from_bytes(self._random(8), "little", signed=True)
        self._dcs[dc].keys.add(auth_key, salt, self.now())

    def stats(self) -> dict[str, Any]:
        """Counts for tests and dashboards: connections (and the unauthenticated ones, and the bytes they hold
        buffered), keys and sessions per DC, server tasks."""
        return {
            "connections": {d: len(s.connections) for d, s in self._dcs.items()},
            "unauthenticated": {d: len(s.lobby) for d, s in self._dcs.items()},
            "unauthenticated_bytes": {d: s.lobby.bytes for d, s in self._dcs.items()},
            "auth_keys": {d: len(s.keys) for d, s in self._dcs.items()},
            "sessions": {d: sum(len(k.sessions) for k in s.keys.all()) for d, s in self._dcs.items()},
            "tasks": len(self._ctx.tasks),
        }
