"""One TCP connection to a data center speaking one MTProto transport, optionally through a proxy.

A proxy (any form of ``net/proxy.py``) is a SOCKS5/SOCKS4/HTTP CONNECT tunnel to the DC's address, or an
MTProxy: then the connection goes to the proxy, asks it for the DC by id, and its secret decides the
transport (``net/mtproxy.py``). The only place where OS and asyncio errors become tgfleet errors
(``NetworkError``, ``ProxyError``). Transport framing errors (``TransportError``, ``TransportCodeError`` for
-404/-429/-444) pass through.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import Callable

from tgfleet.errors import NetworkError, ProxyError
from tgfleet.mtproto.transport import FRAMINGS, Codec, Obfuscated, Packet, unpad
from tgfleet.net.mtproxy import open_mtproxy
from tgfleet.net.proxy import MTProxy, ProxyLike, TunnelProxy, parse_proxy
from tgfleet.net.timeouts import within

READ_CHUNK = 1 << 16


class Connection:
    """Send and receive MTProto payloads over one TCP stream (``open`` makes one)."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        codec: Codec,
        padded: bool,
        *,
        silent_close: str | None = None,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._codec = codec
        self._padded = padded
        self._packets: deque[bytes] = deque()
        self._silent_close = silent_close
        """The ``ProxyError`` message for a close before the first byte (an MTProxy rejecting the secret)."""

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        transport: str = "abridged",
        obfuscated: bool = False,
        dc_id: int | None = None,
        proxy: ProxyLike | None = None,
        timeout: float = 10.0,
        random: Callable[[int], bytes] = os.urandom,
    ) -> Connection:
        """Connect to ``host:port``, directly or through a SOCKS/HTTP ``proxy``; or, for an MTProxy, to the
        proxy, asking it for ``dc_id`` (then ``transport``/``obfuscated`` are the secret's to decide)."""
        if transport not in FRAMINGS:
            raise ValueError(f"unknown transport {transport!r}; choose one of {sorted(FRAMINGS)}")
        config = parse_proxy(proxy)
        if isinstance(config, MTProxy):
            if dc_id is None:
                raise ValueError("an MTProxy connection needs the dc_id of the data center to reach")
            reader, writer, mtproxy_codec = await open_mtproxy(config, dc_id, timeout, random)
            closed = f"{config} closed the connection unanswered: it rejected the secret or cannot reach DC {dc_id}"
            return cls(reader, writer, mtproxy_codec, padded=config.padded, silent_close=closed)
        reader, writer = await _open_stream(host, port, config, timeout)
        framing = FRAMINGS[transport](random=random)
        codec: Codec = Obfuscated(framing, dc_id=dc_id, random=random) if obfuscated else framing
        return cls(reader, writer, codec, padded=transport == "padded")

    async def send(self, payload: bytes) -> None:
        try:
            self._writer.write(self._codec.encode(payload))
            await self._writer.drain()
        except (OSError, RuntimeError) as e:  # RuntimeError: writing to a closed transport
            raise NetworkError(f"connection lost while sending: {e}") from e

    async def recv(self) -> bytes:
        """The next payload; raises NetworkError when the connection closes (ProxyError when an MTProxy
        closes it before answering at all: what a wrong secret looks like)."""
        while not self._packets:
            try:
                data = await self._reader.read(READ_CHUNK)
            except OSError as e:
                raise self._lost(f"connection lost while receiving: {e}") from e
            if not data:
                raise self._lost("the server closed the connection")
            self._silent_close = None
            for event in self._codec.feed(data):
                if isinstance(event, Packet):
                    self._packets.append(unpad(event.payload) if self._padded else event.payload)
        return self._packets.popleft()

    def _lost(self, what: str) -> NetworkError:
        """``ProxyError`` for an MTProxy that ended the connection before its first byte, else NetworkError."""
        if self._silent_close is not None and not self._writer.is_closing():  # not closed by us
            return ProxyError(self._silent_close)
        return NetworkError(what)

    def close(self) -> None:
        if not self._writer.is_closing():
            self._writer.close()

    def abort(self) -> None:
        """Close at once, discarding whatever is still buffered: not another byte goes out."""
        self._writer.transport.abort()

    async def aclose(self) -> None:
        self.close()
        try:
            await self._writer.wait_closed()
        except OSError:  # already broken: nothing left to flush
            pass


async def _open_stream(
    host: str, port: int, proxy: TunnelProxy | None, timeout: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if proxy is None:
        try:
            return await within(asyncio.open_connection(host, port), timeout)
        except (OSError, asyncio.TimeoutError) as e:
            raise NetworkError(f"cannot connect to {host}:{port}: {str(e) or 'timed out'}") from e
    import python_socks
    from python_socks.async_.asyncio import Proxy

    kind = python_socks.ProxyType[proxy.scheme.upper()]
    tunnel = Proxy(kind, proxy.host, proxy.port, proxy.username, proxy.password, rdns=proxy.rdns)
    try:
        sock = await tunnel.connect(host, port, timeout=timeout)
        return await asyncio.open_connection(sock=sock)
    except (python_socks.ProxyError, python_socks.ProxyConnectionError, python_socks.ProxyTimeoutError) as e:
        raise ProxyError(f"proxy {proxy} failed to reach {host}:{port}: {e}") from e
    except (OSError, asyncio.TimeoutError, ValueError) as e:
        raise ProxyError(f"proxy {proxy} is unusable: {str(e) or 'timed out'}") from e
