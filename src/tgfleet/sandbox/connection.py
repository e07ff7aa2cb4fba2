"""One client connection of the sandbox: the IO around the sans-IO core.

Reads the socket into a ``ServerTransport`` (detects abridged / intermediate / padded / full /
obfuscated2), hands each packet to ``inbound`` (handshake or encrypted session), and writes answers
through a bounded queue drained by a writer task that applies the DC's latency and freeze faults.

Everything is bounded: packets by ``Limits.max_packet``; bytes queued for a client that does not read by
``max_outgoing_bytes`` (then the connection is dropped); silence by ``handshake_timeout`` until the first
encrypted message and ``idle_timeout`` after it; ``ping_delay_disconnect`` closes the connection when its
delay passes without another one. A malformed or hostile connection is logged (logger
``tgfleet.sandbox``) and closed; nothing it sends reaches another connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from tgfleet.errors import TransportError
from tgfleet.mtproto.handshake import ServerHandshake
from tgfleet.mtproto.transport import Obfuscated, Packet, PaddedIntermediate, ServerTransport
from tgfleet.net.timeouts import within
from tgfleet.sandbox import inbound
from tgfleet.sandbox.context import DcState, ServerContext

log = logging.getLogger("tgfleet.sandbox")

READ_SIZE = 1 << 16
LINGER = 5.0
"""Seconds a closing connection may take to deliver its last frame (a transport error code)."""


class Connection:
    """A client connection to one DC."""

    def __init__(
        self, ctx: ServerContext, dc: DcState, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.ctx = ctx
        self.dc = dc
        self._reader = reader
        self._writer = writer
        self._loop = asyncio.get_running_loop()
        self.transport = ServerTransport(max_packet=ctx.limits.max_packet, random=ctx.random)
        self.peer = _peer(writer.get_extra_info("peername"))
        self.closed = False
        self.stopping = False
        """No more packets are handled; queued frames still go out, then the connection closes."""
        self.handshake: ServerHandshake | None = None
        self.plain_packets = 0
        self.encrypted = False
        self.keys_seen: set[int] = set()
        self.drop_after = dc.faults.drop_after
        self._out: deque[tuple[float, bytes | None]] = deque()
        self._out_bytes = 0
        self._wake = asyncio.Event()
        self._writer_task: asyncio.Task[None] | None = None
        self._deadline = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._ping_timer: asyncio.TimerHandle | None = None

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Connection dc{self.dc.dc_id} {self.peer} {state}>"

    @property
    def padded(self) -> bool:
        codec = self.transport.codec
        inner = codec.inner if isinstance(codec, Obfuscated) else codec
        return isinstance(inner, PaddedIntermediate)

    # --- lifecycle -------------------------------------------------------------------------------
    async def run(self) -> None:
        """Serve the connection until it closes; never raises (but CancelledError)."""
        self._writer_task = asyncio.create_task(self._write_loop())
        self.ctx.track(self._writer_task)
        self._touch()
        try:
            await self._read_loop()
            if self.stopping and not self.closed:
                await within(asyncio.shield(self._writer_task), LINGER)
        except TransportError as e:
            log.info("dc%d %s: closed: %s", self.dc.dc_id, self.peer, e)
        except (OSError, asyncio.TimeoutError) as e:
            log.debug("dc%d %s: %r", self.dc.dc_id, self.peer, e)
        except Exception:
            log.exception("dc%d %s: connection failed", self.dc.dc_id, self.peer)
        finally:
            self.abort()

    async def _read_loop(self) -> None:
        while not (self.closed or self.stopping):
            data = await self._reader.read(READ_SIZE)
            if not data:
                return
            self._touch()
            self.transport.receive_data(data)
            while not (self.closed or self.stopping):
                event = self.transport.next_event()
                if event is None:
                    break
                if isinstance(event, Packet):
                    await inbound.handle(self, event)
                    self._count_packet()
            self._touch()  # again: handling may have taken a while, or moved us past the handshake

    def _count_packet(self) -> None:
        if self.drop_after is not None:
            self.drop_after -= 1
            if self.drop_after <= 0:
                self.abort("drop_after fault")

    def abort(self, reason: str | None = None) -> None:
        """Close now, discarding anything not written yet."""
        if self.closed:
            return
        self.closed = True
        if reason:
            log.info("dc%d %s: closed: %s", self.dc.dc_id, self.peer, reason)
        self._out.clear()
        self._out_bytes = 0
        for timer in (self._timer, self._ping_timer):
            if timer is not None:
                timer.cancel()
        task = self._writer_task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
        if not self._writer.transport.is_closing():
            self._writer.transport.abort()
        self.dc.connections.discard(self)

    def fail(self, code: int, reason: str) -> None:
        """Send transport error ``code`` (-404, -429, -444), then close; handle no more packets."""
        if self.closed or self.stopping:
            return
        log.info("dc%d %s: transport error %d: %s", self.dc.dc_id, self.peer, code, reason)
        if self.transport.codec is not None:
            self._enqueue(self.transport.encode_error(code))
        self.stopping = True
        self._enqueue(None)

    # --- outgoing --------------------------------------------------------------------------------
    def send(self, payload: bytes) -> None:
        """Frame and queue one MTProto payload (framing now keeps obfuscation streams in order)."""
        if not (self.closed or self.stopping):
            self._enqueue(self.transport.encode(payload))

    def send_quick_ack(self, token: int) -> None:
        if not (self.closed or self.stopping):
            self._enqueue(self.transport.encode_quick_ack(token))

    def _enqueue(self, frame: bytes | None) -> None:
        if self.closed:
            return
        self._out.append((self._loop.time() + self.dc.faults.latency, frame))
        self._wake.set()
        if frame is not None:
            self._out_bytes += len(frame)
            if self._out_bytes > self.ctx.limits.max_outgoing_bytes:
                self.abort(f"client does not read ({self._out_bytes} bytes queued)")

    async def _write_loop(self) -> None:
        try:
            await self._drain_queue()
        except (OSError, RuntimeError) as e:
            log.debug("dc%d %s: write failed: %r", self.dc.dc_id, self.peer, e)
            self.abort()

    async def _drain_queue(self) -> None:
        faults = self.dc.faults
        while True:
            if not self._out:
                self._wake.clear()
                await self._wake.wait()
                continue
            delay = self._out[0][0] - self._loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            if faults.frozen:
                await faults.thawed.wait()
                continue
            while self._out and self._out[0][0] <= self._loop.time():
                _, frame = self._out.popleft()
                if frame is None:
                    self._writer.close()
                    return
                self._out_bytes -= len(frame)
                self._writer.write(frame)
            await self._writer.drain()

    # --- timers ----------------------------------------------------------------------------------
    def _touch(self) -> None:
        """Incoming activity: push the silence deadline back (the timer re-arms itself lazily)."""
        limits = self.ctx.limits
        self._deadline = self._loop.time() + (limits.idle_timeout if self.encrypted else limits.handshake_timeout)
        if self._timer is None and not self.closed:
            self._timer = self._loop.call_at(self._deadline, self._check_silence)

    def _check_silence(self) -> None:
        self._timer = None
        if self.closed:
            return
        if self._loop.time() >= self._deadline:
            phase = "idle" if self.encrypted else "handshake"
            self.abort(f"{phase} timeout")
        else:
            self._timer = self._loop.call_at(self._deadline, self._check_silence)

    def ping_delay_disconnect(self, delay: float) -> None:
        """ping_delay_disconnect: close ``delay`` seconds from now unless another one comes first."""
        if self._ping_timer is not None:
            self._ping_timer.cancel()
        if not self.closed:
            self._ping_timer = self._loop.call_later(delay, self.abort, "ping_delay_disconnect expired")


def _peer(info: Any) -> str:
    if isinstance(info, tuple) and len(info) >= 2:
        return f"{info[0]}:{info[1]}"
    return str(info)
