"""The binding message of auth.bindTempAuthKey in both roles (https://core.telegram.org/method/auth.bindTempAuthKey):
what the client builds opens on the server; every field the server checks, when wrong, is refused with the
documented error, by the check that names it; hostile bytes raise only that error; and the client session
builds the call again for each msg_id it travels under, re-sends included."""

from __future__ import annotations

import os
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgfleet import errors
from tgfleet.crypto.kdf import X_CLIENT, AuthKey
from tgfleet.crypto.kdf_v1 import encrypt_message_v1
from tgfleet.mtproto.pfs import MESSAGE_SIZE, binding_request, open_binding
from tgfleet.mtproto.session import ClientSession
from tgfleet.tl import functions
from tgfleet.tl import mtproto as mt

from .session.helpers import NOW, msg_id_at, sent_items, server_message

PERM = AuthKey(os.urandom(256))
OTHER = AuthKey(os.urandom(256))
TEMP_KEY_ID = 0x1122334455667788
SESSION_ID = -0x0102030405060708
MSG_ID = msg_id_at(NOW)
NONCE = 0x0BADC0FFEE
EXPIRES_AT = int(NOW) + 86400
BIND_ID = functions.auth.BindTempAuthKey.CONSTRUCTOR_ID.to_bytes(4, "little")


def request(**changes: Any) -> functions.auth.BindTempAuthKey:
    args: dict[str, Any] = {
        "temp_key_id": TEMP_KEY_ID, "temp_session_id": SESSION_ID, "expires_at": EXPIRES_AT, "nonce": NONCE,
        "msg_id": MSG_ID, "random": os.urandom,
    }  # fmt: skip
    args.update(changes)
    return binding_request(PERM, **args)


def check(call: functions.auth.BindTempAuthKey, **changes: Any) -> mt.BindAuthKeyInner:
    """The server's view: the call arrived as MSG_ID in SESSION_ID of the temporary key TEMP_KEY_ID."""
    args: dict[str, Any] = {
        "perm_key": PERM, "temp_key_id": TEMP_KEY_ID, "temp_expires_at": EXPIRES_AT, "bound_to": None,
        "session_id": SESSION_ID, "msg_id": MSG_ID, "now": NOW,
    }  # fmt: skip
    args.update(changes)
    return open_binding(call, **args)


def forged(
    *, key: AuthKey = PERM, msg_id: int = MSG_ID, seqno: int = 0, body: bytes | None = None, **inner: Any
) -> bytes:
    """An encrypted_message built by hand, every field of it chosen."""
    fields: dict[str, Any] = {
        "nonce": NONCE, "temp_auth_key_id": TEMP_KEY_ID, "perm_auth_key_id": PERM.key_id,
        "temp_session_id": SESSION_ID, "expires_at": EXPIRES_AT,
    }  # fmt: skip
    fields.update(inner)
    data = mt.BindAuthKeyInner(**fields).to_bytes() if body is None else body
    plaintext = os.urandom(16) + struct.pack("<qii", msg_id, seqno, len(data)) + data
    return encrypt_message_v1(key, plaintext, X_CLIENT)


def outer(encrypted_message: bytes, **changes: Any) -> functions.auth.BindTempAuthKey:
    args: dict[str, Any] = {"perm_auth_key_id": PERM.key_id, "nonce": NONCE, "expires_at": EXPIRES_AT}
    args.update(changes)
    return functions.auth.BindTempAuthKey(encrypted_message=encrypted_message, **args)


# --- both roles -------------------------------------------------------------------------------------------


def test_what_the_client_builds_opens_on_the_server() -> None:
    call = request()
    assert call.perm_auth_key_id == PERM.key_id and call.nonce == NONCE and call.expires_at == EXPIRES_AT
    assert len(call.encrypted_message) == MESSAGE_SIZE == 104 and call.encrypted_message[:8] == PERM.id_bytes
    inner = check(call)
    assert (inner.nonce, inner.temp_auth_key_id, inner.perm_auth_key_id, inner.temp_session_id, inner.expires_at) == (
        NONCE, TEMP_KEY_ID, PERM.key_id, SESSION_ID, EXPIRES_AT,
    )  # fmt: skip
    assert check(outer(forged())) == inner  # the hand-built message is the same message
    assert check(call, bound_to=PERM.key_id) == inner  # binding again to the same key is fine


# --- every field the server checks --------------------------------------------------------------------------


INVALID = errors.EncryptedMessageInvalid


@pytest.mark.parametrize(
    ("call", "server", "error", "detail"),
    [
        # the call itself
        (lambda: request(), {"temp_expires_at": None}, errors.TempAuthKeyEmpty, "temporary key"),
        (lambda: request(), {"perm_key": None}, INVALID, "no permanent key"),
        (lambda: outer(forged(), perm_auth_key_id=OTHER.key_id), {"perm_key": OTHER}, INVALID, "auth_key_id mismatch"),
        (lambda: outer(forged(key=OTHER)), {}, INVALID, "not encrypted with the permanent key"),
        (lambda: outer(bytes(MESSAGE_SIZE)), {}, INVALID, "not encrypted with the permanent key"),
        (lambda: outer(forged()[:-16]), {}, INVALID, "not 104"),
        (lambda: outer(forged(body=bytes(56))), {}, INVALID, "not 104"),
        (lambda: outer(forged(body=bytes(36))), {}, INVALID, "msg_len is 36"),
        (lambda: outer(forged(body=bytes(44))), {}, INVALID, "msg_len is 44"),
        (lambda: outer(forged(seqno=1)), {}, INVALID, "seqno"),
        (lambda: outer(forged(body=bytes(40))), {}, INVALID, "no bind_auth_key_inner"),
        # each field against what the server saw
        (lambda: request(msg_id=MSG_ID + 4), {}, INVALID, "msg_id"),
        (lambda: request(), {"msg_id": MSG_ID + 4}, INVALID, "msg_id"),
        (lambda: outer(forged(nonce=NONCE + 1)), {}, INVALID, "nonce"),
        (lambda: outer(forged(), nonce=NONCE + 1), {}, INVALID, "nonce"),
        (lambda: request(), {"temp_key_id": TEMP_KEY_ID + 1}, INVALID, "temp_auth_key_id"),
        (lambda: outer(forged(perm_auth_key_id=OTHER.key_id)), {}, INVALID, "perm_auth_key_id"),
        (lambda: request(), {"session_id": SESSION_ID + 1}, INVALID, "temp_session_id"),
        (lambda: outer(forged(expires_at=EXPIRES_AT - 1)), {}, INVALID, "expires_at"),
        (lambda: outer(forged(), expires_at=EXPIRES_AT - 1), {}, INVALID, "expires_at"),
        # the key's life and its binding
        (lambda: request(), {"temp_expires_at": EXPIRES_AT - 1}, errors.ExpiresAtInvalid, "expires_at"),
        (lambda: request(), {"now": EXPIRES_AT}, errors.ExpiresAtInvalid, "expires_at"),
        (lambda: request(), {"bound_to": OTHER.key_id}, errors.TempAuthKeyAlreadyBound, "ALREADY_BOUND"),
    ],
)
def test_each_wrong_field_is_refused_with_its_error(
    call: Any, server: dict[str, Any], error: type[errors.RPCError], detail: str
) -> None:
    with pytest.raises(error, match=detail) as refused:
        check(call(), **server)
    assert refused.value.code == 400 and type(refused.value).__name__ == error.__name__


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(-(1 << 63), (1 << 63) - 1))
def test_hostile_bytes_raise_only_encrypted_message_invalid(data: bytes, perm_auth_key_id: int) -> None:
    with pytest.raises(INVALID):
        check(outer(data, perm_auth_key_id=perm_auth_key_id))
    with pytest.raises(INVALID):
        check(outer(PERM.id_bytes + data))


# --- the client session: one body per msg_id ----------------------------------------------------------------


def bound_call(session: ClientSession) -> Any:
    return session.send_bound(
        lambda msg_id: binding_request(
            PERM, temp_key_id=session.auth_key.key_id, temp_session_id=session.session_id, expires_at=EXPIRES_AT,
            nonce=NONCE, msg_id=msg_id, random=os.urandom,
        )
    )  # fmt: skip


def opened(session: ClientSession, data: bytes) -> tuple[int, mt.BindAuthKeyInner]:
    """The server's check of the one call in a message: (the msg_id it travelled under, the binding)."""
    env, items = sent_items(session.auth_key.key, data)
    [(msg_id, body)] = [(i, b) for i, _, b in items if b[:4] == BIND_ID]  # (an ack may ride along)
    call = functions.auth.BindTempAuthKey.from_bytes(body)
    inner = check(call, temp_key_id=session.auth_key.key_id, session_id=env.session_id, msg_id=msg_id)
    return msg_id, inner


def test_the_session_builds_the_call_for_each_msg_id_it_travels_under() -> None:
    session = ClientSession(os.urandom(256), salt=1)
    bound_call(session)
    data = session.data_to_send(NOW)
    assert data is not None
    first, _ = opened(session, data)
    # the server asks for the message again with another salt: it goes out under a new msg_id, rebuilt
    bounce = mt.BadServerSalt(bad_msg_id=first, bad_msg_seqno=1, error_code=48, new_server_salt=2)
    assert session.receive(server_message(session, bounce.to_bytes(), NOW), NOW) == []
    again = session.data_to_send(NOW + 1)
    assert again is not None
    second, _ = opened(session, again)
    assert second > first


def test_the_session_names_its_new_session_id_after_a_change_of_session() -> None:
    session = ClientSession(os.urandom(256), salt=1)
    bound_call(session)
    assert session.data_to_send(NOW) is not None
    old = session.session_id
    session.new_session()  # (after bad_msg_notification 32/33)
    data = session.data_to_send(NOW + 1)
    assert data is not None
    _, inner = opened(session, data)
    assert inner.temp_session_id == session.session_id != old


def test_rekey_moves_the_unanswered_requests_onto_a_new_session_of_the_new_key() -> None:
    old_key, new_key = os.urandom(256), os.urandom(256)
    session = ClientSession(old_key, salt=1)
    in_flight = session.send(functions.help.GetNearestDc())
    assert session.data_to_send(NOW) is not None
    queued = session.send(functions.help.GetConfig())  # not sent yet
    old_session_id = session.session_id
    session.rekey(new_key, salt=5)
    assert session.data_to_send(NOW) is None  # nothing goes out until the caller says what comes first
    bind = bound_call(session)
    data = session.data_to_send(NOW)
    assert data is not None and data[:8] == AuthKey(new_key).id_bytes
    env, items = sent_items(new_key, data)
    assert env.session_id == session.session_id != old_session_id and env.salt == 5
    assert [body[:4] for _, _, body in items] == [BIND_ID] and items[0][1] == 1  # alone, the session's first
    session.resend_all()  # (the binding is still unanswered here, so it goes again too, built anew)
    data = session.data_to_send(NOW + 1)
    assert data is not None
    _, items = sent_items(new_key, data)
    assert [body for _, _, body in items] == [in_flight.body, queued.body, bind.body]  # each once, new key
    assert opened(session, data)[0] == bind.msg_id and session.unanswered() == [in_flight, queued, bind]
