"""The sandbox's world: accounts, login codes, 2FA passwords, authorizations, chats and update sequences.

:class:`World` is built from its parts, each given only what it needs: ``accounts`` (``Accounts``: ids, phones,
usernames, home DCs, mailboxes, and each account's address book, privacy rules, scheduled messages, profile photos and
dialog marks), ``codes`` (``CodeBook``: live login codes), ``login_guard`` (``LoginGuard``: brute-force protection of
logins under ``LoginLimits``, ``login_limits.py``), ``auths`` (``Authorizations``: which key is logged in as whom, the
sessions list), ``standing`` (``Standing``: banned and frozen accounts, ``standing.py``), ``peer_guard``
(``PeerGuard``: PEER_FLOOD under ``PeerLimits``, ``peer_limits.py``), ``bot_tokens`` (``BotTokens``: bots' tokens,
``bots.py``), ``groups`` (``Groups``: basic groups, ``groups.py``), ``channels`` (``Channels``: channels and
supergroups with their own message boxes, ``channels.py``), ``invites`` (``Invites``: invite links, ``invites.py``),
``join_requests`` (``JoinRequests``: the requests waiting for approval and the joins by link, ``join_requests.py``),
``uploads`` / ``files`` / ``media`` (unfinished uploads, stored files per DC with their file references, media made
from ``InputMedia``: ``uploads.py``, ``files.py``, ``media.py``, under ``FileLimits``), ``scheduler`` (``Scheduler``:
scheduled messages falling due, ``scheduler.py``) and the services (``services/``, one function per API method, bound
to the world; every bound call of a logged-in key first passes the account's standing: deleted, banned, frozen, and
what a bot may not call). It has two faces:

- for the network side, :class:`~tgfleet.sandbox.contract.WorldAPI`: the handler of a method, who an auth key
  is, home DCs, revocation, and ``set_delivery`` (the ``Pusher`` its pushes go through);
- for tests and users of the sandbox, the control methods (``add_user``, ``add_bot``, ``login_code``, ``messages_of``,
  ``set_login_limits``, ``freeze_account``, ``ban_user``, ...), each a few lines over the parts; they are never reached
  over MTProto.

A new behaviour (say, channels) is a new part with the state it needs, built in ``__init__``, asked by
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

import functools
import logging
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from tgfleet import errors
from tgfleet.sandbox.accounts import (
    SERVICE_PHONE,
    SERVICE_USER_ID,
    Account,
    Accounts,
    SandboxUser,
    normalize_phone,
    phone_home_dc,
)
from tgfleet.sandbox.authz import Authorizations, ClientApp, SandboxAuthorization
from tgfleet.sandbox.bots import BotTokens, check_bot_call, is_bot_username
from tgfleet.sandbox.channels import Channels
from tgfleet.sandbox.chats import send_private
from tgfleet.sandbox.codes import CodeBook, NoLoginCode
from tgfleet.sandbox.contact_book import SavedContact
from tgfleet.sandbox.contract import CallContext, MethodHandler, Pusher
from tgfleet.sandbox.file_limits import FileLimits
from tgfleet.sandbox.files import FileStore
from tgfleet.sandbox.future_tokens import FutureTokens
from tgfleet.sandbox.groups import Groups
from tgfleet.sandbox.invites import Invites
from tgfleet.sandbox.join_requests import JoinRequests
from tgfleet.sandbox.login_guard import LoginGuard
from tgfleet.sandbox.login_limits import LoginLimits
from tgfleet.sandbox.login_tokens import TOKEN_LIFETIME, LoginTokens
from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
from tgfleet.sandbox.media import MediaMaker
from tgfleet.sandbox.passwords import PasswordRecord
from tgfleet.sandbox.peer_limits import PeerGuard, PeerLimits
from tgfleet.sandbox.scheduler import Scheduler
from tgfleet.sandbox.service_table import all_services
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.scheduled import send_scheduled
from tgfleet.sandbox.standing import DEFAULT_APPEAL_URL, Freeze, Standing
from tgfleet.sandbox.uploads import Uploads
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

    def push_key(self, auth_key_id: int, updates: TLObject) -> None:
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
        login_token_lifetime: float = TOKEN_LIFETIME,
        new_account_period: float = 86400,
        difference_limit: int = DIFFERENCE_LIMIT,
        difference_too_long: int = DIFFERENCE_TOO_LONG,
        login_limits: LoginLimits | None = None,
        peer_limits: PeerLimits | None = None,
        file_limits: FileLimits | None = None,
    ) -> None:
        if dcs < 1:
            raise ValueError("a world needs at least one DC")
        self.api_id, self.api_hash, self.dcs = api_id, api_hash, dcs
        self.clock, self.random = clock, random
        self.new_account_period = new_account_period
        self.difference_limit, self.difference_too_long = difference_limit, difference_too_long
        self.accounts = Accounts(random(32), dcs=dcs, random=random)
        self.codes = CodeBook(clock, random, code_lifetime)
        self.login_guard = LoginGuard(
            clock, LoginLimits() if login_limits is None else _checked(login_limits, LoginLimits)
        )
        self.auths = Authorizations(clock, random)
        self.login_tokens = LoginTokens(clock, random, login_token_lifetime)
        self.future_tokens = FutureTokens(clock, random)
        self.bot_tokens = BotTokens(random)
        self.standing = Standing()
        self.scheduler = Scheduler()
        self.peer_guard = PeerGuard(PeerLimits() if peer_limits is None else _checked(peer_limits, PeerLimits))
        self.groups = Groups(random)
        self.channels = Channels(random(32), random)
        self.invites = Invites(random)
        self.join_requests = JoinRequests()
        limits = FileLimits() if file_limits is None else _checked(file_limits, FileLimits)
        self.uploads = Uploads(limits)
        self.files = FileStore(limits, random(32), clock, random)
        self.media = MediaMaker(self.uploads, self.files, self._account_of_phone)
        self.pusher: Pusher = _NoPusher()
        """Where pushes go: the network side's ``Pusher`` (``set_delivery``)."""
        self._handlers: dict[type, MethodHandler] = {t: self._bind(fn) for t, fn in all_services().items()}
        self.accounts.add(Account(SERVICE_USER_ID, SERVICE_PHONE, "Telegram", "", None, 1, 0.0, service=True))

    def _bind(self, fn: ServiceFn) -> MethodHandler:
        async def handler(ctx: CallContext, request: Any) -> Any:
            if ctx.user_id is not None:
                self._check_standing(ctx.user_id, type(request))
            return await fn(self, ctx, request)

        handler.__name__ = handler.__qualname__ = getattr(fn, "__name__", "handler")
        return handler

    def _check_standing(self, user_id: int, method: type) -> None:
        """USER_DEACTIVATED (deleted), USER_DEACTIVATED_BAN (banned), FROZEN_METHOD_INVALID (frozen, a method
        a frozen account may not call) for a call of a key logged in as ``user_id``."""
        account = self.accounts.get(user_id)
        if account is not None and account.deleted:
            raise errors.UserDeactivated()
        check_bot_call(account is not None and account.bot, method)
        self.standing.check(user_id, method, self.clock())

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
            raise errors.PhoneNumberInvalid()
        return phone

    def authorized(self, ctx: CallContext, *, migrate: bool = True) -> Account:
        """The account ``ctx``'s key is logged in as on this DC; SESSION_REVOKED (once, for a session another
        one ended), AUTH_KEY_UNREGISTERED or USER_MIGRATE_X."""
        record = self.auths.get(ctx.auth_key_id)
        account = None if record is None else self.accounts.get(record.user_id)
        if record is None or account is None or record.dc != ctx.dc_id:
            if record is None and self.auths.take_ended(ctx.auth_key_id):
                raise errors.SessionRevoked()
            raise errors.AuthKeyUnregistered()
        if migrate and not record.imported and ctx.dc_id != account.dc:
            raise errors.UserMigrate(account.dc)
        return account

    def sign_in(self, ctx: CallContext, account: Account, *, imported: bool = False) -> t_auth.Authorization:
        """Log ``ctx``'s key in as ``account`` on this DC; the ``auth.authorization`` to answer. A new login of an
        account that has other sessions is unconfirmed (``authz.py``)."""
        others = [key for key in self.auths.of_user_keys(account.id) if key != ctx.auth_key_id]
        app = ClientApp(ctx.api_id, ctx.device_model, ctx.system_version, ctx.app_version)
        unconfirmed = not imported and bool(others)
        self.auths.authorize(
            ctx.auth_key_id, account.id, ctx.dc_id, imported=imported, unconfirmed=unconfirmed, app=app
        )
        log.info("user %d signed in on DC %d (imported=%s)", account.id, ctx.dc_id, imported)
        return t_auth.Authorization(
            user=user_tl(self.accounts, account, account.id, self.clock()),
            future_auth_token=None if imported or account.bot else self.future_tokens.issue(account.id),
        )

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

    def add_bot(self, username: str, first_name: str = "", dc: int | None = None) -> str:
        """Register a bot (``bots.py``) and return its token, ``"<id>:<secret>"``, for ``auth.importBotAuthorization``
        (``Client(bot_token=...)``). ValueError for a username that is malformed, taken or does not end in ``bot``, or
        a bad DC; ``dc`` defaults to a stable function of the username."""
        if not is_bot_username(username):
            raise ValueError(f"a bot's username ends in 'bot', got {username!r}")
        self._check_dc(dc)
        home = phone_home_dc(username.lower(), self.dcs) if dc is None else dc
        account = self.accounts.create("", first_name or username, "", username, home, self.clock(), bot=True)
        return self.bot_tokens.issue(account.id)

    def revoke_bot_token(self, bot_id: int) -> str:
        """A new token for the bot (as BotFather's /revoke): logging in with the old one is ACCESS_TOKEN_EXPIRED."""
        if not self.accounts[bot_id].bot:
            raise ValueError(f"user {bot_id} is not a bot")
        return self.bot_tokens.issue(bot_id)

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
    def login_token_lifetime(self) -> float:
        """Seconds a QR login token lives (30 by default, ``login_tokens.py``); settable, for the next export on."""
        return self.login_tokens.lifetime

    @login_token_lifetime.setter
    def login_token_lifetime(self, seconds: float) -> None:
        if not seconds > 0:
            raise ValueError(f"a login token lifetime must be positive, got {seconds!r}")
        self.login_tokens.lifetime = float(seconds)

    @property
    def login_limits(self) -> LoginLimits:
        """The limits on login codes, 2FA passwords and codes per day in force (see ``login_limits.py``)."""
        return self.login_guard.limits

    def set_login_limits(self, limits: LoginLimits) -> None:
        """Apply other login limits from the next call on (``LoginLimits.off()``: none); counts so far stay."""
        self.login_guard.limits = _checked(limits, LoginLimits)

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
        """The account's sessions, oldest login first (``unconfirmed``: a new login not confirmed yet)."""
        return self.auths.of_user(user_id)

    def freeze_account(self, user_id: int, *, until: float | None = None, appeal_url: str = DEFAULT_APPEAL_URL) -> None:
        """Freeze an account from now on (``standing.py``): read-only, FROZEN_METHOD_INVALID for the rest,
        help.getAppConfig's freeze fields; ``until`` (unix time): when it ends by itself (None: at unfreeze)."""
        self.accounts[user_id]  # KeyError for an unknown account
        now = self.clock()
        if until is not None and until <= now:
            raise ValueError(f"until ({until}) must be later than now ({now})")
        self.standing.freeze(user_id, Freeze(now, until, appeal_url))

    def unfreeze_account(self, user_id: int) -> None:
        self.standing.unfreeze(user_id)

    def ban_user(self, user_id: int) -> None:
        """Ban an account: every call of its keys gets USER_DEACTIVATED_BAN, sendCode PHONE_NUMBER_BANNED."""
        self.accounts[user_id]
        self.standing.ban(user_id)

    def unban_user(self, user_id: int) -> None:
        self.standing.unban(user_id)

    def delete_user(self, user_id: int) -> None:
        """Delete an account for good: its keys get USER_DEACTIVATED on every call, others see it ``deleted``,
        and its phone and username are free: a later login with that phone signs up a new account (a new id,
        nothing of the old one), as on Telegram."""
        account = self.accounts[user_id]
        if account.service:
            raise ValueError("the service account cannot be deleted")
        self.accounts.release(account)
        self.codes.drop(account.phone)
        log.info("user %d deleted", user_id)

    def add_contact(self, user_id: int, contact_id: int) -> None:
        """``contact_id`` becomes a contact of ``user_id`` under its own name, as if imported by its number
        (messages to contacts are never PEER_FLOOD; ValueError when the address book is full)."""
        owner, contact = self.accounts[user_id], self.accounts[contact_id]
        if not owner.contacts.add(SavedContact(contact.id, contact.first_name, contact.last_name, phone_known=True)):
            raise ValueError(f"user {user_id}'s address book is full")

    @property
    def peer_limits(self) -> PeerLimits:
        """The limit on new non-contact peers per day in force (``peer_limits.py``)."""
        return self.peer_guard.limits

    def set_peer_limits(self, limits: PeerLimits) -> None:
        """Apply another new-peer limit from the next message on (``PeerLimits.off()``: none); counts stay."""
        self.peer_guard.limits = _checked(limits, PeerLimits)

    def reset_peer_limits(self, user_id: int | None = None) -> None:
        """Forget the new peers counted today for ``user_id`` (for every account when None)."""
        self.peer_guard.reset(user_id)

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

    def drop_channel_updates(self, rate: float) -> None:
        """Push no channel update to a member for ``rate`` of them, at random (0 switches it off): the clients
        must notice the gap in the channel's pts and recover with updates.getChannelDifference."""
        if not 0 <= rate < 1:
            raise ValueError(f"rate must be in [0, 1), got {rate!r}")
        self.channels.drop_rate = float(rate)

    def channel_messages(self, channel_id: int) -> list[SandboxMessage]:
        """Every message of a channel or supergroup (KeyError if unknown), oldest first."""
        channel = self.channels.get(channel_id)
        if channel is None:
            raise KeyError(f"no channel {channel_id}")
        return channel.box.history(channel.marked_id)

    @property
    def file_limits(self) -> FileLimits:
        """The bounds of uploads and stored files in force (``file_limits.py``)."""
        return self.files.limits

    def set_file_limits(self, limits: FileLimits) -> None:
        """Apply other file bounds from the next call on; what is stored stays."""
        self.files.limits = self.uploads.limits = _checked(limits, FileLimits)

    def expire_file_references(self) -> None:
        """Every file reference issued so far expires (FILE_REFERENCE_EXPIRED until the message is fetched again)."""
        self.files.expire_references()

    def _account_of_phone(self, raw: str) -> int:
        phone = normalize_phone(raw)
        account = None if phone is None else self.accounts.by_phone(phone)
        return 0 if account is None else account.id

    def deliver_scheduled(self) -> int:
        """Send every scheduled message whose date has come by the world's clock (``scheduler.py``; the server
        calls this every ``scheduler.TICK`` seconds); how many were sent."""
        return self.scheduler.deliver(self.accounts, functools.partial(send_scheduled, self), self.clock())

    def _check_dc(self, dc: int | None) -> None:
        if dc is not None and not 1 <= dc <= self.dcs:
            raise ValueError(f"DC {dc} is not in 1..{self.dcs}")


_L = TypeVar("_L", LoginLimits, PeerLimits, FileLimits)


def _checked(limits: _L, kind: type[_L]) -> _L:
    if not isinstance(limits, kind):
        raise TypeError(f"limits must be a {kind.__name__}, got {type(limits).__name__}")
    return limits
