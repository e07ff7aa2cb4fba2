"""Published transport vectors, byte for byte (docs/test-vectors.md §5 and §5.1)."""

from __future__ import annotations

import pytest

from tgfleet.crypto.aes import AesCtr
from tgfleet.errors import TransportCodeError
from tgfleet.mtproto.transport import (
    Abridged,
    Full,
    Intermediate,
    Obfuscated,
    Packet,
    ServerTransport,
    make_init,
    obfuscation_keys,
)

from .transport_cases import pattern

ENTROPY = bytes.fromhex(
    "29AFD26DF40FB8ED10B6B4AD6D56EF5DF9453F88E6EE6ADB6E0544BA635DC6A8"
    "A990C9B8B980C343936B33FA7F97BAE025102532233ABB269C489920EF99021B"
)
ERROR_404 = bytes.fromhex("6CFEFFFF")


def fixed(data: bytes):  # type: ignore[no-untyped-def]
    return lambda n: data[:n]


def ff(n: int) -> bytes:
    return b"\xff" * n


# --- §5 plain framings ---------------------------------------------------------------------------


def test_abridged_vectors() -> None:
    assert Abridged().encode(pattern(0)) == bytes.fromhex("EF00")
    assert Abridged().encode(pattern(128)) == bytes.fromhex("EF20") + pattern(128)
    assert Abridged().encode(pattern(1024)) == bytes.fromhex("EF7F000100") + pattern(1024)


def test_abridged_tag_only_once() -> None:
    codec = Abridged()
    assert codec.encode(pattern(128))[:1] == b"\xef"
    assert codec.encode(pattern(128)) == bytes.fromhex("20") + pattern(128)


def test_intermediate_vectors() -> None:
    assert Intermediate().encode(pattern(0)) == bytes.fromhex("EEEEEEEE00000000")
    assert Intermediate().encode(pattern(128)) == bytes.fromhex("EEEEEEEE80000000") + pattern(128)


def test_full_vectors() -> None:
    assert Full().encode(pattern(0)) == bytes.fromhex("0C000000 00000000 26CA8D32")
    codec = Full()
    first = bytes.fromhex("8C000000 00000000") + pattern(128) + bytes.fromhex("86739537")
    second = bytes.fromhex("8C000000 01000000") + pattern(128) + bytes.fromhex("9609F04A")
    assert codec.encode(pattern(128)) == first
    assert codec.encode(pattern(128)) == second


def test_full_vectors_decode_in_server_role() -> None:
    server = Full(server=True)
    stream = bytes.fromhex("8C000000 00000000") + pattern(128) + bytes.fromhex("86739537")
    stream += bytes.fromhex("8C000000 01000000") + pattern(128) + bytes.fromhex("9609F04A")
    assert server.feed(stream) == [Packet(pattern(128)), Packet(pattern(128))]


# --- §5.1 obfuscation ----------------------------------------------------------------------------


def test_obfuscated_header_all_ff() -> None:
    header = Obfuscated(Intermediate(), random=ff).start()
    assert header == b"\xff" * 56 + bytes.fromhex("FCE8AB2203DB2BFF")


@pytest.mark.parametrize(
    ("dc_id", "tail"),
    [(1, "ECEC4CBDA8BB188B"), (10001, "ECEC4CBDB89C188B"), (-1, "ECEC4CBD5644188B")],
)
def test_obfuscated_header_mtproxy_zero_secret(dc_id: int, tail: str) -> None:
    header = Obfuscated(Intermediate(), secret=bytes(16), dc_id=dc_id, random=ff).start()
    assert header == b"\xff" * 56 + bytes.fromhex(tail)


def test_obfuscation_keys_mtcute_entropy() -> None:
    init = make_init(b"\xee" * 4, random=fixed(ENTROPY))
    assert obfuscation_keys(init) == (
        bytes.fromhex("10B6B4AD6D56EF5DF9453F88E6EE6ADB6E0544BA635DC6A8A990C9B8B980C343"),
        bytes.fromhex("936B33FA7F97BAE025102532233ABB26"),
        bytes.fromhex("26BB3A2332251025E0BA977FFA336B9343C380B9B8C990A9A8C65D63BA44056E"),
        bytes.fromhex("DB6AEEE6883F45F95DEF566DADB4B610"),
    )


def test_obfuscated_stream_mtcute_entropy() -> None:
    codec = Obfuscated(Intermediate(), random=fixed(ENTROPY))
    assert codec.start() == bytes.fromhex(
        "29AFD26DF40FB8ED10B6B4AD6D56EF5DF9453F88E6EE6ADB6E0544BA635DC6A8"
        "A990C9B8B980C343936B33FA7F97BAE025102532233ABB26D4A1FE6D34F1BA08"
    )
    assert codec.encode(ERROR_404) == bytes.fromhex("A1020630A410E940")
    assert codec.encode(ERROR_404) == bytes.fromhex("F53FF53F371DB495")


RECEIVED = [bytes.fromhex("E8027DF708AB3B5C"), bytes.fromhex("1854BE76D2DF4949")]


def test_obfuscated_receive_mtcute_entropy() -> None:
    """The received chunks decrypt to ``04000000 6CFEFFFF`` both times: transport error -404, typed."""
    codec = Obfuscated(Intermediate(), random=fixed(ENTROPY))
    with pytest.raises(TransportCodeError) as info:
        codec.feed(RECEIVED[0])
    assert info.value.code == -404
    _, _, dec_key, dec_iv = obfuscation_keys(make_init(b"\xee" * 4, random=fixed(ENTROPY)))
    decrypt = AesCtr(dec_key, dec_iv)
    assert [decrypt.update(chunk) for chunk in RECEIVED] == [bytes.fromhex("04000000") + ERROR_404] * 2


def test_server_role_sends_the_vector_errors() -> None:
    """The server answering that client with -404 twice produces exactly the received chunks."""
    client = Obfuscated(Intermediate(), random=fixed(ENTROPY))
    server = ServerTransport()
    assert server.feed(client.start()) == []
    assert [server.encode_error(-404), server.encode_error(-404)] == RECEIVED


def test_obfuscated_mtproxy_keys_mtcute_entropy() -> None:
    init = make_init(b"\xee" * 4, dc_id=10001, random=fixed(ENTROPY))
    assert init[60:62] == (10001).to_bytes(2, "little")
    enc_key, enc_iv, dec_key, dec_iv = obfuscation_keys(init, SECRET_V)
    assert enc_key == bytes.fromhex("DD03188944590983E28DAD14D97D0952389D118AF4FFCBDB28D56A6A612EF7A6")
    assert dec_key == bytes.fromhex("413B8E08021FBB08A2962B6D7187194FE46565C6B329D3BBDFCFFD4870C16119")
    assert enc_iv == bytes.fromhex("936B33FA7F97BAE025102532233ABB26")
    assert dec_iv == bytes.fromhex("DB6AEEE6883F45F95DEF566DADB4B610")


SECRET_V = bytes.fromhex("00112233445566778899AABBCCDDEEFF")


def test_server_reads_the_vector_header() -> None:
    """The server role accepts the published header and decrypts the client's -404 frames."""
    client = Obfuscated(Intermediate(), random=fixed(ENTROPY))
    server = ServerTransport()
    stream = client.start() + client.encode(pattern(8)) + client.encode(pattern(12))
    assert server.feed(stream) == [Packet(pattern(8)), Packet(pattern(12))]
    assert isinstance(server.codec, Obfuscated)
    assert isinstance(server.codec.inner, Intermediate)


def test_server_reads_mtproxy_dc_id() -> None:
    client = Obfuscated(Intermediate(), secret=SECRET_V, dc_id=10001, random=fixed(ENTROPY))
    server = ServerTransport(secret=SECRET_V)
    assert server.feed(client.start()) == []
    assert isinstance(server.codec, Obfuscated)
    assert server.codec.dc_id == 10001
