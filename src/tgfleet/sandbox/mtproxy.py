"""``MTProxyServer``: the sandbox as an MTProxy (https://core.telegram.org/proxy), for tests and for users.

One extra loopback listener that accepts one secret, of any of the three kinds
(https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation):

- 16 bytes or ``dd`` + 16: the connection starts with an obfuscated2 header whose keys mix in the secret;
- ``ee`` + 16 + domain: first a fake-TLS ClientHello signed with the secret (checked: HMAC, time, SNI), answered
  by a ServerHello-shaped reply signed as real MTProxy servers sign it; then the obfuscated2 stream in TLS
  application-data records (``mtproto.transport.faketls``).

The header names the target DC (negative: media; +10000: test DC; the sandbox has one listener per DC, so
both map to it). The proxy then opens a plain connection to that DC's listener, sends the inner protocol's
tag (abridged, intermediate or padded intermediate) and relays the bytes both ways, decrypting and
re-encrypting, without parsing frames. A wrong secret (an unknown protocol tag, a bad HMAC), a malformed
hello, an unknown DC or a handshake slower than ``handshake_timeout`` closes the connection at once, as real
proxies do; the client reports that as ``ProxyError``. Nothing is logged of the secret.

::

    async with Sandbox(dcs=2) as tg:
        proxy = await tg.start_mtproxy("ee" + key.hex() + b"example.com".hex())
        client = Client(..., network=tg.network, proxy=proxy.link)
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from typing import NamedTuple

from tgfleet.crypto.aes import AesCtr
from tgfleet.errors import TransportError
from tgfleet.mtproto.transport.faketls import DEFAULT_MAX_SKEW, check_client_hello, client_hello_size, server_hello
from tgfleet.mtproto.transport.obfuscated import BY_TAG, HEADER_SIZE, accept_header
from tgfleet.mtproto.transport.tlsrecords import TlsRecords
from tgfleet.net import DcAddress
from tgfleet.net.proxy import MTProxy, parse_mtproxy_secret
from tgfleet.net.timeouts import within

log = logging.getLogger("tgfleet.sandbox")
READ_SIZE = 1 << 16
_REJECTED = (TransportError, OSError, asyncio.IncompleteReadError, asyncio.TimeoutError)


class _Relay(NamedTuple):
    """An accepted client: the streams of its obfuscated2 header, its TLS records (ee) and the DC's socket."""

    decrypt: AesCtr
    encrypt: AesCtr
    records: TlsRecords | None
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


class MTProxyServer:
    """An MTProxy in front of the DCs that ``resolve(dc_id)`` names (None: no such DC).

    ``secret``: raw bytes, hex or base64, in any of the three kinds. ``start()`` / ``stop()`` (the sandbox
    calls them: ``Sandbox.start_mtproxy``); ``proxy`` / ``link`` say how clients reach it.
    """

    def __init__(
        self,
        secret: str | bytes,
        resolve: Callable[[int], DcAddress | None],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        handshake_timeout: float = 10.0,
        max_skew: float = DEFAULT_MAX_SKEW,
        max_connections: int = 1024,
        clock: Callable[[], float] = time.time,
        random: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._key, self._padded, self._domain = parse_mtproxy_secret(secret)
        self._resolve = resolve
        self.host = host
        self._port = port
        self.handshake_timeout = handshake_timeout
        self.max_skew = max_skew
        self.max_connections = max_connections
        self._clock = clock
        self._random = random
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.relayed = 0
        """Connections that passed the handshake and reached a DC."""
        self.rejected = 0
        """Connections closed during the handshake (wrong secret, malformed hello, unknown DC, too slow)."""

    # --- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, self.host, self._port)
            self._port = int(self._server.sockets[0].getsockname()[1])
            log.info("mtproxy listening on %s:%d (%s secret)", self.host, self._port, self.proxy.kind)

    async def stop(self) -> None:
        """Close the listener and every relayed connection."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    @property
    def proxy(self) -> MTProxy:
        """How a client reaches this proxy (``Client(proxy=server.proxy)``)."""
        return MTProxy(self.host, self._port, self._key, self._padded, self._domain)

    @property
    def link(self) -> str:
        """``tg://proxy?server=...&port=...&secret=...`` (it carries the secret)."""
        return self.proxy.link

    # --- one connection --------------------------------------------------------------------------
    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is None or self._server is None or len(self._tasks) >= self.max_connections:
            writer.transport.abort()
            return
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:
            writer.transport.abort()  # stop(): end normally (asyncio < 3.12 logs a cancelled callback task)
        finally:
            self._tasks.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            relay = await within(self._handshake(reader, writer), self.handshake_timeout)
        except _REJECTED as e:
            self.rejected += 1
            log.info("mtproxy: closed a connection at its handshake: %s", str(e) or "timed out")
            writer.transport.abort()
            return
        self.relayed += 1
        try:
            await self._relay(reader, writer, relay)
        finally:
            relay.writer.close()  # flushes what was relayed, then closes
            writer.close()

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> _Relay:
        records = None
        if self._domain is not None:
            records = await self._tls_hello(reader, writer)
            header = await _read_records(reader, records, HEADER_SIZE)
        else:
            header = await reader.readexactly(HEADER_SIZE)
        accepted = accept_header(header[:HEADER_SIZE], self._key)  # a wrong secret gives an unknown tag
        address = self._resolve(_dc_number(accepted.dc_id))
        if address is None:
            raise TransportError(f"mtproxy: the header asks for DC {accepted.dc_id}, which the sandbox lacks")
        up_reader, up_writer = await asyncio.open_connection(address.host, address.port)
        up_writer.write(BY_TAG[accepted.tag].TAG + accepted.decrypt.update(header[HEADER_SIZE:]))
        return _Relay(accepted.decrypt, accepted.encrypt, records, up_reader, up_writer)

    async def _tls_hello(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> TlsRecords:
        assert self._domain is not None
        head = await reader.readexactly(5)
        size = client_hello_size(head)
        assert size is not None
        hello = head + await reader.readexactly(size - 5)
        info = check_client_hello(self._key, hello, now=self._clock(), max_skew=self.max_skew, domain=self._domain)
        writer.write(server_hello(self._key, info, random=self._random))
        return TlsRecords(server=True)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, relay: _Relay) -> None:
        records = relay.records

        def upstream(data: bytes) -> bytes:
            return relay.decrypt.update(records.unwrap(data) if records is not None else data)

        def downstream(data: bytes) -> bytes:
            encrypted = relay.encrypt.update(data)
            return records.wrap(encrypted) if records is not None else encrypted

        pumps = [
            asyncio.ensure_future(_pump(reader, relay.writer, upstream)),
            asyncio.ensure_future(_pump(relay.reader, writer, downstream)),
        ]
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, transform: Callable[[bytes], bytes]
) -> None:
    """Copy until either side ends; a hostile record (``TransportError``) ends it too."""
    try:
        while data := await reader.read(READ_SIZE):
            writer.write(transform(data))
            await writer.drain()
    except (OSError, TransportError) as e:
        log.debug("mtproxy: relay ended: %r", e)


async def _read_records(reader: asyncio.StreamReader, records: TlsRecords, size: int) -> bytes:
    """At least ``size`` bytes of record payload (and whatever else the same records carried)."""
    buf = b""
    while len(buf) < size:
        data = await reader.read(READ_SIZE)
        if not data:
            raise asyncio.IncompleteReadError(buf, size)
        buf += records.unwrap(data)
    return buf


def _dc_number(dc_id: int) -> int:
    """The DC of an obfuscated2 header's int16: negative for media, +10000 for test DCs."""
    dc = abs(dc_id)
    return dc - 10000 if dc > 10000 else dc
