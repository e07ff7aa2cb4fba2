"""What a login flow keeps sealed (``seal.py``'s AES-256-GCM under the fleet key): its temporary session (the auth
key per DC made while logging in, the home DC, the ``phone_code_hash`` that belongs to that key), and the future auth
tokens of a phone. The associated data names the flow or the phone, so a sealed value copied elsewhere does not open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tgfleet.fleet.errors import SealedDataError
from tgfleet.fleet.seal import Sealer
from tgfleet.storage import Storage

MAX_SESSION_BYTES = 64 * 1024


@dataclass(frozen=True)
class FlowSession:
    """The login's own session: ``dc_id`` and the auth key of each DC it made one on, ``phone_code_hash``."""

    dc_id: int | None = None
    keys: dict[int, bytes] = field(default_factory=dict, repr=False)
    phone_code_hash: str | None = field(default=None, repr=False)

    def load_into(self, storage: Storage) -> None:
        """Give an open, empty storage this session (the client then reuses the key the code was sent to)."""
        if self.dc_id is not None:
            storage.set_dc_id(self.dc_id)
        for dc, key in self.keys.items():
            storage.set_auth_key(dc, key)

    @classmethod
    def of(cls, storage: Storage, phone_code_hash: str | None) -> FlowSession:
        return cls(storage.get_dc_id(), dict(storage.get_auth_keys()), phone_code_hash)


def _flow_aad(login_id: int) -> bytes:
    return b"tgfleet/fleet/v1/login/%d" % login_id


def _token_aad(phone: str) -> bytes:
    return b"tgfleet/fleet/v1/future_auth_token/" + phone.encode()


def seal_session(sealer: Sealer, login_id: int, session: FlowSession) -> bytes:
    data = {"dc_id": session.dc_id, "keys": {str(dc): key.hex() for dc, key in session.keys.items()},
            "phone_code_hash": session.phone_code_hash}  # fmt: skip
    return sealer.seal(json.dumps(data).encode(), _flow_aad(login_id))


def unseal_session(sealer: Sealer, login_id: int, blob: bytes | None) -> FlowSession:
    """The flow's session (empty for none); SealedDataError when it does not open or is malformed."""
    if blob is None:
        return FlowSession()
    if len(blob) > MAX_SESSION_BYTES:
        raise SealedDataError(f"login {login_id}: its sealed session is {len(blob)} bytes, more than a session holds")
    plain = sealer.unseal(blob, _flow_aad(login_id))
    try:
        data = json.loads(plain or b"")
        keys = {int(dc): bytes.fromhex(key) for dc, key in data["keys"].items()}
        return FlowSession(data["dc_id"], keys, data["phone_code_hash"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SealedDataError(f"login {login_id}: its sealed session does not open under the fleet key") from None


def seal_token(sealer: Sealer, phone: str, token: bytes) -> bytes:
    return sealer.seal(token, _token_aad(phone))


def unseal_token(sealer: Sealer, phone: str, blob: bytes) -> bytes | None:
    return sealer.unseal(blob, _token_aad(phone))
