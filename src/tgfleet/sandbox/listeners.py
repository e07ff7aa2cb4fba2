"""``Listeners``: the sandbox's asyncio server of each DC and the connections they accept.

A new connection is a :class:`~tgfleet.sandbox.connection.ServerConnection` reading a
:class:`~tgfleet.sandbox.stream.Stream`, admitted through its DC's :class:`~tgfleet.sandbox.lobby.Lobby` (a
connection beyond ``Limits.max_connections_per_dc`` closes the oldest unauthenticated one, or is refused when
there is none) and served by a task of its own. ``stop`` closes the listeners and every connection and ends
every task the server started. Each DC also has a media listener (an ephemeral port, Telegram's ``media_only``
address): its connections are the DC's like any other, except that a key used on them alongside the key's main
connection is no AUTH_KEY_DUPLICATED offence (``duplicate_keys.py``): clients download and upload on media
connections with the key of their main one, as Telegram's apps do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from functools import partial

from tgfleet.net import DcAddress
from tgfleet.sandbox.connection import PRE_AUTH_READ, ServerConnection
from tgfleet.sandbox.context import DcState, ServerContext
from tgfleet.sandbox.stream import Stream

log = logging.getLogger("tgfleet.sandbox")


class Listeners:
    """One listener per DC of ``dcs`` on ``host``, at ``ports`` (0: ephemeral), serving with ``ctx``."""

    def __init__(self, dcs: Mapping[int, DcState], ctx: ServerContext, host: str, ports: Sequence[int]) -> None:
        self._dcs = dcs
        self._ctx = ctx
        self._host = host
        self._ports = list(ports)
        self._servers: dict[tuple[int, bool], asyncio.Server] = {}
        self._addresses: dict[tuple[int, bool], DcAddress] = {}
        self.listening = False

    async def start(self) -> None:
        """Open one listener per DC (closing what was opened if one fails)."""
        if self.listening:
            return
        self.listening = True
        loop = asyncio.get_running_loop()
        try:
            for (dc_id, state), port in zip(self._dcs.items(), self._ports, strict=True):
                for media in (False, True):
                    on_open = partial(self._on_connect, state, media)
                    arrival = self._ctx.arrivals.__next__
                    stream = partial(Stream, on_open, self._ctx.read_buffer, PRE_AUTH_READ, arrival)
                    backlog = self._ctx.limits.listen_backlog
                    server = await loop.create_server(stream, self._host, 0 if media else port, backlog=backlog)
                    self._servers[dc_id, media] = server
                    bound = server.sockets[0].getsockname()[1]
                    self._addresses[dc_id, media] = DcAddress(dc_id, self._host, bound, media=media)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Close the listeners and every connection; end every task the server started."""
        for server in self._servers.values():
            server.close()
        for state in self._dcs.values():
            for conn in list(state.connections):
                conn.abort()
        tasks = [t for t in self._ctx.tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in self._servers.values():
            await server.wait_closed()
        self._servers.clear()
        self.listening = False

    def address(self, dc_id: int) -> DcAddress | None:
        """Where DC ``dc_id`` listens (``None``: no such DC, or not started)."""
        return self._addresses.get((dc_id, False))

    def addresses(self, *, media: bool = False) -> tuple[DcAddress, ...]:
        """Every DC's listener (or media listener), in DC order (RuntimeError before ``start``)."""
        if len(self._addresses) != 2 * len(self._dcs):
            raise RuntimeError("the sandbox is not started")
        return tuple(self._addresses[dc, media] for dc in self._dcs)

    def _on_connect(self, dc: DcState, media: bool, stream: Stream) -> None:
        """A new connection: admitted (making room in the lobby if needed) and served by a task of its own."""
        full = len(dc.connections) >= self._ctx.limits.max_connections_per_dc
        if not self.listening or (full and not dc.lobby.evict_oldest()):
            log.info("dc%d: refusing a connection (%d open, all authenticated)", dc.dc_id, len(dc.connections))
            stream.abort()
            return
        conn = ServerConnection(self._ctx, dc, stream, media=media)
        dc.connections.add(conn)
        dc.lobby.enter(conn)
        self._ctx.track(asyncio.create_task(conn.run()))
