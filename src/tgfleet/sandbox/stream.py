"""A client connection's socket as the sandbox reads and writes it: an ``asyncio.BufferedProtocol``.

Reads are bounded by ``read_size`` (the connection sets it: small until it is authenticated) and land in a
buffer shared by the server's streams, from which each read is copied out at once (asyncio calls
``get_buffer`` and ``buffer_updated`` back to back, in every event loop); reading pauses while ``read_size``
bytes wait to be handled. So a connection holds at most about twice ``read_size`` of unread input, whatever
its peer sends. (asyncio's ``StreamReader`` reads 256 KiB per ``recv`` and buffers up to twice its limit before
pausing: hundreds of hostile connections pushing data made the sandbox allocate hundreds of MiB, which the C
allocator then kept.) Writes go straight to the transport, ``drain`` waiting while its buffer is above the
high-water mark.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast


class Stream(asyncio.BufferedProtocol):
    """One accepted socket; ``on_open(stream)`` is called once it is connected. ``buffer``: the read buffer
    (shared; at least ``read_size`` bytes). ``arrivals``: numbers the moments bytes arrive, in order, across all
    the streams that share it (what ``arrival`` reports)."""

    def __init__(
        self, on_open: Callable[[Stream], None], buffer: bytearray, read_size: int, arrivals: Callable[[], int]
    ) -> None:
        self.read_size = read_size
        self._arrivals = arrivals
        self.arrival = 0
        """When the oldest bytes of the last :meth:`read` arrived (an ``arrivals`` number): bytes handled late
        can be told from bytes that arrived late."""
        self._pending_arrival = 0
        """Bytes read at most per ``recv``, and held unread at most before reading pauses."""
        self._on_open = on_open
        self._buffer = memoryview(buffer)
        self._transport: asyncio.Transport | None = None
        self._chunks: list[bytes] = []
        self._unread = 0
        self._eof = False
        self._paused = False
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    # --- asyncio.BufferedProtocol ----------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)
        self._on_open(self)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer[: self.read_size]

    def buffer_updated(self, nbytes: int) -> None:
        if not self._chunks:
            self._pending_arrival = self._arrivals()
        self._chunks.append(bytes(self._buffer[:nbytes]))
        self._unread += nbytes
        if self._unread >= self.read_size and not self._paused and self._transport is not None:
            self._paused = True
            self._transport.pause_reading()
        _wake(self._readable)

    def eof_received(self) -> bool:
        self._eof = True
        _wake(self._readable)
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        _wake(self._readable)
        _wake(self._writable)

    def pause_writing(self) -> None:
        if self._writable is None:
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        _wake(self._writable)
        self._writable = None

    # --- for the connection ----------------------------------------------------------------------
    async def read(self) -> bytes | None:
        """Everything received and not read yet, or None once the peer has closed (or the connection was lost)."""
        while not self._chunks:
            if self._eof:
                return None
            self._readable = asyncio.get_running_loop().create_future()
            try:
                await self._readable
            finally:
                self._readable = None
        chunks, self._chunks, self._unread = self._chunks, [], 0
        self.arrival = self._pending_arrival
        if self._paused and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def write(self, data: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    async def drain(self) -> None:
        """Wait while the transport's write buffer is above its high-water mark."""
        if self._writable is not None:
            await self._writable
        if self.is_closing():
            raise ConnectionResetError("connection lost")

    def close(self) -> None:
        """Close once what was written is sent."""
        if self._transport is not None:
            self._transport.close()

    def abort(self) -> None:
        """Close now, discarding what was not sent yet."""
        if self._transport is not None and not self._transport.is_closing():
            self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport is None or self._transport.is_closing()

    @property
    def peer_closed(self) -> bool:
        """The peer closed its side (or the connection was lost): what is still unread is all there will be."""
        return self._eof

    def peer(self) -> Any:
        return None if self._transport is None else self._transport.get_extra_info("peername")


def _wake(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)
