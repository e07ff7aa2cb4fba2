"""Containers, gzip_packed, the replay window and the salt schedules, piece by piece."""

from __future__ import annotations

import os
import zlib

import pytest

from tgfleet.errors import DecodeError, EncodeError
from tgfleet.mtproto.session import ClientSession, SaltSchedule, ServerSalts
from tgfleet.mtproto.session.body import GZIP_PROBE_BYTES, gzip_pack, gzip_unpack, parse_container, split
from tgfleet.mtproto.session.limits import MAX_CONTAINER_ITEMS
from tgfleet.mtproto.session.rpc import rpc_result
from tgfleet.mtproto.session.window import MsgIdWindow
from tgfleet.tl import functions, types
from tgfleet.tl import mtproto as mt
from tgfleet.tl.core.writer import write_bytes

from .helpers import NOW, container, msg_id_at, seeded, server_message

PING = mt.Ping(ping_id=5).to_bytes()


def _gzip(data: bytes, wbits: int = 31) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, wbits)
    out = bytearray(b"\xa1\xcf\x72\x30")
    write_bytes(out, deflater.compress(data) + deflater.flush())
    return bytes(out)


def test_gzip_round_trip_and_when_it_is_used() -> None:
    big = functions.messages.SendMessage(peer=types.InputPeerSelf(), message="x" * 2000, random_id=1)
    raw = big.to_bytes()
    packed = gzip_pack(raw)
    assert packed[:4] == b"\xa1\xcf\x72\x30" and len(packed) < len(raw) // 10
    assert gzip_unpack(packed) == raw
    assert gzip_pack(PING) is PING  # small: never packed
    noise = seeded(1)(4000)
    assert gzip_pack(noise) is noise  # incompressible: not packed
    assert gzip_unpack(_gzip(raw, wbits=15)) == raw  # a zlib header is accepted too


def test_gzip_bomb_is_bounded() -> None:
    bomb = _gzip(bytes(1_000_000))
    assert len(bomb) < 2000
    with pytest.raises(DecodeError, match="beyond"):
        gzip_unpack(bomb, limit=100_000)
    client = ClientSession(seeded(2)(256), random=seeded(3))
    huge = _gzip(bytes(17 * 1024 * 1024))  # beyond the 16 MiB default limit
    with pytest.raises(DecodeError, match="beyond"):
        client.receive(server_message(client, huge, NOW), NOW)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"\xa1\xcf\x72\x30", "no packed_data"),
        (b"\xa1\xcf\x72\x30\x03abc", "does not inflate"),
        (_gzip(PING) + bytes(4), "does not fill"),
        (b"\xa1\xcf\x72\x30\xfe\xff\xff", "runs past"),
        (b"\xa1\xcf\x72\x30\xff\x00\x00\x00", "0xFF"),
    ],
)
def test_malformed_gzip(body: bytes, problem: str) -> None:
    with pytest.raises(DecodeError, match=problem):
        gzip_unpack(body)


def test_truncated_gzip_stream() -> None:
    deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
    stream = (deflater.compress(bytes(1000)) + deflater.flush())[:-8]
    out = bytearray(b"\xa1\xcf\x72\x30")
    write_bytes(out, stream)
    with pytest.raises(DecodeError, match="truncated"):
        gzip_unpack(bytes(out))


def test_container_parsing_and_limits() -> None:
    cid = msg_id_at(NOW, 1)
    items = [(cid - 8, 1, PING), (cid - 4, 2, _gzip(PING))]
    parsed = parse_container(container(items), cid)
    assert [(i.msg_id, i.seqno, i.body) for i in parsed] == [(cid - 8, 1, PING), (cid - 4, 2, PING)]
    assert split(_gzip(container(items)), cid, 0)[0] is True  # a gzip-packed container
    too_many = container([(cid - 4 * (k + 1), 0, PING) for k in range(MAX_CONTAINER_ITEMS + 1)])
    bad = {
        "claims": too_many,
        "duplicate": container([(cid - 4, 1, PING), (cid - 4, 3, PING)]),
        "below": container([(cid, 1, PING)]),
        "nested": container([(cid - 4, 0, container([]))]),
        "length": container([(cid - 4, 1, PING)])[:-1],
        "trailing": container([(cid - 4, 1, PING)]) + bytes(4),
        "count": b"\xdc\xf8\xf1\x73",
        "past": b"\xdc\xf8\xf1\x73\x01\x00\x00\x00" + bytes(16),
    }
    for name, body in bad.items():
        with pytest.raises(DecodeError):
            parse_container(body, cid)
        assert name
    assert parse_container(container([]), cid) == []  # empty containers are legal


def test_window_evicts_the_lowest_and_reports_states() -> None:
    window = MsgIdWindow(3)
    for msg_id in (10, 30, 20):
        window.add(msg_id)
    assert window.rejects(20) and not window.rejects(25) and window.rejects(5)
    window.add(40)  # evicts 10
    assert [m in window for m in (10, 20, 30, 40)] == [False, True, True, True] and len(window) == 3
    assert window.too_old(15) and not window.too_old(20)
    assert [window.state(m) for m in (30, 50, 5, 25)] == [4, 3, 1, 2]
    with pytest.raises(ValueError):
        MsgIdWindow(0)


def test_client_salt_schedule() -> None:
    schedule = SaltSchedule(1)
    schedule.store(
        [
            mt.FutureSalt(valid_since=100, valid_until=300, salt=2),
            mt.FutureSalt(valid_since=200, valid_until=400, salt=3),
        ]
    )
    assert schedule.pick(50) == 1 and schedule.pick(150) == 2 and schedule.pick(250) == 3
    assert schedule.valid_until() == 400.0
    assert schedule.pick(500) == 3  # everything expired: keep the last one, the server will correct it
    schedule.store([mt.FutureSalt(valid_since=400, valid_until=1000, salt=4)])
    schedule.override(9)  # bad_server_salt: its salt wins, the stored ones may be stale and are dropped
    assert schedule.current == 9 and schedule.valid_until() == 0.0 and schedule.pick(600) == 9


def test_server_salts_rotate_by_period() -> None:
    salts = ServerSalts(random=seeded(4), period=100.0, first=77, now=1050.0)
    assert salts.current(1050.0) == 77 and salts.is_valid(77, 1099.0)
    new = salts.current(1100.0)
    assert new != 77 and salts.is_valid(77, 1150.0) and not salts.is_valid(77, 1200.0)
    future = salts.future(1100.0, 3)
    assert [(f.valid_since, f.valid_until) for f in future] == [(1100, 1300), (1200, 1400), (1300, 1500)]
    assert future[0].salt == new and salts.current(1250.0) == future[1].salt
    fresh = salts.rotate(1250.0)
    assert not salts.is_valid(future[1].salt, 1250.0) and salts.is_valid(fresh, 1250.0)
    for k in range(200):  # old periods are forgotten (asked for again, a period gets a new salt)...
        salts.current(2000.0 + 100.0 * k)
    assert salts.current(1050.0) != 77
    previous = salts.current(2000.0 + 100.0 * 200)
    for k in range(201, 400):  # ...but never the one the current salt just superseded
        assert salts.is_valid(previous, 2000.0 + 100.0 * k)
        previous = salts.current(2000.0 + 100.0 * k)
    with pytest.raises(ValueError):
        ServerSalts(random=seeded(1), period=0)


def test_gzip_pack_skips_large_bodies_whose_start_does_not_compress() -> None:
    """File parts are mostly compressed media: a large body is deflated only if its first 16 KB shrink."""
    zeros = bytes(200_000)
    media_then_zeros = os.urandom(GZIP_PROBE_BYTES) + zeros
    assert gzip_pack(media_then_zeros) == media_then_zeros  # not tried: the probe saw media
    zeros_then_media = zeros + os.urandom(GZIP_PROBE_BYTES)
    packed = gzip_pack(zeros_then_media)
    assert len(packed) < len(zeros_then_media) // 4 and gzip_unpack(packed) == zeros_then_media
    small = os.urandom(1000) + bytes(60_000)  # at most 4 probes long: always tried
    assert len(gzip_pack(small)) < len(small) // 2


def test_a_files_bytes_are_never_packed_however_well_they_compress() -> None:
    """Upload parts and getFile's answers go as they are (``limits.FILE_BYTES``); any other body that shrinks is
    packed, also behind a wrapper."""
    part = functions.upload.SaveFilePart(file_id=1, file_part=0, bytes=bytes(4096)).to_bytes()
    assert gzip_pack(part) is part
    big_part = functions.upload.SaveBigFilePart(file_id=1, file_part=0, file_total_parts=30, bytes=bytes(4096))
    wrapped = functions.InvokeWithoutUpdates(query=big_part).to_bytes()  # how a media connection sends it
    assert gzip_pack(wrapped, big_part.CONSTRUCTOR_ID) is wrapped
    assert gzip_pack(wrapped)[:4] == b"\xa1\xcf\x72\x30"  # the wrapper alone does not say it is a file
    chunk = rpc_result(7, types.upload.File(type=types.storage.FilePartial(), mtime=0, bytes=bytes(4096)))
    assert len(chunk) > 4096  # the server's answer to upload.getFile
    text = rpc_result(7, types.Message(id=1, peer_id=types.PeerUser(user_id=1), date=0, message="x" * 4096))
    assert len(text) < 1024


def test_a_session_sends_a_part_as_it_is_behind_any_wrapper() -> None:
    client = ClientSession(seeded(2)(256), random=seeded(3))
    part = functions.upload.SaveFilePart(file_id=1, file_part=0, bytes=bytes(8192))
    sent = client.send(functions.InvokeWithoutUpdates(query=part))
    assert sent.body == functions.InvokeWithoutUpdates(query=part).to_bytes()
    text = functions.messages.SendMessage(peer=types.InputPeerSelf(), message="x" * 4096, random_id=1)
    assert len(client.send(text).body) < 1024  # packed


def test_a_result_that_cannot_be_serialized_raises_encode_error_naming_its_class() -> None:
    assert rpc_result(7, mt.Pong(msg_id=1, ping_id=2))[12:] == mt.Pong(msg_id=1, ping_id=2).to_bytes()
    with pytest.raises(EncodeError, match="cannot serialize Pong"):
        rpc_result(7, mt.Pong(msg_id="one", ping_id=2))  # type: ignore[arg-type]
