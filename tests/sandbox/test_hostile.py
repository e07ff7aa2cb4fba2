"""Hostile connections (issue 10), at a reduced size and with short limits: slow handshakes and frames are cut
off at their deadlines, unauthenticated connections can neither lock new clients out nor make the sandbox
hold memory, and a logged-in client is served through a mixed attack while new clients still log in
(``benchmarks/hostile.py`` runs that attack at full size, the sandbox in a process of its own)."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.client.helpers import logged_in
from tgfleet import errors
from tgfleet.client.ratelimit import RateLimits
from tgfleet.mtproto.transport import Intermediate
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Limits, Sandbox
from tgfleet.tl import functions, types

from .attacks import KINDS, Attack, Target, frame, max_frame, req_pq
from .server_wire import KEY, TIMEOUT, connected, eventually, init, on_key, running

TAG = Intermediate.TAG
MiB = 1 << 20


def rss() -> int:
    """This process's resident memory, in bytes (what the OS counts, not only Python objects)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def _open(tg: Sandbox) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    address = tg.network.address(2)
    return await within(asyncio.open_connection(address.host, address.port), TIMEOUT)


async def _closed(reader: asyncio.StreamReader, timeout: float = TIMEOUT) -> bytes:
    """Everything the server sends until it closes the connection (bounded wait)."""
    data = b""
    try:
        while chunk := await within(reader.read(1 << 16), timeout):
            data += chunk
    except ConnectionError:
        pass
    return data


async def _trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes, pace: float) -> bool:
    """Send ``data`` one byte every ``pace`` seconds; True if the server closed the connection before the end."""
    for i in range(len(data)):
        try:
            writer.write(data[i : i + 1])
            while await within(reader.read(1 << 16), pace):  # whatever the server answers, until the pace passes
                pass
            return True  # EOF
        except asyncio.TimeoutError:
            continue
        except ConnectionError:
            return True
    return False


# --- slowloris -----------------------------------------------------------------------------------------------------
async def test_a_trickled_handshake_is_cut_off_at_its_deadline() -> None:
    async with running(limits=Limits(handshake_timeout=0.5)) as tg:
        started = time.monotonic()  # before the server accepts
        reader, writer = await _open(tg)
        assert await _trickle(reader, writer, TAG + frame(req_pq()) * 4, pace=0.05)  # every byte a sign of life
        assert time.monotonic() - started >= 0.5
        writer.close()


async def test_a_frame_must_arrive_whole_within_the_frame_timeout() -> None:
    async with running(limits=Limits(frame_timeout=0.5)) as tg:
        client = await connected(tg)  # authenticated: the idle timeout (300 s) would never close it
        assert client.session is not None
        client.session.send(functions.help.GetConfig())
        message = client.session.data_to_send(time.time())
        assert message is not None
        started = time.monotonic()
        assert await _trickle(client.reader, client.writer, client.codec.encode(message), pace=0.05)
        assert time.monotonic() - started >= 0.5


async def test_a_new_client_gets_in_past_a_full_lobby() -> None:
    async with running(limits=Limits(max_unauthenticated_per_dc=4, handshake_timeout=TIMEOUT)) as tg:
        silent = []
        for i in range(6):  # connections that never send, more than the lobby holds
            silent.append(await _open(tg))
            waiting = min(i + 1, 4)
            await eventually(lambda n=waiting: tg.stats()["unauthenticated"][2] == n)
        for reader, _ in silent[:2]:  # the oldest made room
            await _closed(reader)
        client = await connected(tg)
        await _closed(silent[2][0])  # and the next oldest made room for the new client
        assert tg.stats()["unauthenticated"][2] == 3
        assert isinstance(await client.invoke(functions.help.GetNearestDc()), types.NearestDc)
        for _, writer in silent:
            writer.close()


async def test_a_new_client_gets_in_past_a_full_dc_but_authenticated_clients_are_never_evicted() -> None:
    async with running(limits=Limits(max_connections_per_dc=4, handshake_timeout=TIMEOUT)) as tg:
        clients = [await connected(tg) for _ in range(2)]
        silent = [await _open(tg) for _ in range(2)]
        await eventually(lambda: tg.stats()["connections"][2] == 4)
        for reader, _ in silent:  # each new client takes the place of the oldest unauthenticated connection
            clients.append(await connected(tg))
            await _closed(reader)
        assert tg.stats()["connections"][2] == 4 and tg.stats()["unauthenticated"][2] == 0
        refused, _ = await _open(tg)  # all four are authenticated: a fifth connection is refused
        assert await _closed(refused) == b""
        for client in clients:
            assert isinstance(await client.invoke(functions.help.GetNearestDc()), types.NearestDc)


# --- memory --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key_id", [bytes(8), b"\x5a" * 8], ids=["plaintext", "unknown-key"])
async def test_a_long_frame_before_authentication_is_refused_at_its_length(key_id: bytes) -> None:
    async with running(limits=Limits(handshake_timeout=TIMEOUT * 4)) as tg:
        reader, writer = await _open(tg)
        writer.write(TAG + (tg.limits.max_packet // 4 * 4).to_bytes(4, "little") + key_id)  # then nothing more
        answer = await _closed(reader)
        with pytest.raises(errors.TransportCodeError) as refused:
            Intermediate().feed(answer)
        assert refused.value.code == -404
        writer.close()


async def test_a_client_with_a_key_may_start_with_a_long_message() -> None:
    async with running() as tg:
        first = await connected(tg)
        assert first.auth is not None
        again = await on_key(tg, first.auth)
        big = functions.upload.SaveFilePart(file_id=1, file_part=0, bytes=os.urandom(64 << 10))
        (outcome,) = await again.results([again.send(init(big))])  # its first frame: 64 KiB
        assert outcome is not None  # an answer (whatever the world makes of it), not a closed connection


async def test_unauthenticated_connections_hold_a_bounded_number_of_bytes_together() -> None:
    budget = 8000
    limits = Limits(max_unauthenticated_bytes=budget, handshake_timeout=TIMEOUT * 4, frame_timeout=TIMEOUT * 4)
    async with running(limits=limits) as tg:  # no deadline closes them first
        partial = TAG + (4000).to_bytes(4, "little") + bytes(3000)  # a handshake-sized frame, never finished
        held = []
        for i in range(2):
            held.append(await _open(tg))
            held[-1][1].write(partial)
            await eventually(lambda n=i + 1: tg.stats()["unauthenticated_bytes"][2] == n * 3004)
        held.append(await _open(tg))
        held[-1][1].write(partial)  # one more would take the lobby past its budget: the longest holder goes
        await _closed(held[0][0])
        await eventually(lambda: tg.stats()["unauthenticated_bytes"][2] == 2 * 3004)
        assert tg.stats()["unauthenticated"][2] == 2
        for _, writer in held:
            writer.close()


async def test_memory_comes_back_after_a_flood_of_maximum_size_frames() -> None:
    async with running(limits=Limits(handshake_timeout=TIMEOUT)) as tg:
        # each pushes a maximum-size frame, waits a moment for the server to close it, hangs up and comes back
        target = Target("127.0.0.1", tg.network.address(2).port, 2, KEY.public, tg.limits.max_packet, hold=0.2)
        before = rss()
        attack = Attack(target, 60, {"max-size frame": max_frame})
        await attack.start()
        await eventually(lambda: attack.ended() >= 300, timeout=TIMEOUT * 4)
        await attack.stop()
        await eventually(lambda: tg.stats()["connections"][2] == 0)
        grown = rss() - before
        assert grown < 16 * MiB, f"resident memory grew by {grown / MiB:.0f} MiB and stayed"


# --- everything at once --------------------------------------------------------------------------------------------
HOSTILE = 60
RPCS = int(os.environ.get("TGFLEET_HOSTILE_RPCS", "200"))


async def test_a_good_client_is_served_through_a_mixed_attack() -> None:
    # short deadlines, yet room for key exchanges on a loaded machine; the default connection bounds, which the
    # attack does not reach (as in benchmarks/hostile.py: a flood beyond the lobby evicts even clients whose
    # first message waits unread; test_a_new_client_gets_in_past_a_full_lobby shows the eviction)
    limits = Limits(handshake_timeout=3.0, frame_timeout=1.0, requests=None, messages=None)
    async with Sandbox(rsa_key=KEY, limits=limits) as tg:
        for i in range(3):
            tg.add_user(f"+1555010000{i}", f"User {i}", dc=2)
        good = await logged_in(tg, "+15550100000", "good", rate_limits=RateLimits.disabled())
        target = Target("127.0.0.1", tg.network.address(2).port, 2, KEY.public, tg.limits.max_packet, trickle=0.2)
        attack = Attack(target, HOSTILE, KINDS)
        start = peak = rss()
        await attack.start()
        try:
            me = functions.users.GetUsers(id=[types.InputUserSelf()])
            for i in range(RPCS):
                assert isinstance((await good.invoke(me))[0], types.User)  # any error fails the test
                if i % 20 == 0:
                    peak = max(peak, rss())
            for i in (1, 2):  # new clients still connect (a fresh key) and log in
                new = await logged_in(tg, f"+1555010000{i}", f"new{i}")
                await new.disconnect()
            peak = max(peak, rss())
        finally:
            await attack.stop()
        assert attack.ended() > 0 and peak - start < 100 * MiB, (attack.outcomes, peak - start)
        await eventually(lambda: tg.stats()["connections"][2] == 1)  # the good client's
        assert rss() - start < 16 * MiB  # and it came back
        await good.disconnect()
