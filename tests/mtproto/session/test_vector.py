"""docs/test-vectors.md §2.3: a real decrypted server container (new_session_created + pong), client role."""

from __future__ import annotations

import pytest

from tgfleet.crypto.kdf import X_SERVER, AuthKey
from tgfleet.errors import SecurityError
from tgfleet.mtproto.msgid import msg_id_time
from tgfleet.mtproto.session import ClientSession, NewSession, Pong, open_envelope
from tgfleet.tl import mtproto as mt

from .helpers import client_fingerprint, seeded, sent_items

AUTH_KEY = bytes.fromhex(
    "5D2E7D65F49EC28BD029A88761EA27B8A4C79F12226525443E7D7C596EF33035"
    "30DB2107E89AA997C7A0164AB694187ADEFF156BD6EF7118A1962347753C0E7E"
    "89A0354B8EC364F9997E71BC6923FB86E8E43491E010606A6CE845E2FA019409"
    "77EF0AA32ADF5A97DBF6D428EC0434D717A2D3AD19622CC05887642113C7965F"
    "FB862A3E3CCB0AB95ADDDA57F89245DBD76B492348F8E94BD5A7C0E0B8480852"
    "3CFD1EA80B32FE9AD198BC2E103FCEB7D52492ECC0273A28674BC923EEE59265"
    "AB17A002DF1F4AA2C59B819A5E5E1D105EC117336F5C76C6B187037D4B4270CE"
    "E9CC21071D97E9BCA220C6D7B01B998CF2E5CDB9A50ECDA1852A36E635690C8E"
)
PAYLOAD = bytes.fromhex(
    "7A7183C2C10E4F4DF945FA9A9ABD35E7C3840B61F045304F39674C19C0E20978"
    "4F50F6226A073529D675C92CBF0BFA8C99A79B3F39C72A5D9A026D431AB7407C"
    "A04ECC55187D6C45F17871524EDD90CEA02ED728E14D7CB18AEA2A636158F094"
    "59A9437710D894C79F368C4E8164B7647EA98612AEFE942C5D92121ACB8DB02D"
    "CCCEB66D0F8720AC12A06DB0582BFD955BE34F365118E3BAB8CD080CE6B45B28"
    "EAC56DCD2A29374E"
)


def _long(hex_bytes: str) -> int:
    return int.from_bytes(bytes.fromhex(hex_bytes), "little", signed=True)


SESSION_ID = _long("60F2C4822443AD68")
SALT = _long("FC826A02248B28FD")
MSG_ID = 0x5E308B91C2C1F001
SENT_AT = msg_id_time(MSG_ID)  # 2020-01-28 19:29:21 UTC


def test_envelope_fields() -> None:
    env = open_envelope(AuthKey(AUTH_KEY), PAYLOAD, X_SERVER)
    assert (env.salt, env.session_id, env.msg_id, env.seqno, len(env.body)) == (SALT, SESSION_ID, MSG_ID, 2, 88)


def _client() -> ClientSession:
    return ClientSession(AUTH_KEY, session_id=SESSION_ID, random=seeded(1))


def test_client_yields_new_session_and_pong() -> None:
    client = _client()
    events = client.receive(PAYLOAD, SENT_AT)
    assert events == [
        NewSession(first_msg_id=0x5E308B91AD33FDC4, unique_id=0x1658EE07A68EA818, server_salt=SALT),
        Pong(msg_id=0x5E308B91AD33FDC4, ping_id=0x300864),
    ]
    assert client.salt == SALT
    # new_session_created (seqno 1) is content-related and gets acked; the pong (seqno 2) does not.
    env, items = sent_items(AUTH_KEY, client.data_to_send(SENT_AT, flush_acks=True) or b"")
    assert env.salt == SALT and [mt.MsgsAck.from_bytes(body).msg_ids for _, _, body in items] == [[0x5E308B91C2C1A801]]


def test_replay_is_ignored_and_other_sessions_rejected() -> None:
    client, twin = _client(), _client()
    assert client.receive(PAYLOAD, SENT_AT) and twin.receive(PAYLOAD, SENT_AT)
    assert client.receive(PAYLOAD, SENT_AT) == []
    assert client_fingerprint(client, SENT_AT) == client_fingerprint(twin, SENT_AT)
    with pytest.raises(SecurityError, match="session_id"):
        ClientSession(AUTH_KEY, session_id=SESSION_ID + 1).receive(PAYLOAD, SENT_AT)


def test_message_from_2020_is_ignored_with_todays_clock() -> None:
    today = 1_700_000_000.0
    client, twin = _client(), _client()
    assert client.receive(PAYLOAD, today) == []
    assert client_fingerprint(client, today) == client_fingerprint(twin, today)
    assert len(client.receive(PAYLOAD, SENT_AT)) == 2  # not even remembered as seen
