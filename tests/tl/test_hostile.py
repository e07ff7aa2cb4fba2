"""Hostile input: whatever bytes arrive, the decoder raises only DecodeError, naming where it failed,
and never allocates more than the input could justify."""

from __future__ import annotations

import contextlib
import struct
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tl.schema_values import obj, schema
from tgfleet.errors import DecodeError
from tgfleet.tl import decode, functions, types

SAMPLES = [c for c in schema().all if c.source == "api" and c.explicit_id is not None]


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_only_raise_decode_error(data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        decode(data)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(SAMPLES).map(lambda c: c.id), st.binary(max_size=120))
def test_known_id_with_random_body_only_raises_decode_error(cid: int, body: bytes) -> None:
    with contextlib.suppress(DecodeError):
        decode(struct.pack("<I", cid) + body)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_mutated_valid_encodings_only_raise_decode_error(data: st.DataObject) -> None:
    c = data.draw(st.sampled_from(SAMPLES))
    encoded = bytearray(data.draw(obj(c)).to_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        pos = data.draw(st.integers(0, max(len(encoded) - 1, 0)))
        if kind == "flip" and encoded:
            encoded[pos] ^= 1 << data.draw(st.integers(0, 7))
        elif kind == "truncate":
            del encoded[pos:]
        elif kind == "insert":
            encoded[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
        elif encoded:
            del encoded[pos : pos + data.draw(st.integers(1, 8))]
    with contextlib.suppress(DecodeError):
        decode(bytes(encoded))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64))
def test_results_of_random_bytes_only_raise_decode_error(data: bytes) -> None:
    for fn in (
        functions.users.GetUsers(id=[]),
        functions.messages.GetMessagesViews(peer=types.InputPeerSelf(), id=[], increment=False),
        functions.help.GetConfig(),
        functions.InvokeWithLayer(layer=229, query=functions.updates.GetState()),
    ):
        with contextlib.suppress(DecodeError):
            fn.read_result(data)


def test_truncation_names_constructor_field_and_offset() -> None:
    data = types.User(id=5, first_name="Alice").to_bytes()
    with pytest.raises(DecodeError) as e:
        decode(data[:-4])
    assert e.value.where == "User.first_name" and e.value.offset == 20
    assert "runs past the end" in str(e.value)


def test_nested_path_is_reported() -> None:
    upd = types.Updates(
        updates=[
            types.UpdateNewMessage(
                message=types.Message(id=1, peer_id=types.PeerUser(user_id=2), date=3, message="x" * 40),
                pts=1,
                pts_count=1,
            )
        ]
        * 2,
        users=[],
        chats=[],
        date=0,
        seq=0,
    )
    data = upd.to_bytes()
    with pytest.raises(DecodeError) as e:
        decode(data[:-40])
    assert e.value.where == "Updates.updates > [1] > UpdateNewMessage.message > Message.message"


def test_unknown_constructor_id_is_named() -> None:
    with pytest.raises(DecodeError, match="unknown constructor id 0xdeadbeef"):
        decode(struct.pack("<I", 0xDEADBEEF))


def test_wrong_type_in_a_typed_field_is_rejected() -> None:
    data = bytearray(types.InputPeerUser(user_id=1, access_hash=2).to_bytes())
    call = functions.messages.SendMessage(peer=types.InputPeerSelf(), message="hi", random_id=1).to_bytes()
    bad = call.replace(types.InputPeerSelf().to_bytes(), types.UserEmpty(id=1).to_bytes())
    with pytest.raises(DecodeError, match="not a InputPeer"):
        decode(bad)
    assert decode(bytes(data)) == types.InputPeerUser(user_id=1, access_hash=2)


def test_huge_vector_count_allocates_nothing() -> None:
    data = types.Updates(updates=[], users=[], chats=[], date=0, seq=0).to_bytes()
    huge = data[:8] + struct.pack("<i", 2**31 - 1) + data[12:]
    tracemalloc.start()
    with pytest.raises(DecodeError, match="vector count 2147483647 is larger than"):
        decode(huge)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000


def test_huge_string_length_allocates_nothing() -> None:
    # error#c4b9f9bb code:int text:string, with a text length of 16 MiB - 1 and no text
    data = struct.pack("<Ii", types.Error.CONSTRUCTOR_ID, 1) + b"\xfe\xff\xff\xff"
    tracemalloc.start()
    with pytest.raises(DecodeError, match="string of 16777215 bytes runs past the end"):
        decode(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000


def test_deep_nesting_is_a_decode_error() -> None:
    inner = types.InputPeerUserFromMessage
    head = struct.pack("<I", inner.CONSTRUCTOR_ID)
    with pytest.raises(DecodeError, match="nested too deeply"):
        decode(head * 200_000)


def test_trailing_bytes_are_rejected() -> None:
    with pytest.raises(DecodeError, match="4 trailing bytes"):
        decode(types.InputPeerSelf().to_bytes() + b"\0\0\0\0")
