"""Hostile connections against one sandbox DC, for the hostile-load tests and ``benchmarks/hostile.py``.

:class:`Attack` keeps ``count`` connections of mixed kinds open against a loopback address: each one does
its kind of harm, and when the server closes it, it reconnects, until :meth:`Attack.stop`. The kinds
(:data:`KINDS`): random bytes, slowloris (one byte every ``trickle`` seconds), maximum-size unfinished
frames, handshake floods (req_pq_multi after req_pq_multi), half-finished key exchanges (req_DH_params, then
silence), random auth_key_ids, and connections that never send. Loopback only; every wait is bounded and
everything stops with :meth:`Attack.stop`.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tgfleet.crypto.rsa import RsaPublicKey
from tgfleet.errors import TgfleetError
from tgfleet.mtproto.handshake import ClientHandshake
from tgfleet.mtproto.plain import pack_plain
from tgfleet.mtproto.transport import Intermediate, Packet
from tgfleet.net.timeouts import within
from tgfleet.tl import mtproto as mt

TAG = Intermediate.TAG
LONG = 3600.0
"""How long an attacker waits for the server to close it (stop() ends it sooner)."""


def frame(payload: bytes) -> bytes:
    """One intermediate frame."""
    return len(payload).to_bytes(4, "little") + payload


def req_pq() -> bytes:
    return pack_plain((int(time.time()) << 32) | 4, mt.ReqPqMulti(nonce=os.urandom(16)).to_bytes())


@dataclass
class Target:
    """Where and how hard: the DC's address, its public key (for half-finished key exchanges), the largest
    frame it accepts, and the pace of the slowloris connections."""

    host: str
    port: int
    dc_id: int
    public_key: RsaPublicKey
    max_packet: int
    trickle: float = 8.0
    pause: float = 0.1
    """Seconds an attacker waits before it reconnects."""
    hold: float = LONG
    """Seconds an attacker that has done its harm waits for the server to close it before it hangs up."""


class Line:
    """One hostile TCP connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: Target) -> None:
        self.reader, self.writer, self.target = reader, writer, target

    async def closed(self, timeout: float | None = None) -> bool:
        """Read (and drop) whatever comes until the server closes; False if ``timeout`` (default: the
        target's ``hold``) passed first."""
        timeout = self.target.hold if timeout is None else timeout
        try:
            while await within(self.reader.read(1 << 16), timeout):
                pass
        except asyncio.TimeoutError:
            return False
        return True

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


async def random_bytes(line: Line) -> None:
    await line.send(os.urandom(64 + os.urandom(1)[0] * 16))
    await line.closed()


async def slowloris(line: Line) -> None:
    """A plausible handshake stream, one byte every ``trickle`` seconds, for as long as the server lets it."""
    stream = TAG + b"".join(frame(req_pq()) for _ in range(64))
    for i in range(len(stream)):
        await line.send(stream[i : i + 1])
        if await line.closed(line.target.trickle):
            return


ZEROS = bytes(1 << 16)


async def max_frame(line: Line) -> None:
    """A length field of the largest frame the server takes, then all of it but the last bytes, then silence."""
    size = line.target.max_packet // 4 * 4
    await line.send(TAG + size.to_bytes(4, "little"))
    left = size - 4
    while left > 0:
        await line.send(ZEROS[: min(left, len(ZEROS))])
        left -= len(ZEROS)
    await line.closed()


async def handshake_flood(line: Line) -> None:
    """req_pq_multi after req_pq_multi (the server answers each with resPQ) until it closes the connection."""
    await line.send(TAG)
    for _ in range(64):
        await line.send(frame(req_pq()))
    await line.closed()


async def half_handshake(line: Line) -> None:
    """A key exchange up to req_DH_params (the server's RSA and DH work), then silence."""
    target = line.target
    codec = Intermediate()
    handshake = ClientHandshake(target.dc_id, [target.public_key])
    await line.send(codec.encode(handshake.start(time.time())))
    while True:
        data = await within(line.reader.read(1 << 16), target.hold)
        if not data:
            return
        packets = [e.payload for e in codec.feed(data) if isinstance(e, Packet)]
        if packets:
            break
    step = handshake.receive(packets[0], time.time())  # req_DH_params
    assert isinstance(step, bytes)
    await line.send(codec.encode(step))
    await line.closed()


async def random_key(line: Line) -> None:
    """Encrypted-looking messages under an auth_key_id the server has never seen."""
    await line.send(TAG + frame(os.urandom(24 + 16 * (1 + os.urandom(1)[0] % 32))))
    await line.closed()


async def silent(line: Line) -> None:
    await line.closed()


KINDS: dict[str, Callable[[Line], Awaitable[None]]] = {
    "random bytes": random_bytes,
    "slowloris": slowloris,
    "max-size frame": max_frame,
    "req_pq flood": handshake_flood,
    "half key exchange": half_handshake,
    "random auth_key_id": random_key,
    "never sends": silent,
}


class Attack:
    """``count`` hostile connections, the kinds taken in turn; each reconnects when the server closes it.

    ``outcomes`` counts, per kind, how connections ended: ``ended`` (closed by the server, or hung up after
    ``hold``), ``reset``, ``refused`` (no connection), ``failed`` (a protocol error on our side, e.g. a key
    exchange the server cut short), ``open at stop``.
    """

    def __init__(self, target: Target, count: int, kinds: dict[str, Callable[[Line], Awaitable[None]]] = KINDS):
        self.target = target
        self.count = count
        self.kinds = list(kinds.items())
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self.open = 0
        """Connections open right now."""
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._connected = 0
        self._all_connected = asyncio.Event()

    async def start(self) -> None:
        """Start every attacker and wait (bounded) until each has been connected once."""
        self._tasks = [asyncio.create_task(self._attacker(*self.kinds[i % len(self.kinds)])) for i in range(self.count)]
        await within(self._all_connected.wait(), 60.0)

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def ended(self) -> int:
        """Connections that ended (closed, hung up or reset)."""
        return sum(n for (_, how), n in self.outcomes.items() if how in ("ended", "reset"))

    async def _attacker(self, kind: str, run: Callable[[Line], Awaitable[None]]) -> None:
        first = True
        while not self._stop.is_set():
            try:  # loopback: connected or refused at once (and a cancelled connect closes its socket)
                reader, writer = await asyncio.open_connection(self.target.host, self.target.port)
            except OSError:
                self.outcomes[kind, "refused"] += 1
                await self._pause()
                continue
            if first:
                first = False
                self._connected += 1
                if self._connected == self.count:
                    self._all_connected.set()
            self.open += 1
            try:
                await run(Line(reader, writer, self.target))
                self.outcomes[kind, "ended"] += 1
            except (ConnectionError, OSError):
                self.outcomes[kind, "reset"] += 1
            except (TgfleetError, AssertionError, asyncio.TimeoutError):
                self.outcomes[kind, "failed"] += 1
            except asyncio.CancelledError:
                self.outcomes[kind, "open at stop"] += 1
                raise
            finally:
                self.open -= 1
                writer.transport.abort()
            await self._pause()

    async def _pause(self) -> None:
        """``target.pause`` before reconnecting (less if stopped)."""
        try:
            await within(self._stop.wait(), self.target.pause)
        except asyncio.TimeoutError:
            pass
