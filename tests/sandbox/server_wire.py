"""A minimal MTProto client for the network-side tests: the sans-IO core (ClientHandshake, ClientSession,
a transport codec) over asyncio streams, so every test observes the sandbox on the wire.

Every wait is bounded (``timeout``); nothing sleeps to wait for an event.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tgfleet.crypto.rsa import RsaPrivateKey, RsaPublicKey
from tgfleet.errors import RPCError, TgfleetError
from tgfleet.mtproto.handshake import ClientHandshake, HandshakeResult
from tgfleet.mtproto.session import ClientSession, Event, Request, Result, RpcFailed, Update
from tgfleet.mtproto.transport import FRAMINGS, Codec, Obfuscated, Packet, QuickAck, unpad
from tgfleet.net import DcAddress
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.server import DEFAULT_API_ID
from tgfleet.tl import LAYER, TLFunction, functions

Clock = Callable[[], float]
KEY = RsaPrivateKey.from_pem((Path(__file__).parents[1] / "crypto" / "test_only_rsa_key.pem").read_text())
"""The repository's test-only key pair (saves generating one per sandbox)."""
TIMEOUT = 15.0  # generous: a bounded wait, not a speed check (CI machines are shared)
TRANSPORTS = [(name, False) for name in FRAMINGS] + [(n, True) for n in ("abridged", "intermediate", "padded")]
"""(framing, obfuscated): every transport a client can speak."""


class Closed(Exception):
    """The server closed the connection."""


def init(query: TLFunction[Any], *, api_id: int = DEFAULT_API_ID, layer: int = LAYER) -> TLFunction[Any]:
    """``invokeWithLayer(initConnection(query))`` as clients send their first call."""
    return functions.InvokeWithLayer(
        layer=layer,
        query=functions.InitConnection(
            api_id=api_id,
            device_model="wire test",
            system_version="1.0",
            app_version="1.0",
            system_lang_code="en",
            lang_pack="",
            lang_code="en",
            query=query,
        ),
    )


class WireClient:
    """One TCP connection speaking MTProto through the sans-IO core."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, codec: Codec, padded: bool) -> None:
        self.reader, self.writer, self.codec, self.padded = reader, writer, codec, padded
        self._packets: deque[bytes] = deque()
        self.quick_acks: list[int] = []
        self.session: ClientSession | None = None
        self.auth: HandshakeResult | None = None
        self.events: list[Event] = []
        """Every session event that was not the answer a caller waited for (updates, pongs, ...)."""

    @classmethod
    async def connect(cls, address: DcAddress, transport: str = "intermediate", obfuscated: bool = False) -> WireClient:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(address.host, address.port), TIMEOUT)
        framing = FRAMINGS[transport]()
        codec: Codec = Obfuscated(framing) if obfuscated else framing
        return cls(reader, writer, codec, transport == "padded")

    async def close(self) -> None:
        self.writer.close()
        try:
            await asyncio.wait_for(self.writer.wait_closed(), TIMEOUT)
        except (OSError, asyncio.TimeoutError):
            pass

    # --- packets ---------------------------------------------------------------------------------
    def send_payload(self, payload: bytes) -> None:
        self.writer.write(self.codec.encode(payload))

    async def recv_payload(self, timeout: float = TIMEOUT) -> bytes:
        """The next packet (TransportCodeError for -404 etc., Closed at EOF, TimeoutError)."""
        deadline = time.monotonic() + timeout
        while not self._packets:
            data = await asyncio.wait_for(self.reader.read(1 << 16), max(0.0, deadline - time.monotonic()))
            if not data:
                raise Closed()
            for event in self.codec.feed(data):
                if isinstance(event, Packet):
                    self._packets.append(unpad(event.payload) if self.padded else event.payload)
                elif isinstance(event, QuickAck):
                    self.quick_acks.append(event.token)
        return self._packets.popleft()

    async def closed(self, timeout: float = TIMEOUT) -> None:
        """Wait until the server closes the connection (any packets before that are dropped)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                await self.recv_payload(max(0.0, deadline - time.monotonic()))
        except (Closed, ConnectionError):
            return

    # --- key and session -------------------------------------------------------------------------
    async def handshake(
        self,
        dc_id: int,
        public_key: RsaPublicKey = KEY.public,
        *,
        temp_expires_in: int | None = None,
        now: Clock = time.time,
    ) -> HandshakeResult:
        """A new auth key (a temporary one for ``temp_expires_in`` seconds), the exchange timed by ``now``."""
        hs = ClientHandshake(dc_id, [public_key], temp_expires_in=temp_expires_in)
        self.send_payload(hs.start(now()))
        while True:
            out = hs.receive(await self.recv_payload(), now())
            if isinstance(out, HandshakeResult):
                self.auth = out
                return out
            self.send_payload(out)

    def use_key(self, auth: HandshakeResult, *, time_offset: float | None = None) -> ClientSession:
        """Start a session on ``auth`` (its time offset unless one is given)."""
        offset = auth.time_offset if time_offset is None else time_offset
        self.session = ClientSession(auth.auth_key, salt=auth.server_salt, time_offset=offset)
        return self.session

    def flush(self) -> None:
        assert self.session is not None
        while (data := self.session.data_to_send(time.time())) is not None:
            self.send_payload(data)

    def send(self, function: TLFunction[Any]) -> Request:
        assert self.session is not None
        request = self.session.send(function)
        self.flush()
        return request

    async def pump(self, timeout: float = TIMEOUT) -> list[Event]:
        """Read one packet, feed it to the session, answer what it needs; the events."""
        assert self.session is not None
        payload = await self.recv_payload(timeout)
        events = self.session.receive(payload, time.time())
        self.flush()
        return events

    async def results(self, requests: list[Request], timeout: float = TIMEOUT) -> list[Any]:
        """The outcome of each request, in order: its value or its error (an exception object)."""
        pending = {r.id: r for r in requests}
        outcome: dict[int, Any] = {}
        deadline = time.monotonic() + timeout
        while pending:
            for event in await self.pump(max(0.0, deadline - time.monotonic())):
                if isinstance(event, Result | RpcFailed) and event.request.id in pending:
                    del pending[event.request.id]
                    outcome[event.request.id] = event.value if isinstance(event, Result) else event.error
                else:
                    self.events.append(event)
        return [outcome[r.id] for r in requests]

    async def invoke(self, function: TLFunction[Any], timeout: float = TIMEOUT) -> Any:
        """Call and wait; RPC errors (and other session errors) are raised."""
        (value,) = await self.results([self.send(function)], timeout)
        if isinstance(value, TgfleetError):
            raise value
        return value

    async def rpc_error(self, function: TLFunction[Any], timeout: float = TIMEOUT) -> RPCError:
        """Call and expect an RPC error."""
        (value,) = await self.results([self.send(function)], timeout)
        assert isinstance(value, RPCError), value
        return value

    def updates(self) -> list[Any]:
        return [e.obj for e in self.events if isinstance(e, Update)]

    async def wait_update(self, timeout: float = TIMEOUT) -> Any:
        """The next pushed update (taken out of ``events``)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if isinstance(event, Update):
                    del self.events[i]
                    return event.obj
            self.events.extend(await self.pump(max(0.0, deadline - time.monotonic())))


async def connected(
    tg: Sandbox, dc: int = 2, transport: str = "intermediate", obfuscated: bool = False, *, initialized: bool = True
) -> WireClient:
    """A client with a fresh key and session on ``dc``; ``initialized``: its first call (help.getConfig
    inside invokeWithLayer(initConnection)) is done."""
    client = await WireClient.connect(tg.network.address(dc), transport, obfuscated)
    client.use_key(await client.handshake(dc))
    if initialized:
        await client.invoke(init(functions.help.GetConfig()))
    return client


async def on_key(tg: Sandbox, auth: HandshakeResult, dc: int = 2) -> WireClient:
    """A new connection with a new session on an existing key (no key exchange)."""
    client = await WireClient.connect(tg.network.address(dc))
    client.use_key(auth)
    return client


async def eventually(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Wait (bounded) for a condition on server state that no message announces."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


@asynccontextmanager
async def running(world: WorldAPI | None = None, **options: Any) -> AsyncIterator[Sandbox]:
    """A started sandbox with the test key (and the given world, else a fresh test double)."""
    from .server_double import DoubleWorld

    options.setdefault("dcs", 3)
    async with Sandbox(rsa_key=KEY, world=world if world is not None else DoubleWorld(), **options) as tg:
        yield tg
