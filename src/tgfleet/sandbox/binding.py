"""auth.bindTempAuthKey on the server: a temporary key starts acting for a permanent one
(https://core.telegram.org/api/pfs, https://core.telegram.org/method/auth.bindTempAuthKey).

The network side answers it, not the world, because it changes the key store (``keys.py``) and needs what
only the network side sees: the key and the session the call came on and the call's own msg_id. It is
answered before the connection checks of ``dispatch.py`` (a new temporary key sends it before
initConnection). The checks themselves are ``mtproto.pfs.open_binding``.
"""

from __future__ import annotations

import logging

from tgfleet.errors import RPCError
from tgfleet.mtproto.pfs import open_binding
from tgfleet.sandbox.keys import DcKeys, KeyState
from tgfleet.tl import functions
from tgfleet.tl.core.writer import BOOL_TRUE

log = logging.getLogger("tgfleet.sandbox")


def bind(
    keys: DcKeys, key: KeyState, session_id: int, msg_id: int, request: functions.auth.BindTempAuthKey, now: float
) -> bytes | RPCError:
    """The answer to ``request``, which arrived as ``msg_id`` in session ``session_id`` of ``key``: boolTrue
    once ``key`` is bound, or the RPC error of the check that failed."""
    perm = keys.get(request.perm_auth_key_id)
    permanent = perm if perm is not None and not perm.temporary else None
    try:
        open_binding(
            request,
            perm_key=permanent.auth_key if permanent is not None else None,
            temp_key_id=key.key_id,
            temp_expires_at=key.expires_at,
            bound_to=key.bound_to.key_id if key.bound_to is not None else None,
            session_id=session_id,
            msg_id=msg_id,
            now=now,
        )
    except RPCError as e:
        log.info("dc%d: auth.bindTempAuthKey on key %#x refused: %s", keys.dc_id, key.key_id & (2**64 - 1), e)
        return e
    assert permanent is not None  # open_binding refuses a binding without its permanent key
    keys.bind(key, permanent, request.expires_at)
    return BOOL_TRUE
