"""A loopback TCP relay between a client and one sandbox DC that breaks the stream on command, the way a
broken proxy or anything else on the path could: it injects bytes between two of the server's frames
(a forged transport error code), announces a huge frame and then forwards nothing more (a stall), or
swallows what the client sends (``deafen``). It counts every byte the clients send (``from_clients``).

The client must use the abridged or the (padded) intermediate transport without obfuscation: the relay
reads the frames of both sides. ``network`` is a network whose only DC is the relay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.loopback import LoopbackServer
from tgfleet.mtproto.transport import Abridged, Intermediate
from tgfleet.net import DcAddress, Network

EIGHT_MIB = 8 << 20
_FrameReader = Callable[[asyncio.StreamReader, bool], Awaitable[bytes]]


def error_frame(code: int, transport: str = "abridged") -> bytes:
    """A transport error ``code`` framed as the server sends it (four unauthenticated bytes)."""
    framing = Abridged(server=True) if transport == "abridged" else Intermediate(server=True)
    return framing.encode_error(code)


def stall_header(transport: str = "abridged", size: int = EIGHT_MIB) -> bytes:
    """The header of a frame announcing ``size`` bytes (that will never come)."""
    if transport == "abridged":
        return b"\x7f" + (size >> 2).to_bytes(3, "little")
    return size.to_bytes(4, "little")


class _Link:
    """One client connection and its upstream connection."""

    def __init__(self, client: asyncio.StreamWriter) -> None:
        self.client = client
        self.stalled = False  # nothing more from the server reaches the client
        self.deaf = False  # nothing more from the client reaches the server

    def inject(self, data: bytes) -> None:
        # frames are forwarded by one write() each, so these bytes land between two frames
        if not self.client.is_closing():
            self.client.write(data)


class Relay(LoopbackServer):
    """``async with Relay(address) as relay``: listens on ``relay.port``, forwards to ``address``."""

    def __init__(self, upstream: DcAddress) -> None:
        super().__init__()
        self.upstream = upstream
        self.accepted = 0
        """Connections accepted so far."""
        self.on_connect: bytes | None = None
        """Injected into every new connection before anything from the server (None: nothing)."""
        self.from_clients = 0
        """Bytes the clients sent in all: the transport tag and each frame once it has arrived whole (of a
        frame cut short, what arrived of its last part)."""
        self._links: list[_Link] = []
        self._open = 0  # connections being handled
        self._changed = asyncio.Event()  # set whenever a count changes

    def network(self, real: Network) -> Network:
        """``real``'s keys, with the relay as the only DC (the upstream's id)."""
        address = DcAddress(self.upstream.dc_id, "127.0.0.1", self.port)
        return Network((address,), real.public_keys, real.test_mode, self.upstream.dc_id, "relayed")

    def inject(self, data: bytes) -> int:
        """Send ``data`` to every open connection's client, between two server frames. Returns how many."""
        for link in self._links:
            link.inject(data)
        return len(self._links)

    def stall(self, header: bytes) -> int:
        """Every open connection: send ``header``, then forward nothing more from the server. Returns how many."""
        for link in self._links:
            link.inject(header)
            link.stalled = True
        return len(self._links)

    def deafen(self) -> int:
        """Every open connection: forward nothing more from the client (still counted). Returns how many."""
        for link in self._links:
            link.deaf = True
        return len(self._links)

    async def sent(self, more_than: int) -> int:
        """Wait until the clients have sent more than ``more_than`` bytes in all; returns ``from_clients``."""
        await self._until(lambda: self.from_clients > more_than)
        return self.from_clients

    async def closed(self, accepted: int) -> None:
        """Wait until ``accepted`` connections came and every one has ended (all they sent is counted)."""
        await self._until(lambda: self.accepted >= accepted and self._open == 0)

    async def _until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            self._changed.clear()
            await self._changed.wait()

    def _count(self, n: int) -> None:
        self.from_clients += n
        self._changed.set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._open += 1
        self._changed.set()
        try:
            await self._relay(reader, writer)
        finally:
            self._open -= 1
            self._changed.set()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tag = await self._read(reader, 1)
        if tag in (b"\xee", b"\xdd"):
            tag += await self._read(reader, 3)
        elif tag != b"\xef":
            raise AssertionError(f"the relay reads abridged or intermediate frames, not tag {tag.hex()}")
        up_reader, up_writer = await asyncio.open_connection(self.upstream.host, self.upstream.port)
        link = _Link(writer)
        try:
            up_writer.write(tag)
            if self.on_connect is not None:
                link.inject(self.on_connect)
            self._links.append(link)
            read_frame = _abridged_frame if tag == b"\xef" else _intermediate_frame
            await asyncio.gather(
                self._from_client(reader, up_writer, link, read_frame), _frames(up_reader, link, read_frame)
            )
        finally:
            if link in self._links:
                self._links.remove(link)
            up_writer.close()

    async def _read(self, reader: asyncio.StreamReader, n: int) -> bytes:
        try:
            data = await reader.readexactly(n)
        except asyncio.IncompleteReadError as e:
            self._count(len(e.partial))
            raise
        self._count(n)
        return data

    async def _from_client(
        self, reader: asyncio.StreamReader, upstream: asyncio.StreamWriter, link: _Link, read_frame: _FrameReader
    ) -> None:
        """Forward the client's frames whole, counting them, until it closes; a deaf link drops them."""
        try:
            while True:
                try:
                    frame = await read_frame(reader, True)
                except asyncio.IncompleteReadError as e:
                    self._count(len(e.partial))
                    return
                self._count(len(frame))
                if not link.deaf:
                    upstream.write(frame)
                    await upstream.drain()
        finally:
            upstream.close()


async def _frames(reader: asyncio.StreamReader, link: _Link, read_frame: _FrameReader) -> None:
    """Forward the server's frames whole, one write() each, until the link stalls (then drop them)."""
    while True:
        frame = await read_frame(reader, False)
        if not link.stalled:
            link.client.write(frame)
            await link.client.drain()


async def _abridged_frame(reader: asyncio.StreamReader, client: bool = False) -> bytes:
    """One frame; the length's top bit is a quick-ACK token from the server, a quick-ACK request from a client."""
    head = await reader.readexactly(1)
    if head[0] & 0x80 and not client:  # a quick-ACK token: four bytes, no payload
        return head + await reader.readexactly(3)
    if head[0] & 0x7F == 0x7F:
        head += await reader.readexactly(3)
        size = int.from_bytes(head[1:], "little") << 2
    else:
        size = (head[0] & 0x7F) << 2
    return head + await reader.readexactly(size)


async def _intermediate_frame(reader: asyncio.StreamReader, client: bool = False) -> bytes:
    head = await reader.readexactly(4)
    size = int.from_bytes(head, "little")
    if size & 0x80000000:
        if not client:  # a quick-ACK token
            return head
        size &= 0x7FFFFFFF
    return head + await reader.readexactly(size)
