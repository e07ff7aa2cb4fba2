"""Authorizations: which auth key is logged in as whom, on which DC, and how.

A key becomes authorized on the DC where it signed in (``auth.signIn`` / ``signUp`` / ``checkPassword``) or
imported an authorization (``auth.importAuthorization``, https://core.telegram.org/api/datacenter). Auth keys
are per DC, so an authorization is only valid on its own DC. Between a signIn that answered
SESSION_PASSWORD_NEEDED and a successful ``auth.checkPassword`` the key is *pending*: it may call
``account.getPassword`` / ``auth.checkPassword`` but is not logged in.

Each authorization is a session of the account as ``account.getAuthorizations`` lists it
(https://core.telegram.org/method/account.getAuthorizations): a random ``hash`` that names it, the app it was made
with, and ``unconfirmed`` while a new login has not been confirmed (https://core.telegram.org/api/auth#confirming-login:
a sign-in on an account that already had a session is unconfirmed until one of its sessions confirms it with
``account.changeAuthorizationSettings(confirmed=True)``; the first login of an account and an import onto another DC
have nothing to confirm). A session ended by another one (``account.resetAuthorization``, ``auth.resetAuthorizations``)
is remembered as *ended*: the key's next call gets SESSION_REVOKED (401), later ones AUTH_KEY_UNREGISTERED.

Bounded: at most :data:`MAX_PER_ACCOUNT` authorizations per account (a new login ends the oldest beyond that) and
:data:`MAX_ENDED` ended keys remembered (the oldest forgotten first).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

MAX_PER_ACCOUNT = 200
"""Authorizations one account keeps (Telegram publishes no number); a new login beyond ends the oldest."""
MAX_ENDED = 100_000
"""Keys whose session was ended by another session, remembered for their SESSION_REVOKED."""


@dataclass(frozen=True)
class ClientApp:
    """The app an authorization was made with (what the key's ``initConnection`` said)."""

    api_id: int = 0
    device_model: str = ""
    system_version: str = ""
    app_version: str = ""


@dataclass(frozen=True)
class SandboxAuthorization:
    auth_key_id: int
    user_id: int
    dc: int
    created: float
    imported: bool
    """Made by auth.importAuthorization (exempt from the USER_MIGRATE rule on a non-home DC)."""
    hash: int = 0
    """Names the session in account.getAuthorizations / account.resetAuthorization (never 0)."""
    unconfirmed: bool = False
    """A new login not confirmed yet by another session of the account."""
    app: ClientApp = ClientApp()


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
    def __init__(self, clock: Callable[[], float], random: Callable[[int], bytes] = os.urandom) -> None:
        self._clock = clock
        self._random = random
        self._by_key: dict[int, SandboxAuthorization] = {}
        self._by_user: dict[int, dict[int, None]] = {}
        """user_id -> their keys, oldest login first."""
        self._pending: dict[int, PendingPassword] = {}
        self._exports: dict[bytes, ExportedAuth] = {}
        self._ended: OrderedDict[int, None] = OrderedDict()

    def authorize(
        self,
        auth_key_id: int,
        user_id: int,
        dc: int,
        *,
        imported: bool = False,
        unconfirmed: bool = False,
        app: ClientApp | None = None,
    ) -> SandboxAuthorization:
        self._pending.pop(auth_key_id, None)
        self._ended.pop(auth_key_id, None)
        self.revoke(auth_key_id)
        record = SandboxAuthorization(
            auth_key_id, user_id, dc, self._clock(), imported, self._new_hash(), unconfirmed, app or ClientApp()
        )
        self._by_key[auth_key_id] = record
        keys = self._by_user.setdefault(user_id, {})
        keys[auth_key_id] = None
        while len(keys) > MAX_PER_ACCOUNT:
            self.revoke(next(iter(keys)))
        return record

    def _new_hash(self) -> int:
        while (value := int.from_bytes(self._random(8), "little", signed=True)) == 0:
            pass
        return value

    def get(self, auth_key_id: int) -> SandboxAuthorization | None:
        return self._by_key.get(auth_key_id)

    def all(self) -> list[SandboxAuthorization]:
        return list(self._by_key.values())

    def set_pending(self, auth_key_id: int, user_id: int, dc: int) -> None:
        """The key passed the code check of a 2FA account; it must now prove the password."""
        self.revoke(auth_key_id)
        self._pending[auth_key_id] = PendingPassword(user_id, dc)

    def pending(self, auth_key_id: int) -> PendingPassword | None:
        return self._pending.get(auth_key_id)

    def revoke(self, auth_key_id: int) -> SandboxAuthorization | None:
        self._pending.pop(auth_key_id, None)
        record = self._by_key.pop(auth_key_id, None)
        if record is not None:
            keys = self._by_user.get(record.user_id, {})
            keys.pop(auth_key_id, None)
            if not keys:
                self._by_user.pop(record.user_id, None)
        return record

    def end(self, auth_key_id: int) -> SandboxAuthorization | None:
        """Another session ended this one: logged out, and its next call gets SESSION_REVOKED."""
        record = self.revoke(auth_key_id)
        if record is not None:
            self._ended[auth_key_id] = None
            while len(self._ended) > MAX_ENDED:
                self._ended.popitem(last=False)
        return record

    def take_ended(self, auth_key_id: int) -> bool:
        """Whether the key's session was ended by another one and has not been told yet (then it has been)."""
        if auth_key_id not in self._ended:
            return False
        del self._ended[auth_key_id]
        return True

    def revoke_user(self, user_id: int) -> list[SandboxAuthorization]:
        gone = [r for key in self.of_user_keys(user_id) if (r := self.revoke(key)) is not None]
        for key in [k for k, p in self._pending.items() if p.user_id == user_id]:
            del self._pending[key]
        return gone

    def of_user_keys(self, user_id: int) -> list[int]:
        return list(self._by_user.get(user_id, ()))

    def of_user(self, user_id: int) -> list[SandboxAuthorization]:
        """The account's authorizations, oldest login first."""
        return [self._by_key[key] for key in self._by_user.get(user_id, ())]

    def by_hash(self, user_id: int, hash_: int) -> SandboxAuthorization | None:
        return next((a for a in self.of_user(user_id) if a.hash == hash_), None)

    def confirm(self, auth_key_id: int) -> None:
        record = self._by_key.get(auth_key_id)
        if record is not None and record.unconfirmed:
            self._by_key[auth_key_id] = replace(record, unconfirmed=False)

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
