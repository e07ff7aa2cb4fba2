"""Minimal SOCKS5 (CONNECT only; no authentication, or username/password per RFC 1929) and HTTP CONNECT
proxies on loopback, for the tests. Each records the destinations it was asked for."""

from __future__ import annotations

import asyncio
import ipaddress
import struct

from tests.loopback import LoopbackServer, pipe


class _Proxy(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.destinations: list[tuple[str, int]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = await self.negotiate(reader, writer)
        self.destinations.append((host, port))
        up_reader, up_writer = await asyncio.open_connection(host, port)
        await self.accepted(writer)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int]:
        raise NotImplementedError

    async def accepted(self, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class Socks5Proxy(_Proxy):
    def __init__(self, username: str | None = None, password: str | None = None) -> None:
        super().__init__()
        self.credentials = None if username is None else (username, password or "")

    async def negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int]:
        _, n_methods = await reader.readexactly(2)
        methods = await reader.readexactly(n_methods)
        if self.credentials is None:
            writer.write(b"\x05\x00")  # no authentication
        else:
            await self._authenticate(reader, writer, methods)
        _, _command, _, atyp = await reader.readexactly(4)
        if atyp == 1:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif atyp == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        (port,) = struct.unpack(">H", await reader.readexactly(2))
        return host, port

    async def _authenticate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, methods: bytes) -> None:
        if 2 not in methods:
            writer.write(b"\x05\xff")
            raise OSError("the client offers no username/password authentication")
        writer.write(b"\x05\x02")
        _version, size = await reader.readexactly(2)
        username = (await reader.readexactly(size)).decode()
        password = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        ok = (username, password) == self.credentials
        writer.write(b"\x01\x00" if ok else b"\x01\x01")
        if not ok:
            raise OSError("wrong SOCKS5 credentials")

    async def accepted(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"\x05\x00\x00\x01" + bytes(4) + bytes(2))


class HttpProxy(_Proxy):
    async def negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int]:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ")
        assert method == "CONNECT"
        host, port = target.rsplit(":", 1)
        return host, int(port)

    async def accepted(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
