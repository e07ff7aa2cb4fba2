"""The sandbox's world: accounts, login codes, 2FA passwords, authorizations, chats and update sequences.

:class:`World` is built from its parts, each given only what it needs: ``accounts`` (``Accounts``: ids,
phones, usernames, home DCs, mailboxes), ``codes`` (``CodeBook``: live login codes), ``login_guard``
(``LoginGuard``: brute-force protection of logins under ``LoginLimits``, ``login_limits.py``), ``auths``
(``Authorizations``: which key is logged in as whom) and the services (``services/``, one function per API
method, bound to the world). It has two faces:

- for the network side, :class:`~tgfleet.sandbox.contract.WorldAPI`: the handler of a method, who an auth key
  is, home DCs, revocation, and ``set_delivery`` (the ``Pusher`` its pushes go through);
- for tests and users of the sandbox, the control methods (``add_user``, ``login_code``, ``messages_of``,
  ``set_login_limits``, ...), each a few lines over the parts; they are never reached over MTProto.

A new behaviour (say, banned accounts) is a new part with the state it needs, built in ``__init__``, asked by
the services or ``authorized`` where it applies, and given control methods here. Time and randomness are
parameters, so tests use a fake clock.

Authorization rules (https://core.telegram.org/api/datacenter):

- an auth key is logged in on the DC where it signed in or imported an authorization, and only there
  (auth keys are per DC); anything else is AUTH_KEY_UNREGISTERED (401);
- the USER_MIGRATE rule: a key logged in by signIn/signUp/checkPassword on a DC that is not (or no longer,
  see ``move_user``) the account's home DC answers authorized calls with USER_MIGRATE_<home> (303); keys
  logged in by ``auth.importAuthorization`` are exempt, and so are ``auth.logOut`` and
  ``auth.exportAuthorization`` (so a client can carry its login to the home DC).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from tgfleet import errors
from tgfleet.sandbox.accounts import SERVICE_PHONE, SERVICE_USER_ID, Account, Accounts, SandboxUser, normalize_phone
from tgfleet.sandbox.authz import Authorizations, SandboxAuthorization
from tgfleet.sandbox.chats import send_private
from tgfleet.sandbox.codes import CodeBook, NoLoginCode
from tgfleet.sandbox.contract import CallContext, MethodHandler, Pusher
from tgfleet.sandbox.login_guard import LoginGuard
from tgfleet.sandbox.login_limits import LoginLimits
from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
from tgfleet.sandbox.passwords import PasswordRecord
from tgfleet.sandbox.services import ServiceFn, all_services
from tgfleet.sandbox.views import user_tl
from tgfleet.tl import TLObject
from tgfleet.tl.types import auth as t_auth

log = logging.getLogger("tgfleet.sandbox")

DIFFERENCE_LIMIT = 100
"""Messages per ``updates.differenceSlice`` (the client asks again from its ``intermediate_state``)."""
DIFFERENCE_TOO_LONG = 100_000
"""A pts gap above this (or above the request's ``pts_total_limit``) gives ``updates.differenceTooLong``."""
ESTABLISHED_AGE = 10 * 365 * 86400.0
"""How old ``add_user`` accounts are unless ``new_account=True`` (so the stricter limits do not apply)."""


class _NoPusher:
    """Until the network side sets one: nobody is online."""

    def push(self, user_id: int, updates: TLObject, *, except_auth_key_id: int | None = None) -> None:
        return None


def _code_message(code: str) -> str:
    return (
        f"Login code: {code}. Do not give this code to anyone, even if they say they are from Telegram!\n\n"
        "This code can be used to log in to your Telegram account. We never ask for it for anything else.\n\n"
        "If you didn't request this code by trying to log in on another device, simply ignore this message."
    )


class World:
    """The in-memory Telegram behind the sandbox's listeners."""

    def __init__(
        self,
        *,
        api_id: int,
        api_hash: str,
        dcs: int = 3,
        clock: Callable[[], float] = time.time,
        random: Callable[[int], bytes] = os.urandom,
        code_lifetime: float = 300,
        new_account_period: float = 86400,
        difference_limit: int = DIFFERENCE_LIMIT,
        difference_too_long: int = DIFFERENCE_TOO_LONG,
        login_limits: LoginLimits | None = None,
    ) -> None:
        if dcs < 1:
            raise ValueError("a world needs at least one DC")
        self.api_id, self.api_hash, self.dcs = api_id, api_hash, dcs
        self.clock, self.random = clock, random
        self.new_account_period = new_account_period
        self.difference_limit, self.difference_too_long = difference_limit, difference_too_long
        self.accounts = Accounts(random(32), dcs=dcs, random=random)
        self.codes = CodeBook(clock, random, code_lifetime)
        self.login_guard = LoginGuard(clock, LoginLimits() if login_limits is None else _checked(login_limits))
        self.auths = Authorizations(clock)
        self.pusher: Pusher = _NoPusher()
        """Where pushes go: the network side's ``Pusher`` (``set_delivery``)."""
        self._handlers: dict[type, MethodHandler] = {t: self._bind(fn) for t, fn in all_services().items()}
        self.accounts.add(Account(SERVICE_USER_ID, SERVICE_PHONE, "Telegram", "", None, 1, 0.0, service=True))

    def _bind(self, fn: ServiceFn) -> MethodHandler:
        async def handler(ctx: CallContext, request: Any) -> Any:
            return await fn(self, ctx, request)

        handler.__name__ = handler.__qualname__ = getattr(fn, "__name__", "handler")
        return handler

    # --- WorldAPI ---------------------------------------------------------------------------------

    def handler(self, function_type: type) -> MethodHandler | None:
        return self._handlers.get(function_type)

    def user_of(self, auth_key_id: int) -> int | None:
        record = self.auths.get(auth_key_id)
        return None if record is None else record.user_id

    def is_new_account(self, user_id: int) -> bool:
        account = self.accounts.get(user_id)
        return account is not None and self.clock() - account.created < self.new_account_period

    def home_dc(self, user_id: int) -> int:
        return self.accounts[user_id].dc

    def revoke(self, auth_key_id: int) -> None:
        if self.auths.revoke(auth_key_id) is not None:
            log.info("auth key %016x revoked", auth_key_id & (2**64 - 1))

    def set_delivery(self, delivery: Pusher) -> None:
        self.pusher = delivery

    # --- for the services -------------------------------------------------------------------------

    def phone(self, raw: str) -> str:
        """The normalized phone number, or PHONE_NUMBER_INVALID."""
        phone = normalize_phone(raw)
        if phone is None:
            raise errors.PhoneNumberInvalid_400()
        return phone

    def authorized(self, ctx: CallContext, *, migrate: bool = True) -> Account:
        """The account ``ctx``'s key is logged in as on this DC; AUTH_KEY_UNREGISTERED or USER_MIGRATE_X."""
        record = self.auths.get(ctx.auth_key_id)
        account = None if record is None else self.accounts.get(record.user_id)
        if record is None or account is None or record.dc != ctx.dc_id:
            raise errors.AuthKeyUnregistered()
        if migrate and not record.imported and ctx.dc_id != account.dc:
            raise errors.UserMigrate(account.dc)
        return account

    def sign_in(self, ctx: CallContext, account: Account, *, imported: bool = False) -> t_auth.Authorization:
        """Log ``ctx``'s key in as ``account`` on this DC; the ``auth.authorization`` to answer."""
        self.auths.authorize(ctx.auth_key_id, account.id, ctx.dc_id, imported=imported)
        log.info("user %d signed in on DC %d (imported=%s)", account.id, ctx.dc_id, imported)
        return t_auth.Authorization(user=user_tl(self.accounts, account, account.id, self.clock()))

    def notify_code(self, account: Account, code: str) -> None:
        """The login code, as a message from 777000 in the account's history and to its online sessions."""
        service = self.accounts[SERVICE_USER_ID]
        send_private(self.accounts, self.pusher, self.clock(), service, account, _code_message(code))

    # --- control: what tests and users of the sandbox call ---------------------------------------

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
        self._check_dc(dc)
        record = None if password is None else PasswordRecord.create(password, self.random, hint)
        created = self.clock() - (0.0 if new_account else ESTABLISHED_AGE)
        account = self.accounts.create(normalized, first_name, last_name, username, dc, created, record)
        return self.accounts.snapshot(account)

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
        self.login_guard.limits = _checked(limits)

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
        self._check_dc(dc)
        self.accounts[user_id].dc = dc

    def send_message(self, sender_id: int, peer_id: int, text: str) -> SandboxMessage:
        """Deliver ``text`` from ``sender_id`` to ``peer_id`` as if sent by a client; the sender's copy."""
        sender, peer = self.accounts[sender_id], self.accounts[peer_id]
        return send_private(self.accounts, self.pusher, self.clock(), sender, peer, text)

    def _check_dc(self, dc: int | None) -> None:
        if dc is not None and not 1 <= dc <= self.dcs:
            raise ValueError(f"DC {dc} is not in 1..{self.dcs}")


def _checked(limits: LoginLimits) -> LoginLimits:
    if not isinstance(limits, LoginLimits):
        raise TypeError(f"login limits must be a LoginLimits, got {type(limits).__name__}")
    return limits
