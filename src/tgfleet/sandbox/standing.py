"""``Standing``: accounts Telegram has banned or frozen, and what their keys may still call.

- *Banned* (``World.ban_user`` / ``unban_user``): every API call of the account's logged-in keys that reaches the
  world is answered USER_DEACTIVATED_BAN (401, "deleted and banned by Telegram's antispam system",
  https://core.telegram.org/api/errors), and ``auth.sendCode`` for its number PHONE_NUMBER_BANNED (400,
  https://core.telegram.org/method/auth.sendCode). Only ``help.getConfig`` / ``help.getNearestDc``, which the
  network side answers before asking the world (they need no login), still work, as a new connection's first call.
- *Frozen* (``World.freeze_account`` / ``unfreeze_account``, https://core.telegram.org/api/auth#frozen-accounts):
  the account is read-only. ``help.getAppConfig`` carries ``freeze_since_date``, ``freeze_until_date`` (when given)
  and ``freeze_appeal_url`` (https://core.telegram.org/api/config#client-configuration); the methods of
  :data:`FROZEN_ALLOWED` still work (the configuration, logging out and moving the login to another DC, the
  account's own settings and sessions, the update state and difference, reading: ``users.getUsers`` (a frozen
  account still passes getMe), ``users.getFullUser``, dialogs, history, resolving a username to reach the appeal
  bot); every other method answers FROZEN_METHOD_INVALID (420), and reading the history of a peer the account has
  no chat with FROZEN_PARTICIPANT_MISSING (400, as messages.getHistory lists it). The freeze ends by
  ``unfreeze_account`` or once its ``until`` has passed on the world's clock (Telegram's apps call that date the day
  an account not appealed is deleted; the sandbox leaves deleting to ``World.delete_user``).

Deleted accounts are not a standing: deletion is the account's own state (``Account.deleted``). Bounded by the
accounts the world has.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgfleet import errors
from tgfleet.tl import functions

DEFAULT_APPEAL_URL = "https://t.me/spambot"
"""Where Telegram sends frozen accounts to appeal (``freeze_appeal_url``)."""

FROZEN_ALLOWED: frozenset[type] = frozenset(
    {
        functions.help.GetConfig,
        functions.help.GetNearestDc,
        functions.help.GetAppConfig,
        functions.auth.LogOut,
        functions.auth.ExportAuthorization,
        functions.auth.ResetAuthorizations,
        functions.account.GetPassword,
        functions.account.GetAuthorizations,
        functions.account.ResetAuthorization,
        functions.account.ChangeAuthorizationSettings,
        functions.updates.GetState,
        functions.updates.GetDifference,
        functions.users.GetUsers,
        functions.users.GetFullUser,
        functions.messages.GetDialogs,
        functions.messages.GetHistory,
        functions.messages.GetMessages,
        functions.messages.GetPinnedDialogs,
        functions.messages.Search,
        functions.contacts.ResolveUsername,
    }
)
"""The methods a frozen account may still call; the others answer FROZEN_METHOD_INVALID."""


@dataclass(frozen=True)
class Freeze:
    """One account's freeze: since when, until when (``None``: until lifted), where to appeal."""

    since: float
    until: float | None
    appeal_url: str

    def app_config(self) -> dict[str, int | str]:
        """The freeze fields of ``help.getAppConfig``'s JSON object."""
        fields: dict[str, int | str] = {"freeze_since_date": int(self.since), "freeze_appeal_url": self.appeal_url}
        if self.until is not None:
            fields["freeze_until_date"] = int(self.until)
        return fields


class Standing:
    """Which accounts are banned or frozen."""

    def __init__(self) -> None:
        self._banned: set[int] = set()
        self._frozen: dict[int, Freeze] = {}

    def ban(self, user_id: int) -> None:
        self._banned.add(user_id)

    def unban(self, user_id: int) -> None:
        self._banned.discard(user_id)

    def banned(self, user_id: int) -> bool:
        return user_id in self._banned

    def freeze(self, user_id: int, freeze: Freeze) -> None:
        self._frozen[user_id] = freeze

    def unfreeze(self, user_id: int) -> None:
        self._frozen.pop(user_id, None)

    def frozen(self, user_id: int, now: float) -> Freeze | None:
        """The account's freeze in force at ``now`` (one whose ``until`` has passed is over and forgotten)."""
        freeze = self._frozen.get(user_id)
        if freeze is not None and freeze.until is not None and now >= freeze.until:
            del self._frozen[user_id]
            return None
        return freeze

    def check(self, user_id: int, method: type, now: float) -> None:
        """USER_DEACTIVATED_BAN for a banned account, FROZEN_METHOD_INVALID for a frozen one's other methods."""
        if user_id in self._banned:
            raise errors.UserDeactivatedBan()
        if method not in FROZEN_ALLOWED and self.frozen(user_id, now) is not None:
            raise errors.FrozenMethodInvalid()
