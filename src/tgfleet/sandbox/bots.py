"""Bots of the sandbox world: their tokens and what only a bot may not do (https://core.telegram.org/bots/api, "Making
requests": a token is ``<bot id>:<secret>``; https://core.telegram.org/api/bots for MTProto bots).

A bot is an account with ``bot`` set, a username ending in ``bot`` and no phone (``World.add_bot``). It logs in with
``auth.importBotAuthorization`` and its token (``services/bots.py``): a token of no bot, or malformed, is
ACCESS_TOKEN_INVALID; one replaced by ``World.revoke_bot_token`` is ACCESS_TOKEN_EXPIRED (the bot's sessions stay
logged in: the sandbox only checks tokens at login). A bot may not message another bot (USER_IS_BOT) and may not call
the methods of :data:`USER_ONLY` (BOT_METHOD_INVALID).
"""

from __future__ import annotations

import hmac
import re
import string
from collections.abc import Callable

from tgfleet import errors
from tgfleet.tl.functions import account as f_account
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.functions import contacts as f_contacts
from tgfleet.tl.functions import messages as f_messages

SECRET_LENGTH = 35
"""Characters of a token's secret (what BotFather's tokens have), of :data:`_ALPHABET`."""
_ALPHABET = string.ascii_letters + string.digits + "_-"
_TOKEN = re.compile(r"(\d{1,20}):([A-Za-z0-9_-]{1,64})")
USER_ONLY: frozenset[type] = frozenset({
    f_messages.GetDialogs, f_messages.GetHistory, f_messages.Search, f_messages.GetSearchCounters,
    f_messages.GetPinnedDialogs,
    f_contacts.GetContacts, f_contacts.ImportContacts, f_contacts.AddContact, f_contacts.DeleteContacts,
    f_contacts.GetBlocked, f_messages.SearchGlobal, f_messages.GetScheduledHistory, f_account.GetPrivacy,
    f_account.SetPrivacy, f_account.GetAuthorizations, f_account.ResetAuthorization, f_auth.ResetAuthorizations,
})  # fmt: skip
"""Methods a bot gets BOT_METHOD_INVALID for (it sees chats only through its updates)."""


def is_bot_username(username: str) -> bool:
    """Bots' usernames end in ``bot`` (any case), as BotFather requires."""
    return username.lower().endswith("bot")


class BotTokens:
    """The current token secret of every bot, and the secrets it had before (for ACCESS_TOKEN_EXPIRED)."""

    def __init__(self, random: Callable[[int], bytes]) -> None:
        self._random = random
        self._current: dict[int, str] = {}
        self._old: dict[int, set[str]] = {}

    def issue(self, bot_id: int) -> str:
        """A new token of ``bot_id`` (the one it had before becomes expired)."""
        old = self._current.get(bot_id)
        if old is not None:
            self._old.setdefault(bot_id, set()).add(old)
        secret = "".join(_ALPHABET[b % len(_ALPHABET)] for b in self._random(SECRET_LENGTH))
        self._current[bot_id] = secret
        return f"{bot_id}:{secret}"

    def bot_of(self, token: str) -> int:
        """The bot ``token`` logs in; ACCESS_TOKEN_INVALID (malformed, no such bot, a wrong secret) or
        ACCESS_TOKEN_EXPIRED (a secret the bot had before)."""
        found = _TOKEN.fullmatch(token.strip())
        if found is None:
            raise errors.AccessTokenInvalid()
        bot_id, secret = int(found[1]), found[2]
        current = self._current.get(bot_id)
        if current is not None and hmac.compare_digest(secret.encode(), current.encode()):
            return bot_id
        if secret in self._old.get(bot_id, ()):
            raise errors.AccessTokenExpired()
        raise errors.AccessTokenInvalid()


def check_bot_call(is_bot: bool, method: type) -> None:
    """BOT_METHOD_INVALID for a bot's call of a method of :data:`USER_ONLY`."""
    if is_bot and method in USER_ONLY:
        raise errors.BotMethodInvalid()


def check_bot_message(sender_is_bot: bool, recipient_is_bot: bool) -> None:
    """USER_IS_BOT: bots can't send messages to other bots."""
    if sender_is_bot and recipient_is_bot:
        raise errors.UserIsBot()
