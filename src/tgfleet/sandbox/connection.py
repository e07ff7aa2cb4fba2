"""``ServerConnection``: the sandbox's end of one client connection, the IO around the sans-IO core.

(The client's end of a connection is ``tgfleet.net.connection.Connection``.)

Reads its ``Stream`` into a ``ServerTransport`` (detects abridged / intermediate / padded / full /
obfuscated2), hands each packet to ``inbound`` (handshake or encrypted session), and writes answers
through its ``Outbox`` (the DC's latency and freeze faults), created with the first answer.

A connection is *unauthenticated* until its first valid encrypted message (``authenticated``); until then it
is in its DC's lobby (``lobby.py``: bounded count and buffered bytes, the oldest closed to make room), may send
only ``Limits.max_unauthenticated_packet``-byte frames (larger ones only under an auth_key_id the DC knows),
and must get there within ``handshake_timeout`` of accept: a deadline that trickled bytes do not extend.

Everything is bounded: packets by ``Limits.max_packet``; a frame's arrival by ``frame_timeout`` from its
first byte; bytes queued for a client that does not read by ``max_outgoing_bytes`` (then the connection is
dropped); silence after authentication by ``idle_timeout``; ``ping_delay_disconnect`` closes the connection
when its delay passes without another one. A malformed or hostile connection is logged (logger
``tgfleet.sandbox``) and closed; nothing it sends reaches another connection.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tgfleet.errors import PacketTooLarge, TransportError
from tgfleet.mtproto.handshake import ServerHandshake
from tgfleet.mtproto.transport import Obfuscated, Packet, PaddedIntermediate, ServerTransport
from tgfleet.sandbox import inbound
from tgfleet.sandbox.context import READ_SIZE, DcState, ServerContext
from tgfleet.sandbox.outbox import Outbox
from tgfleet.sandbox.stream import Stream

log = logging.getLogger("tgfleet.sandbox")

PRE_AUTH_READ = 448
"""Bytes read at a time before authentication (``READ_SIZE`` after). A key-exchange message takes one or two
reads, and what a hostile connection makes the server allocate stays within CPython's small-object allocator
(up to 512 bytes), whose arenas go back to the OS when empty: blocks from the C heap, interleaved with the
objects of thousands of short-lived connections, were not given back (tens of MB stayed after a flood)."""
LINGER = 5.0
"""Seconds a closing connection may take to deliver its last frame (a transport error code)."""


class ServerConnection:
    """The server's end of one client connection to one DC."""

    def __init__(self, ctx: ServerContext, dc: DcState, stream: Stream, *, media: bool = False) -> None:
        self.ctx = ctx
        self.dc = dc
        self.media = media
        """Accepted on the DC's media listener (``listeners.py``): exempt from AUTH_KEY_DUPLICATED."""
        self._stream = stream
        self._loop = asyncio.get_running_loop()
        limits = ctx.limits
        self.transport = ServerTransport(
            max_packet=limits.max_packet,
            random=ctx.random,
            pre_auth_packet=limits.max_unauthenticated_packet,
            known_key=dc.keys.__contains__,
        )
        self.peer = _peer(stream.peer())
        self.closed = False
        self.stopping = False
        """No more packets are handled; queued frames still go out, then the connection closes."""
        self.handshake: ServerHandshake | None = None
        self.plain_packets = 0
        self.encrypted = False
        """Sent a valid encrypted message (see :meth:`authenticated`)."""
        self.keys_seen: set[int] = set()
        self.drop_after = dc.faults.drop_after
        self._outbox: Outbox | None = None
        """Created with the first frame queued, and its writer task with it."""
        self._writer_task: asyncio.Task[None] | None = None
        self._accepted = self._last_read = self._loop.time()
        self._frame_began: float | None = None
        """When the partial frame now buffered started to arrive (None: nothing buffered)."""
        self._timer: asyncio.TimerHandle | None = None
        self._ping_timer: asyncio.TimerHandle | None = None

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<ServerConnection dc{self.dc.dc_id} {self.peer} {state}>"

    @property
    def open(self) -> bool:
        """Can still carry the client's packets: not closed or closing here, and not closed by the client."""
        return not (self.closed or self.stopping or self._stream.peer_closed)

    @property
    def arrival(self) -> int:
        """When the bytes being handled arrived (``Stream.arrival``, numbered across the server)."""
        return self._stream.arrival

    @property
    def padded(self) -> bool:
        codec = self.transport.codec
        inner = codec.inner if isinstance(codec, Obfuscated) else codec
        return isinstance(inner, PaddedIntermediate)

    # --- lifecycle -------------------------------------------------------------------------------
    async def run(self) -> None:
        """Serve the connection until it closes; never raises (but CancelledError)."""
        self._arm()
        try:
            await self._read_loop()
            if self.stopping and not self.closed and self._writer_task is not None:
                await asyncio.wait({self._writer_task}, timeout=LINGER)  # its last frames, then it closes
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
            data = await self._stream.read()
            if data is None:
                return
            self.transport.receive_data(data)
            while not (self.closed or self.stopping):
                try:
                    event = self.transport.next_event()
                except PacketTooLarge as e:
                    self.fail(-404, str(e))
                    return
                if event is None:
                    break
                if isinstance(event, Packet):
                    self._frame_began = None
                    handshaking = not self.encrypted
                    await inbound.handle(self, event)
                    self._count_packet()
                    if handshaking:
                        await asyncio.sleep(0)  # one handshake step at a time: floods queue behind everyone
            self._received()

    def _received(self) -> None:
        """After a read is handled: track the partial frame it left, the lobby's bytes and the deadlines."""
        now = self._last_read = self._loop.time()
        buffered = self.transport.buffered
        if not buffered:
            self._frame_began = None
        elif self._frame_began is None:
            self._frame_began = now
        if not self.encrypted:
            self.dc.lobby.hold(self, buffered)
        self._arm()

    def authenticated(self) -> None:
        """The first valid encrypted message: leave the lobby, frames up to ``max_packet``, idle timeout."""
        if not self.encrypted:
            self.encrypted = True
            self.transport.authenticated()
            self._stream.read_size = READ_SIZE
            self.dc.lobby.leave(self)

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
        if self._outbox is not None:
            self._outbox.clear()
        for timer in (self._timer, self._ping_timer):
            if timer is not None:
                timer.cancel()
        task = self._writer_task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
        self._stream.abort()
        self.dc.connections.discard(self)
        self.dc.lobby.leave(self)

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
        outbox = self._outbox
        if outbox is None:
            outbox = self._outbox = Outbox(self._stream, self.dc.faults)
            self._writer_task = asyncio.create_task(self._write_loop(outbox))
            self.ctx.track(self._writer_task)
        outbox.put(frame)
        if outbox.bytes > self.ctx.limits.max_outgoing_bytes:
            self.abort(f"client does not read ({outbox.bytes} bytes queued)")

    async def _write_loop(self, outbox: Outbox) -> None:
        try:
            await outbox.run()
        except (OSError, RuntimeError) as e:
            log.debug("dc%d %s: write failed: %r", self.dc.dc_id, self.peer, e)
            self.abort()

    # --- timers ----------------------------------------------------------------------------------
    def _deadline(self) -> tuple[float, str]:
        """When the connection is closed unless something happens first, and why."""
        limits = self.ctx.limits
        if self.encrypted:
            at, why = self._last_read + limits.idle_timeout, "idle timeout"
        else:
            at, why = self._accepted + limits.handshake_timeout, "no valid encrypted message in the handshake timeout"
        began = self._frame_began
        if began is not None and began + limits.frame_timeout < at:
            at, why = began + limits.frame_timeout, "a frame did not arrive whole in the frame timeout"
        return at, why

    def _arm(self) -> None:
        """Have the timer fire by the deadline (one that moved later is found lazily when it fires)."""
        if self.closed:
            return
        at, _ = self._deadline()
        timer = self._timer
        if timer is None or at < timer.when():
            if timer is not None:
                timer.cancel()
            self._timer = self._loop.call_at(at, self._expire)

    def _expire(self) -> None:
        self._timer = None
        if self.closed:
            return
        at, why = self._deadline()
        if self._loop.time() >= at:
            self.abort(why)
        else:
            self._timer = self._loop.call_at(at, self._expire)

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
