"""The client side of an MTProxy connection: TCP to the proxy, the fake-TLS hellos for ``ee`` secrets, and the
codec the connection then speaks (https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation).

The codec is obfuscated2 with the secret mixed into its keys and the target DC in its header, around
intermediate framing (padded intermediate for ``dd`` and ``ee`` secrets); for ``ee`` secrets it travels in
fake-TLS records (``mtproto.transport.faketls``). A proxy that closes the connection during its handshake,
or answers it wrongly, raises ``ProxyError``: that is what a wrong secret looks like from here.
"""

from __future__ import annotations

import asyncio
import time

from tgfleet.errors import ProxyError, TransportError
from tgfleet.mtproto.transport import Codec, Intermediate, Obfuscated, PaddedIntermediate
from tgfleet.mtproto.transport.base import Random
from tgfleet.mtproto.transport.faketls import check_server_hello, client_hello, server_hello_size
from tgfleet.mtproto.transport.tlsrecords import MAX_RECORD, FakeTls, TlsRecords
from tgfleet.net.proxy import MTProxy
from tgfleet.net.timeouts import within

_MAX_ANSWER = 3 * (5 + MAX_RECORD)
"""The proxy's answer to a ClientHello is three records."""


async def open_mtproxy(
    proxy: MTProxy, dc_id: int, timeout: float, random: Random
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, Codec]:
    """Connect to ``proxy`` for DC ``dc_id`` as the header names it (negative: media; +10000: a test DC);
    ``ProxyError`` if it is unreachable or rejects the handshake (``timeout`` bounds the TCP connect and the TLS
    hellos)."""
    try:
        reader, writer = await within(asyncio.open_connection(proxy.host, proxy.port), timeout)
    except (OSError, asyncio.TimeoutError) as e:
        raise ProxyError(f"{proxy} is unreachable: {str(e) or 'timed out'}") from e
    framing = PaddedIntermediate if proxy.padded else Intermediate
    codec: Codec = Obfuscated(framing(random=random), secret=proxy.secret, dc_id=dc_id, random=random)
    if proxy.domain is None:
        return reader, writer, codec
    try:
        rest = await within(_hellos(proxy, proxy.domain, reader, writer, random), timeout)
    except BaseException as e:
        writer.close()
        if isinstance(e, asyncio.TimeoutError):
            raise ProxyError(f"{proxy} did not answer the TLS hello within {timeout:g} s") from None
        raise
    tls = FakeTls(codec, TlsRecords(server=False))
    tls.receive_data(rest)
    return reader, writer, tls


async def _hellos(
    proxy: MTProxy, domain: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, random: Random
) -> bytes:
    """Send the ClientHello, check the answer; the bytes that came after it."""
    hello = client_hello(proxy.secret, domain, timestamp=int(time.time()), random=random)
    buf = bytearray()
    try:
        writer.write(hello)
        await writer.drain()
        while (size := server_hello_size(bytes(buf))) is None:
            data = await reader.read(_MAX_ANSWER - len(buf))
            if not data:
                raise ProxyError(f"{proxy} closed the connection at the TLS hello: it rejected the secret")
            buf += data
        check_server_hello(proxy.secret, hello[11:43], bytes(buf[:size]))
    except TransportError as e:
        raise ProxyError(f"{proxy} answered no valid TLS hello (wrong secret?): {e}") from e
    except OSError as e:
        raise ProxyError(f"{proxy} dropped the connection at the TLS hello ({e}): it rejected the secret") from e
    return bytes(buf[size:])
