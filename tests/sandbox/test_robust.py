"""Hostile input is normal input: hundreds of bad connections never disturb a good client, every one of them
is closed, no task leaks and memory stays bounded; ``stop()`` ends everything the sandbox started."""

from __future__ import annotations

import asyncio
import os
import struct
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from typing import Any

from tgfleet.mtproto.plain import pack_plain
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.server_limits import Limits
from tgfleet.tl import functions, types
from tgfleet.tl import mtproto as mt

from .server_double import DoubleWorld
from .server_wire import KEY, TIMEOUT, connected, eventually, init, running

HOSTILE = 300
SILENCE = 2.0
"""The handshake timeout in these tests: silent and half-open connections are closed after it."""


def _req_pq() -> bytes:
    return pack_plain((int(time.time()) << 32) | 4, mt.ReqPqMulti(nonce=os.urandom(16)).to_bytes())


def _intermediate(payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "little") + payload


PAYLOADS: list[Callable[[], bytes]] = [
    lambda: os.urandom(300),  # garbage (random transport guesses)
    lambda: b"\xee\xee\xee\xee" + b"\xff\xff\xff\x7f" + os.urandom(64),  # a huge length field
    lambda: b"\xef" + bytes([100]) + os.urandom(10),  # a truncated abridged frame
    lambda: b"\xee\xee\xee\xee" + _intermediate(_req_pq()),  # half a handshake, then silence
    lambda: b"\xee\xee\xee\xee" + _intermediate(os.urandom(8) + os.urandom(16) + os.urandom(64)),  # unknown key
    lambda: struct.pack("<II", 64, 0) + os.urandom(56),  # full transport, wrong CRC
    lambda: os.urandom(56) + b"\x01\x02\x03\x04" + os.urandom(4),  # obfuscated2 with no known tag
    lambda: b"GET / HTTP/1.1\r\nHost: sandbox\r\n\r\n",  # HTTP
    lambda: b"",  # connects and says nothing
    lambda: b"\xdd\xdd\xdd\xdd" + _intermediate(bytes(8) + os.urandom(40)),  # a malformed unencrypted message
    lambda: b"\xee\xee\xee\xee" + _intermediate(b"\xfc\xfe\xff\xff"),  # a transport error code from a client
    lambda: b"\xef" + b"\x7f\xff\xff\xff" + os.urandom(30),  # abridged huge length
]


async def _hostile(address: Any, payload: bytes) -> str:
    """Send ``payload`` and read until the server closes; how it ended."""
    reader, writer = await asyncio.open_connection(address.host, address.port)
    writer.write(payload)
    try:
        while await asyncio.wait_for(reader.read(1 << 16), SILENCE + TIMEOUT):
            pass
        return "closed"
    except ConnectionError:
        return "reset"
    finally:
        writer.close()


async def test_hostile_connections_do_not_disturb_a_good_client() -> None:
    async with running(limits=Limits(handshake_timeout=SILENCE, requests=None)) as tg:
        good = await connected(tg)
        await eventually(lambda: tg.stats()["tasks"] == 2)  # the good connection and its writer
        baseline = len(asyncio.all_tasks())
        address = tg.network.address(2)
        tracemalloc.start()
        try:
            hostile = asyncio.gather(*(_hostile(address, PAYLOADS[i % len(PAYLOADS)]()) for i in range(HOSTILE)))
            answered = 0
            while not hostile.done():
                assert isinstance(await good.invoke(init(functions.help.GetConfig())), types.Config)
                answered += 1
            endings = Counter(await hostile)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert sum(endings.values()) == HOSTILE  # every hostile connection was closed by the server
        assert answered >= 3
        await eventually(lambda: tg.stats()["connections"][2] == 1 and len(asyncio.all_tasks()) == baseline)
        assert peak < 32 << 20, f"peak traced memory {peak / 2**20:.1f} MiB"
        assert isinstance(await good.invoke(functions.help.GetNearestDc()), types.NearestDc)


async def test_a_client_that_never_reads_is_dropped() -> None:
    world = DoubleWorld()
    blob = os.urandom(256 << 10)

    async def big(ctx: CallContext, request: Any) -> Any:
        return types.help.AppConfig(hash=0, config=types.JsonString(value=blob.hex()))

    world.handlers[functions.help.GetAppConfig] = big
    async with running(world, limits=Limits(max_outgoing_bytes=1 << 20)) as tg:
        client = await connected(tg)
        for i in range(64):  # 32 MiB of answers: more than any socket buffer
            client.send(functions.help.GetAppConfig(hash=i))
        await eventually(lambda: tg.stats()["connections"][2] == 0)
        await client.closed()


async def test_stop_ends_every_task() -> None:
    before = len(asyncio.all_tasks())
    world = DoubleWorld()
    entered = asyncio.Event()

    async def stuck(ctx: CallContext, request: Any) -> Any:
        entered.set()
        await asyncio.Event().wait()

    world.handlers[functions.help.GetSupport] = stuck
    tg = Sandbox(rsa_key=KEY, world=world)
    await tg.start()
    busy = await connected(tg)
    busy.send(functions.help.GetSupport())  # a handler that never returns
    frozen = await connected(tg, 3)
    tg.freeze(3)
    frozen.send(functions.help.GetConfig())  # an answer held back
    half = await asyncio.open_connection(tg.network.address(1).host, tg.network.address(1).port)
    half[1].write(b"\xee\xee\xee\xee")  # a connection in transport detection
    await eventually(lambda: tg.stats()["connections"] == {1: 1, 2: 1, 3: 1})
    await asyncio.wait_for(entered.wait(), TIMEOUT)
    await tg.stop()
    assert len(asyncio.all_tasks()) == before
    assert tg.stats()["tasks"] == 0
    await busy.closed()
    await frozen.closed()
    half[1].close()


async def test_half_handshakes_are_closed() -> None:
    async with running(limits=Limits(handshake_timeout=0.3)) as tg:
        address = tg.network.address(2)
        started = time.monotonic()
        assert await _hostile(address, b"\xee\xee\xee\xee" + _intermediate(_req_pq())) == "closed"
        assert 0.3 <= time.monotonic() - started < TIMEOUT


async def test_idle_connections_are_closed() -> None:
    async with running(limits=Limits(handshake_timeout=TIMEOUT, idle_timeout=0.6)) as tg:
        idle = await connected(tg)  # encrypted: the idle timeout applies
        started = time.monotonic()
        await idle.closed()
        # the server's idle clock started when it read our last message, a moment before connected() returned
        assert 0.5 <= time.monotonic() - started < TIMEOUT
