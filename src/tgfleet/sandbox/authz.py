"""Authorizations: which auth key is logged in as whom, on which DC, and how.

A key becomes authorized on the DC where it signed in (``auth.signIn`` / ``signUp`` / ``checkPassword``) or
imported an authorization (``auth.importAuthorization``, https://core.telegram.org/api/datacenter). Auth keys
are per DC, so an authorization is only valid on its own DC. Between a signIn that answered
SESSION_PASSWORD_NEEDED and a successful ``auth.checkPassword`` the key is *pending*: it may call
``account.getPassword`` / ``auth.checkPassword`` but is not logged in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxAuthorization:
    auth_key_id: int
    user_id: int
    dc: int
    created: float
    imported: bool
    """Made by auth.importAuthorization (exempt from the USER_MIGRATE rule on a non-home DC)."""


@dataclass(frozen=True)
class PendingPassword:
    user_id: int
    dc: int


@dataclass(frozen=True)
class ExportedAuth:
    user_id: int
    dc: int
    token: bytes


class Authorizations:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._by_key: dict[int, SandboxAuthorization] = {}
        self._pending: dict[int, PendingPassword] = {}
        self._exports: dict[bytes, ExportedAuth] = {}

    def authorize(self, auth_key_id: int, user_id: int, dc: int, *, imported: bool = False) -> SandboxAuthorization:
        self._pending.pop(auth_key_id, None)
        record = SandboxAuthorization(auth_key_id, user_id, dc, self._clock(), imported)
        self._by_key[auth_key_id] = record
        return record

    def get(self, auth_key_id: int) -> SandboxAuthorization | None:
        return self._by_key.get(auth_key_id)

    def all(self) -> list[SandboxAuthorization]:
        return list(self._by_key.values())

    def set_pending(self, auth_key_id: int, user_id: int, dc: int) -> None:
        """The key passed the code check of a 2FA account; it must now prove the password."""
        self._by_key.pop(auth_key_id, None)
        self._pending[auth_key_id] = PendingPassword(user_id, dc)

    def pending(self, auth_key_id: int) -> PendingPassword | None:
        return self._pending.get(auth_key_id)

    def revoke(self, auth_key_id: int) -> SandboxAuthorization | None:
        self._pending.pop(auth_key_id, None)
        return self._by_key.pop(auth_key_id, None)

    def revoke_user(self, user_id: int) -> list[SandboxAuthorization]:
        gone = self.of_user(user_id)
        for record in gone:
            del self._by_key[record.auth_key_id]
        for key in [k for k, p in self._pending.items() if p.user_id == user_id]:
            del self._pending[key]
        return gone

    def of_user(self, user_id: int) -> list[SandboxAuthorization]:
        return [a for a in self._by_key.values() if a.user_id == user_id]

    def export(self, user_id: int, dc: int, token: bytes) -> ExportedAuth:
        exported = ExportedAuth(user_id, dc, token)
        self._exports[token] = exported
        return exported

    def find_export(self, user_id: int, token: bytes, dc: int) -> ExportedAuth | None:
        """The export made for ``user_id`` towards ``dc`` with these bytes (reusable: a client may repeat
        the import after a reconnect)."""
        exported = self._exports.get(token)
        if exported is None or exported.user_id != user_id or exported.dc != dc:
            return None
        return exported
