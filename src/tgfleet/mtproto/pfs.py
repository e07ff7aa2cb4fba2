"""Binding a temporary auth key to the permanent one (perfect forward secrecy), sans-IO, in both roles.

https://core.telegram.org/api/pfs, https://core.telegram.org/method/auth.bindTempAuthKey. The binding
message ``bind_auth_key_inner nonce temp_auth_key_id perm_auth_key_id temp_session_id expires_at`` is
encrypted with the *permanent* key as an MTProto 1.0 message: 16 random bytes (in place of salt and
session_id), the msg_id of the auth.bindTempAuthKey call itself, seqno 0, msg_len 40, the 40 bytes, 0..15
bytes of padding (``crypto.kdf_v1``, x = 0). The call travels on the *temporary* key, in the session whose
id is ``temp_session_id``.

Client: :class:`TempKey` is the temporary key it runs on and when to replace it; :func:`binding_request`
builds the call for the msg_id it will travel under (``ClientSession.send_bound`` builds it again for every
transmission). Server: :func:`open_binding` runs every check of the method page and raises the documented
error naming the failed check.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from tgfleet import errors
from tgfleet.crypto.kdf import X_CLIENT, AuthKey
from tgfleet.crypto.kdf_v1 import HEADER_SIZE, decrypt_message_v1, encrypt_message_v1
from tgfleet.errors import DecodeError, SecurityError
from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.tl import functions
from tgfleet.tl import mtproto as mt

INNER_SIZE = 40
"""bind_auth_key_inner: constructor 4, four longs, one int."""
MESSAGE_SIZE = 8 + 16 + HEADER_SIZE + INNER_SIZE + 8
"""encrypted_message: auth_key_id, msg_key, the 72-byte plaintext padded to 80."""
_HEAD = struct.Struct("<qii")  # msg_id, seqno, msg_len (after the 16 random bytes)


def binding_request(
    perm_key: AuthKey,
    *,
    temp_key_id: int,
    temp_session_id: int,
    expires_at: int,
    nonce: int,
    msg_id: int,
    random: Callable[[int], bytes],
) -> functions.auth.BindTempAuthKey:
    """auth.bindTempAuthKey binding ``temp_key_id`` to ``perm_key``, for the call sent as ``msg_id`` in the
    temporary key's session ``temp_session_id``. ``expires_at`` is the temporary key's (server clock)."""
    inner = mt.BindAuthKeyInner(
        nonce=nonce,
        temp_auth_key_id=temp_key_id,
        perm_auth_key_id=perm_key.key_id,
        temp_session_id=temp_session_id,
        expires_at=expires_at,
    )
    plaintext = random(16) + _HEAD.pack(msg_id, 0, INNER_SIZE) + inner.to_bytes()
    return functions.auth.BindTempAuthKey(
        perm_auth_key_id=perm_key.key_id,
        nonce=nonce,
        expires_at=expires_at,
        encrypted_message=encrypt_message_v1(perm_key, plaintext, X_CLIENT, random),
    )


def open_binding(
    request: functions.auth.BindTempAuthKey,
    *,
    perm_key: AuthKey | None,
    temp_key_id: int,
    temp_expires_at: int | None,
    bound_to: int | None,
    session_id: int,
    msg_id: int,
    now: float,
) -> mt.BindAuthKeyInner:
    """Server role: the checked binding message of ``request``, which arrived as ``msg_id`` in session
    ``session_id`` of the key ``temp_key_id`` (``temp_expires_at``: its expiry, None for a permanent key;
    ``bound_to``: the permanent key it is bound to, if any). ``perm_key`` is the permanent key of this DC
    with the id ``request.perm_auth_key_id`` (None if there is none).

    Raises TEMP_AUTH_KEY_EMPTY (the call came on a permanent key), ENCRYPTED_MESSAGE_INVALID (no such
    permanent key; the message does not decrypt with it; or a field differs: msg_id, seqno, msg_len,
    nonce, temp_auth_key_id, perm_auth_key_id, temp_session_id, expires_at), EXPIRES_AT_INVALID (in the
    past, or beyond the temporary key's own expiry) or TEMP_AUTH_KEY_ALREADY_BOUND (to another key).
    """
    if temp_expires_at is None:
        raise errors.TempAuthKeyEmpty(detail="auth.bindTempAuthKey must be sent on the temporary key")
    sent_as, inner = _open(request, perm_key)
    for field, got, want in (
        ("msg_id", sent_as, msg_id),
        ("nonce", inner.nonce, request.nonce),
        ("temp_auth_key_id", inner.temp_auth_key_id, temp_key_id),
        ("perm_auth_key_id", inner.perm_auth_key_id, request.perm_auth_key_id),
        ("temp_session_id", inner.temp_session_id, session_id),
        ("expires_at", inner.expires_at, request.expires_at),
    ):
        if got != want:
            raise _invalid(f"the binding message's {field} is not the call's")
    if not now < request.expires_at <= temp_expires_at:
        window = f"({now:.0f}, {temp_expires_at}]"
        raise errors.ExpiresAtInvalid(detail=f"expires_at {request.expires_at} is not in {window}")
    if bound_to is not None and bound_to != request.perm_auth_key_id:
        raise errors.TempAuthKeyAlreadyBound()
    return inner


def _open(request: functions.auth.BindTempAuthKey, perm_key: AuthKey | None) -> tuple[int, mt.BindAuthKeyInner]:
    """Decrypt the binding message and check its framing: ``(the msg_id it names, bind_auth_key_inner)``."""
    if perm_key is None or perm_key.key_id != request.perm_auth_key_id:
        raise _invalid("no permanent key with that perm_auth_key_id on this DC")
    if len(request.encrypted_message) != MESSAGE_SIZE:
        raise _invalid(f"encrypted_message is {len(request.encrypted_message)} bytes, not {MESSAGE_SIZE}")
    try:
        plaintext = decrypt_message_v1(perm_key, request.encrypted_message, X_CLIENT)
    except SecurityError as e:
        raise _invalid(f"not encrypted with the permanent key: {e}") from None
    if len(plaintext) != HEADER_SIZE + INNER_SIZE:
        raise _invalid(f"msg_len is {len(plaintext) - HEADER_SIZE}, not {INNER_SIZE}")
    sent_as, seqno, _ = _HEAD.unpack_from(plaintext, 16)
    if seqno != 0:
        raise _invalid(f"seqno is {seqno}, not 0")
    try:
        return sent_as, mt.BindAuthKeyInner.from_bytes(plaintext[HEADER_SIZE:])
    except DecodeError as e:
        raise _invalid(f"the plaintext is no bind_auth_key_inner: {e}") from None


def _invalid(detail: str) -> errors.RPCError:
    return errors.EncryptedMessageInvalid(detail=detail)


RENEW_AFTER = 0.75
"""A client replaces its temporary key once this share of the key's life has passed (the server may still
forget it earlier: then it answers -404 and the client makes a new one at once)."""


@dataclass
class TempKey:
    """The temporary key a client runs on (memory only): ``expires_at`` on the server's clock (what the
    binding says), ``renew_at`` on the local clock, ``bound`` once auth.bindTempAuthKey succeeded."""

    auth_key: AuthKey
    expires_at: int
    renew_at: float
    bound: bool = False

    @classmethod
    def made(cls, result: HandshakeResult, now: float) -> TempKey:
        """The key of a finished exchange for a temporary key (``expires_in`` set), made at ``now``."""
        if result.expires_in is None or result.expires_at is None:
            raise ValueError("not a temporary key: the exchange had no expires_in")
        return cls(AuthKey(result.auth_key), result.expires_at, now + result.expires_in * RENEW_AFTER)

    def due(self, now: float) -> bool:
        """Whether a bound key should be replaced now (a key being bound is never interrupted)."""
        return self.bound and now >= self.renew_at
