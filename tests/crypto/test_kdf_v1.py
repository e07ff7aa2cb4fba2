"""MTProto 1.0 message keys and encryption (only the binding message of PFS uses it): docs/test-vectors.md §2.5,
both directions, and every tampering refused with the same error."""

from __future__ import annotations

import os
import struct

import pytest

from tgfleet.crypto.aes import ige_encrypt
from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey
from tgfleet.crypto.kdf_v1 import aes_key_iv_v1, decrypt_message_v1, encrypt_message_v1, msg_key_v1
from tgfleet.errors import EncodeError, SecurityError

from . import vectors as v

KEY = AuthKey(os.urandom(256))
GARBLED = "msg_key mismatch|message_data_length"
"""What a wrong key or a flipped bit yields: the decrypted length field is noise, or else the msg_key differs."""


def plaintext(data: bytes, *, length: int | None = None) -> bytes:
    """A v1 plaintext: 16 bytes of salt and session_id, msg_id, seqno, message_data_length, the data."""
    size = len(data) if length is None else length
    return os.urandom(16) + struct.pack("<qii", 0x5E308B91C2C1F000, 1, size) + data


def test_s25_msg_key_is_sha1_bytes_4_to_20() -> None:
    assert msg_key_v1(v.S25_MSG_KEY_INPUT) == v.S25_MSG_KEY


def test_s25_aes_key_and_iv_of_the_counting_key() -> None:
    got = aes_key_iv_v1(v.KEY_00_FF, v.MSG_KEY_00_0F, X_CLIENT)
    assert got == (v.S25_CLIENT_AES_KEY, v.S25_CLIENT_AES_IV)
    assert aes_key_iv_v1(AuthKey(v.KEY_00_FF), v.MSG_KEY_00_0F, X_CLIENT) == got
    assert aes_key_iv_v1(v.KEY_00_FF, v.MSG_KEY_00_0F, X_SERVER) != got  # x shifts every slice


@pytest.mark.parametrize("x", [X_CLIENT, X_SERVER])
@pytest.mark.parametrize("size", [0, 4, 40, 44, 1024])
def test_a_message_round_trips_in_both_directions(x: int, size: int) -> None:
    plain = plaintext(os.urandom(size))
    data = encrypt_message_v1(KEY, plain, x)
    assert data[:8] == KEY.id_bytes and data[8:24] == msg_key_v1(plain)  # msg_key over the unpadded text
    assert (len(data) - 24) % 16 == 0 and 0 <= len(data) - 24 - len(plain) <= 15
    assert decrypt_message_v1(KEY, data, x) == plain
    with pytest.raises(SecurityError, match=GARBLED):
        decrypt_message_v1(KEY, data, X_SERVER if x == X_CLIENT else X_CLIENT)  # the other direction's keys


def test_the_padding_is_random_and_never_part_of_the_msg_key() -> None:
    plain = plaintext(bytes(40))
    first, second = encrypt_message_v1(KEY, plain, X_CLIENT), encrypt_message_v1(KEY, plain, X_CLIENT)
    assert first[:24] == second[:24] and first != second


def tampered(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: tampered(d, 0), "auth_key_id"),
        (lambda d: tampered(d, 10), GARBLED),
        (lambda d: tampered(d, 40), GARBLED),
        (lambda d: tampered(d, len(d) - 1), GARBLED),
        (lambda d: d[:-16], GARBLED),
        (lambda d: d[:-1], "multiple of 16"),
        (lambda d: d[:40], "too short"),
        (lambda d: b"", "too short"),
    ],
)
def test_every_tampering_is_refused(change: object, problem: str) -> None:
    data = encrypt_message_v1(KEY, plaintext(os.urandom(40)), X_CLIENT)
    assert callable(change)
    with pytest.raises(SecurityError, match=problem):
        decrypt_message_v1(KEY, change(data), X_CLIENT)


@pytest.mark.parametrize("length", [-4, 41, 80, 10_000])
def test_a_length_field_that_does_not_fit_is_refused_even_with_the_right_msg_key(length: int) -> None:
    plain = plaintext(bytes(40), length=length)
    aes_key, aes_iv = aes_key_iv_v1(KEY, msg_key_v1(plain), X_CLIENT)
    data = KEY.id_bytes + msg_key_v1(plain) + ige_encrypt(plain + bytes(-len(plain) % 16), aes_key, aes_iv)
    with pytest.raises(SecurityError, match="message_data_length"):
        decrypt_message_v1(KEY, data, X_CLIENT)


def test_a_plaintext_whose_length_field_lies_is_not_encrypted() -> None:
    with pytest.raises(EncodeError):
        encrypt_message_v1(KEY, plaintext(bytes(40), length=36), X_CLIENT)
    with pytest.raises(EncodeError):
        encrypt_message_v1(KEY, b"short", X_CLIENT)
