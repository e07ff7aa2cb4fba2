"""One's own profile: ``account.updateProfile``, ``updateUsername``, ``checkUsername``, ``updateStatus``,
``getPrivacy`` and ``setPrivacy``.

- updateProfile (https://core.telegram.org/method/account.updateProfile): the fields given change; FIRSTNAME_INVALID
  for an empty first name or one over 64 characters, LASTNAME_INVALID for a last name over 64, ABOUT_TOO_LONG for a
  bio over 70 (the limit of accounts without Premium); the answer is the caller's ``user``.
- updateUsername (https://core.telegram.org/method/account.updateUsername): "" removes it; USERNAME_INVALID
  (``accounts.valid_username``), USERNAME_NOT_MODIFIED for the current one as it is, USERNAME_OCCUPIED for another
  account's (case-insensitively); the old name is free at once and the new one resolves for everybody
  (``contacts.resolveUsername``). checkUsername: whether the caller could take it (USERNAME_INVALID likewise).
- updateStatus (https://core.telegram.org/method/account.updateStatus): online for :data:`views.ONLINE_FOR` seconds,
  or offline from now; others see it as the account's last-seen privacy allows (``views.user_tl``), else
  "recently"; the online sessions of those who have the account as a contact and may see its status get
  ``updateUserStatus``.
- getPrivacy / setPrivacy (https://core.telegram.org/api/privacy): the key's rules as ``account.privacyRules``, with
  the users they name; setPrivacy keeps the rules in the order given (users the caller cannot address are dropped
  from them); PRIVACY_KEY_INVALID for a key the schema has no answer form of, PRIVACY_TOO_LONG past
  :data:`privacy.MAX_RULES` rules or :data:`privacy.MAX_RULE_USERS` users.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account, valid_username
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.privacy import MAX_RULE_USERS, MAX_RULES
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_user
from tgfleet.sandbox.views import ONLINE_FOR, StatusKey, user_status, user_tl, users_tl, visible
from tgfleet.tl import types
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.types import account as t_account

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_NAME = 64
MAX_ABOUT = 70


async def update_profile(world: World, ctx: CallContext, request: f_account.UpdateProfile) -> types.User:
    account = world.authorized(ctx)
    first = None if request.first_name is None else request.first_name.strip()
    if first is not None and not 0 < len(first) <= MAX_NAME:
        raise errors.FirstnameInvalid()
    if request.last_name is not None and len(request.last_name.strip()) > MAX_NAME:
        raise errors.LastnameInvalid()
    if request.about is not None and len(request.about) > MAX_ABOUT:
        raise errors.AboutTooLong()
    if first is not None:
        account.first_name = first
    if request.last_name is not None:
        account.last_name = request.last_name.strip()
    if request.about is not None:
        account.about = request.about
    return user_tl(world.accounts, account, account.id, world.clock())


def _checked_username(world: World, account: Account, username: str) -> bool:
    """Whether ``account`` may take ``username`` (USERNAME_INVALID for a malformed one)."""
    if not valid_username(username):
        raise errors.UsernameInvalid()
    holder = world.accounts.by_username(username)
    return holder is None or holder is account


async def update_username(world: World, ctx: CallContext, request: f_account.UpdateUsername) -> types.User:
    account = world.authorized(ctx)
    wanted = request.username or None
    if wanted == account.username:
        raise errors.UsernameNotModified()
    if wanted is not None and not _checked_username(world, account, wanted):
        raise errors.UsernameOccupied()
    world.accounts.set_username(account, wanted)
    return user_tl(world.accounts, account, account.id, world.clock())


async def check_username(world: World, ctx: CallContext, request: f_account.CheckUsername) -> bool:
    return _checked_username(world, world.authorized(ctx), request.username)


async def update_status(world: World, ctx: CallContext, request: f_account.UpdateStatus) -> bool:
    account = world.authorized(ctx)
    now = world.clock()
    account.online_until = 0.0 if request.offline else now + ONLINE_FOR
    account.was_online = now if request.offline else account.online_until
    for viewer in world.accounts.all():  # (a scan: the sandbox keeps no index of who has whom as a contact)
        if viewer.contacts.has(account.id) and visible(account, viewer.id, StatusKey):
            update = types.UpdateUserStatus(user_id=account.id, status=user_status(account, now))
            world.pusher.push(viewer.id, types.UpdateShort(update=update, date=int(now)))
    return True


def _key(key: types.TypeInputPrivacyKey) -> type:
    """The ``privacyKey*`` class of an ``inputPrivacyKey*`` (PRIVACY_KEY_INVALID if there is none)."""
    found = getattr(types, type(key).__name__.removeprefix("Input"), None)
    if not isinstance(found, type) or not issubclass(found, types.TypePrivacyKey):
        raise errors.PrivacyKeyInvalid()
    return found


def _rule(world: World, viewer: Account, rule: types.TypeInputPrivacyRule) -> types.TypePrivacyRule:
    """The stored form of an input rule: users as ids (those the caller cannot address dropped)."""
    if isinstance(rule, types.InputPrivacyValueAllowUsers | types.InputPrivacyValueDisallowUsers):
        ids = [a.id for user in rule.users if (a := input_user(world, viewer, user)) is not None]
        if isinstance(rule, types.InputPrivacyValueAllowUsers):
            return types.PrivacyValueAllowUsers(users=ids)
        return types.PrivacyValueDisallowUsers(users=ids)
    if isinstance(rule, types.InputPrivacyValueAllowChatParticipants):
        return types.PrivacyValueAllowChatParticipants(chats=list(rule.chats))
    if isinstance(rule, types.InputPrivacyValueDisallowChatParticipants):
        return types.PrivacyValueDisallowChatParticipants(chats=list(rule.chats))
    stored = getattr(types, type(rule).__name__.removeprefix("Input"))
    return stored()  # type: ignore[no-any-return]  # the parameterless privacyValue* of the same name


def _answer(world: World, viewer: Account, rules: tuple[types.TypePrivacyRule, ...]) -> t_account.PrivacyRules:
    named = [i for rule in rules for i in getattr(rule, "users", ())]
    users = users_tl(world.accounts, named, viewer.id, world.clock())
    return t_account.PrivacyRules(rules=list(rules), chats=[], users=users)


async def get_privacy(world: World, ctx: CallContext, request: f_account.GetPrivacy) -> t_account.PrivacyRules:
    account = world.authorized(ctx)
    return _answer(world, account, account.privacy.rules(_key(request.key)))


async def set_privacy(world: World, ctx: CallContext, request: f_account.SetPrivacy) -> t_account.PrivacyRules:
    account = world.authorized(ctx)
    key = _key(request.key)
    if len(request.rules) > MAX_RULES:
        raise errors.PrivacyTooLong()
    if sum(len(getattr(r, "users", ())) for r in request.rules) > MAX_RULE_USERS:
        raise errors.PrivacyTooLong()
    rules = tuple(_rule(world, account, rule) for rule in request.rules)
    account.privacy.set(key, rules)
    return _answer(world, account, rules)


HANDLERS: dict[type, ServiceFn] = {
    f_account.UpdateProfile: update_profile,
    f_account.UpdateUsername: update_username,
    f_account.CheckUsername: check_username,
    f_account.UpdateStatus: update_status,
    f_account.GetPrivacy: get_privacy,
    f_account.SetPrivacy: set_privacy,
}
