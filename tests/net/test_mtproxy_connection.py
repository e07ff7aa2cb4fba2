"""What ``Connection.open`` puts on the wire for an MTProxy, read back by a bare server built from the sans-IO
pieces: the secret's kind picks the framing (plain: intermediate; dd and ee: padded), the header names the target
DC (negative for media, +10000 for Telegram's test DCs, https://core.telegram.org/mtproto/mtproto-transports), and
an ee connection starts with a signed ClientHello and takes only an answer signed with the secret."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.errors import NetworkError, ProxyError
from tgfleet.mtproto.transport import Intermediate, PaddedIntermediate
from tgfleet.mtproto.transport.faketls import check_client_hello, client_hello_size, server_hello
from tgfleet.mtproto.transport.obfuscated import HEADER_SIZE, accept_header
from tgfleet.mtproto.transport.tlsrecords import TlsRecords
from tgfleet.net import DcAddress, Network
from tgfleet.net.connection import Connection
from tgfleet.net.proxy import MTProxy
from tgfleet.net.sender import Sender, SenderConfig
from tgfleet.net.timeouts import within

KEY = bytes(range(100, 116))
RSA_KEY = RsaPrivateKey.from_pem((Path(__file__).parents[1] / "crypto" / "test_only_rsa_key.pem").read_text())


class HeaderReader:
    """Accepts one connection as an MTProxy with ``KEY`` would, and keeps the header's tag and DC id."""

    def __init__(self, domain: str | None) -> None:
        self.domain = domain
        self.seen: asyncio.Future[tuple[bytes, int]] = asyncio.get_running_loop().create_future()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            header = await self._header(reader, writer)
            accepted = accept_header(header, KEY)
            self.seen.set_result((accepted.tag, accepted.dc_id))
        except Exception as e:  # the test reads it from the future
            self.seen.set_exception(e)
        finally:
            writer.close()

    async def _header(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
        if self.domain is None:
            return await reader.readexactly(HEADER_SIZE)
        head = await reader.readexactly(5)
        size = client_hello_size(head)
        assert size is not None
        hello = check_client_hello(KEY, head + await reader.readexactly(size - 5), now=time.time(), domain=self.domain)
        writer.write(server_hello(KEY, hello))
        records, data = TlsRecords(server=True), b""
        while len(data) < HEADER_SIZE:
            data += records.unwrap(await reader.read(4096))
        return data[:HEADER_SIZE]


async def _open_through(proxy_domain: str | None, padded: bool, dc_id: int) -> tuple[bytes, int]:
    reader = HeaderReader(proxy_domain)
    server = await asyncio.start_server(reader.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        proxy = MTProxy("127.0.0.1", port, KEY, padded, proxy_domain)
        conn = await Connection.open("192.0.2.1", 443, dc_id=dc_id, proxy=proxy, timeout=10)
        await conn.send(bytes(24))  # the first write carries the header
        try:
            return await asyncio.wait_for(reader.seen, 10)
        finally:
            await conn.aclose()
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("domain", "padded", "tag"),
    [
        (None, False, Intermediate.OBFUSCATION_TAG),
        (None, True, PaddedIntermediate.OBFUSCATION_TAG),
        ("cdn.example.com", True, PaddedIntermediate.OBFUSCATION_TAG),
    ],
    ids=["plain", "dd", "ee"],
)
@pytest.mark.parametrize("dc_id", [2, -4])
async def test_the_header_names_the_framing_and_the_target_dc(
    domain: str | None, padded: bool, tag: bytes, dc_id: int
) -> None:
    assert await _open_through(domain, padded, dc_id) == (tag, dc_id)


async def test_an_ee_answer_not_signed_with_the_secret_is_refused() -> None:
    """A server that takes the ClientHello but cannot sign its answer with the secret (a TLS server in the
    proxy's place, or a box on the path answering for it) is no MTProxy: a well-formed ServerHello signed with
    another secret ends ``Connection.open`` in a ProxyError, before anything is sent through it."""
    domain, other = "cdn.example.com", bytes(range(16))

    async def impostor(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readexactly(5)
            size = client_hello_size(head)
            assert size is not None
            hello = check_client_hello(KEY, head + await reader.readexactly(size - 5), now=time.time(), domain=domain)
            writer.write(server_hello(other, hello))
            await within(reader.read(), 10)  # until the client hangs up
        finally:
            writer.close()

    server = await asyncio.start_server(impostor, "127.0.0.1", 0)
    proxy = MTProxy("127.0.0.1", server.sockets[0].getsockname()[1], KEY, True, domain)
    try:
        with pytest.raises(ProxyError, match="answered no valid TLS hello"):
            conn = await within(Connection.open("192.0.2.1", 443, dc_id=2, proxy=proxy, timeout=10), 10)
            await conn.aclose()
    finally:
        server.close()
        await server.wait_closed()


async def test_an_mtproxy_connection_needs_a_dc_id() -> None:
    with pytest.raises(ValueError, match="needs the dc_id"):
        await Connection.open("192.0.2.1", 443, proxy=MTProxy("127.0.0.1", 1, KEY))


@pytest.mark.parametrize("through_mtproxy", [False, True], ids=["direct", "mtproxy"])
async def test_a_connect_timeout_says_so(through_mtproxy: bool) -> None:
    """A timed-out connect names its cause (asyncio's TimeoutError has an empty message)."""
    server = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    proxy = MTProxy("127.0.0.1", port, KEY) if through_mtproxy else None
    try:
        with pytest.raises(NetworkError, match=r"timed out$"):
            await Connection.open("127.0.0.1", port, dc_id=2, proxy=proxy, timeout=0)
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("test_mode", "media", "header_dc"), [(True, False, 10002), (True, True, -10002), (False, True, -2)]
)
async def test_a_sender_names_a_test_dc_plus_10000_in_the_header(test_mode: bool, media: bool, header_dc: int) -> None:
    reader = HeaderReader(None)
    server = await asyncio.start_server(reader.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    network = Network((DcAddress(2, "192.0.2.1", 443),), (RSA_KEY.public,), test_mode)
    sender = Sender(network, 2, media=media, config=SenderConfig(proxy=MTProxy("127.0.0.1", port, KEY)))
    starting = asyncio.ensure_future(sender.start())
    try:
        assert await asyncio.wait_for(reader.seen, 10) == (Intermediate.OBFUSCATION_TAG, header_dc)
    finally:
        await sender.close()
        starting.cancel()
        server.close()
        await server.wait_closed()
