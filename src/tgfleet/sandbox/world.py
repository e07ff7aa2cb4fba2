"""The sandbox's world: accounts, login codes, 2FA passwords, authorizations, chats and update sequences.

:class:`World` implements :class:`~tgfleet.sandbox.contract.WorldAPI` for the network side (handlers per
function class, who an auth key is, home DCs, revocation, the Pusher for pushes) and offers control
methods for tests and users of the sandbox (:class:`~tgfleet.sandbox.control.WorldControl`: ``add_user``,
``login_code``, ``messages_of``, ``set_login_limits``, ...). Time and randomness are parameters, so tests use
a fake clock. Login guessing is slowed down as on Telegram by ``login_limits`` (``login_limits.py``).

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
from tgfleet.sandbox.accounts import SERVICE_PHONE, SERVICE_USER_ID, Account, Accounts, normalize_phone
from tgfleet.sandbox.authz import Authorizations
from tgfleet.sandbox.chats import send_private
from tgfleet.sandbox.codes import CodeBook
from tgfleet.sandbox.contract import CallContext, MethodHandler, Pusher
from tgfleet.sandbox.control import WorldControl
from tgfleet.sandbox.login_guard import LoginGuard
from tgfleet.sandbox.login_limits import LoginLimits
from tgfleet.sandbox.services import ServiceFn, all_services
from tgfleet.sandbox.views import user_tl
from tgfleet.tl import TLObject
from tgfleet.tl.types import auth as t_auth

log = logging.getLogger("tgfleet.sandbox")

DIFFERENCE_LIMIT = 100
"""Messages per ``updates.differenceSlice`` (the client asks again from its ``intermediate_state``)."""
DIFFERENCE_TOO_LONG = 100_000
"""A pts gap above this (or above the request's ``pts_total_limit``) gives ``updates.differenceTooLong``."""


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


class World(WorldControl):
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
        self.accounts = Accounts(random(32))
        self.codes = CodeBook(clock, random, code_lifetime)
        self.login_guard = LoginGuard(clock, LoginLimits())
        if login_limits is not None:
            self.set_login_limits(login_limits)
        self.auths = Authorizations(clock)
        self._delivery: Pusher = _NoPusher()
        self._handlers: dict[type, MethodHandler] = {t: self._bind(fn) for t, fn in all_services().items()}
        service = Account(SERVICE_USER_ID, SERVICE_PHONE, "Telegram", "", None, 1, 0.0, service=True)
        self.accounts.add(service)

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
        self._delivery = delivery

    # --- for the services -------------------------------------------------------------------------

    def push(self, user_id: int, updates: TLObject, except_auth_key_id: int | None = None) -> None:
        """Hand ``updates`` to the network side for ``user_id``'s online sessions."""
        self._delivery.push(user_id, updates, except_auth_key_id=except_auth_key_id)

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
        send_private(self, self.accounts[SERVICE_USER_ID], account, _code_message(code))
