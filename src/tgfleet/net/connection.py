"""One TCP connection to a data center speaking one MTProto transport, optionally through a proxy.

The only place where OS and asyncio errors become tgfleet errors (``NetworkError``, ``ProxyError``).
Transport framing errors (``TransportError``, ``TransportCodeError`` for -404/-429/-444) pass through.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import Callable

from tgfleet.errors import NetworkError, ProxyError
from tgfleet.mtproto.transport import FRAMINGS, Codec, Obfuscated, Packet, unpad
from tgfleet.net.timeouts import within

READ_CHUNK = 1 << 16


class Connection:
    """Send and receive MTProto payloads over one TCP stream (``open`` makes one)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, codec: Codec, padded: bool) -> None:
        self._reader = reader
        self._writer = writer
        self._codec = codec
        self._padded = padded
        self._packets: deque[bytes] = deque()

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        transport: str = "abridged",
        obfuscated: bool = False,
        dc_id: int | None = None,
        proxy: str | None = None,
        timeout: float = 10.0,
        random: Callable[[int], bytes] = os.urandom,
    ) -> Connection:
        """Connect (directly or through ``proxy``, a ``socks5://`` / ``socks4://`` / ``http://`` URL)."""
        if transport not in FRAMINGS:
            raise ValueError(f"unknown transport {transport!r}; choose one of {sorted(FRAMINGS)}")
        reader, writer = await _open_stream(host, port, proxy, timeout)
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
        """The next payload; raises NetworkError when the connection closes."""
        while not self._packets:
            try:
                data = await self._reader.read(READ_CHUNK)
            except OSError as e:
                raise NetworkError(f"connection lost while receiving: {e}") from e
            if not data:
                raise NetworkError("the server closed the connection")
            for event in self._codec.feed(data):
                if isinstance(event, Packet):
                    self._packets.append(unpad(event.payload) if self._padded else event.payload)
        return self._packets.popleft()

    def close(self) -> None:
        if not self._writer.is_closing():
            self._writer.close()

    async def aclose(self) -> None:
        self.close()
        try:
            await self._writer.wait_closed()
        except OSError:  # already broken: nothing left to flush
            pass


async def _open_stream(
    host: str, port: int, proxy: str | None, timeout: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if proxy is None:
        try:
            return await within(asyncio.open_connection(host, port), timeout)
        except (OSError, asyncio.TimeoutError) as e:
            raise NetworkError(f"cannot connect to {host}:{port}: {e or 'timed out'}") from e
    import python_socks
    from python_socks.async_.asyncio import Proxy

    try:
        sock = await Proxy.from_url(proxy).connect(host, port, timeout=timeout)
        return await asyncio.open_connection(sock=sock)
    except (python_socks.ProxyError, python_socks.ProxyConnectionError, python_socks.ProxyTimeoutError) as e:
        raise ProxyError(f"proxy {_redact(proxy)} failed to reach {host}:{port}: {e}") from e
    except (OSError, asyncio.TimeoutError, ValueError) as e:
        raise ProxyError(f"proxy {_redact(proxy)} is unusable: {e or 'timed out'}") from e


def _redact(url: str) -> str:
    """The proxy URL without its password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return scheme + sep + rest
