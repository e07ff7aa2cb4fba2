"""The world's control API: what tests and sandbox users call directly (never reached over MTProto)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tgfleet.sandbox.accounts import Account, Accounts, SandboxUser, normalize_phone, phone_home_dc, user_id_from
from tgfleet.sandbox.authz import Authorizations, SandboxAuthorization
from tgfleet.sandbox.chats import send_private
from tgfleet.sandbox.codes import CodeBook
from tgfleet.sandbox.login_guard import LoginGuard
from tgfleet.sandbox.login_limits import LoginLimits
from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
from tgfleet.sandbox.passwords import PasswordRecord
from tgfleet.tl import TLObject

log = logging.getLogger("tgfleet.sandbox")

ESTABLISHED_AGE = 10 * 365 * 86400.0
"""How old ``add_user`` accounts are unless ``new_account=True`` (so the stricter limits do not apply)."""


class NoLoginCode(LookupError):
    """``login_code`` was asked for a number that has no live code (none was sent, or it expired)."""


class WorldControl:
    """Control methods of :class:`~tgfleet.sandbox.world.World` (which provides the state below)."""

    accounts: Accounts
    codes: CodeBook
    login_guard: LoginGuard
    auths: Authorizations
    clock: Callable[[], float]
    random: Callable[[int], bytes]
    dcs: int

    def push(self, user_id: int, updates: TLObject, except_auth_key_id: int | None = None) -> None:
        raise NotImplementedError

    def add_user(
        self,
        phone: str,
        first_name: str = "",
        last_name: str = "",
        username: str | None = None,
        password: str | None = None,
        dc: int | None = None,
        *,
        hint: str | None = None,
        new_account: bool = False,
    ) -> SandboxUser:
        """Register an account (ValueError for a malformed or taken phone or username, or a bad DC).

        ``password`` turns on 2FA (only its SRP verifier is kept; deriving it costs ~0.1 s); ``dc``
        defaults to a stable function of the phone; ``new_account`` makes it count as just created.
        """
        normalized = normalize_phone(phone)
        if normalized is None:
            raise ValueError(f"malformed phone number {phone!r}")
        if dc is not None and not 1 <= dc <= self.dcs:
            raise ValueError(f"DC {dc} is not in 1..{self.dcs}")
        record = None if password is None else PasswordRecord.create(password, self.random, hint)
        created = self.clock() - (0.0 if new_account else ESTABLISHED_AGE)
        account = self.create_account(normalized, first_name, last_name, username, dc, created, record)
        return self.accounts.snapshot(account)

    def create_account(
        self,
        phone: str,
        first_name: str,
        last_name: str,
        username: str | None,
        dc: int | None,
        created: float,
        password: PasswordRecord | None = None,
    ) -> Account:
        user_id = user_id_from(self.random(8))
        while user_id in self.accounts:
            user_id = user_id_from(self.random(8))
        home = phone_home_dc(phone, self.dcs) if dc is None else dc
        account = Account(user_id, phone, first_name, last_name, username, home, created, password)
        self.accounts.add(account)
        log.info("account %d (+%s) created on DC %d", user_id, phone, home)
        return account

    def phone_dc(self, phone: str) -> int:
        """The home DC of a (normalized) phone number, registered or not."""
        account = self.accounts.by_phone(phone)
        return phone_home_dc(phone, self.dcs) if account is None else account.dc

    def user(self, user_id: int) -> SandboxUser:
        """A fresh snapshot of an account (KeyError if unknown)."""
        return self.accounts.snapshot(self.accounts[user_id])

    def user_by_phone(self, phone: str) -> SandboxUser | None:
        normalized = normalize_phone(phone)
        account = None if normalized is None else self.accounts.by_phone(normalized)
        return None if account is None else self.accounts.snapshot(account)

    def login_code(self, phone: str) -> str:
        """The live login code of ``phone`` (raises :class:`NoLoginCode` if none was sent or it expired)."""
        normalized = normalize_phone(phone)
        login = None if normalized is None else self.codes.current(normalized)
        if login is None:
            raise NoLoginCode(f"no live login code for {phone!r}: call auth.sendCode first (or it expired)")
        return login.code

    @property
    def login_limits(self) -> LoginLimits:
        """The limits on login codes, 2FA passwords and codes per day in force (see ``login_limits.py``)."""
        return self.login_guard.limits

    def set_login_limits(self, limits: LoginLimits) -> None:
        """Apply other login limits from the next call on (``LoginLimits.off()``: none); counts so far stay."""
        if not isinstance(limits, LoginLimits):
            raise TypeError(f"login limits must be a LoginLimits, got {type(limits).__name__}")
        self.login_guard.limits = limits

    def reset_login_limits(self, phone: str | None = None, user_id: int | None = None) -> None:
        """Forget wrong codes, lockouts and codes sent of ``phone``, wrong passwords of ``user_id``; of every
        number and account when neither is given. Live codes are not touched."""
        normalized = None if phone is None else normalize_phone(phone)
        if phone is not None and normalized is None:
            raise ValueError(f"malformed phone number {phone!r}")
        self.login_guard.reset(normalized, user_id)

    def messages_of(self, user_id: int, peer_id: int | None = None) -> list[SandboxMessage]:
        """Every message in ``user_id``'s box (or only the chat with ``peer_id``), oldest first."""
        box = self.accounts[user_id].mailbox
        return box.all_messages() if peer_id is None else box.history(peer_id)

    def dialogs_of(self, user_id: int) -> list[SandboxDialog]:
        """``user_id``'s chats, the most recent first."""
        return self.accounts[user_id].mailbox.dialogs()

    def authorizations_of(self, user_id: int) -> list[SandboxAuthorization]:
        return self.auths.of_user(user_id)

    def revoke_user(self, user_id: int) -> int:
        """Log every key of ``user_id`` out (their next authorized call gets AUTH_KEY_UNREGISTERED)."""
        gone = self.auths.revoke_user(user_id)
        log.info("user %d: %d authorizations revoked", user_id, len(gone))
        return len(gone)

    def move_user(self, user_id: int, dc: int) -> None:
        """Move an account to another home DC (its keys elsewhere then get USER_MIGRATE_<dc>)."""
        if not 1 <= dc <= self.dcs:
            raise ValueError(f"DC {dc} is not in 1..{self.dcs}")
        self.accounts[user_id].dc = dc

    def send_message(self, sender_id: int, peer_id: int, text: str) -> SandboxMessage:
        """Deliver ``text`` from ``sender_id`` to ``peer_id`` as if sent by a client; the sender's copy."""
        return send_private(self, self.accounts[sender_id], self.accounts[peer_id], text)
