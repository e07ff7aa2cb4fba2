"""``PrivacySettings``: one account's privacy rules (``Account.privacy``), and who they let see what.

https://core.telegram.org/api/privacy: each privacy key (last seen, phone number, who may find one by the number,
...) has a list of rules; for a given viewer the first rule that matches decides, and when none matches the answer
is no. Telegram's defaults, which the sandbox starts every account with: the phone number is shown to contacts only
("My contacts"), everything else to everybody. Rules are kept in the form ``account.getPrivacy`` answers
(``privacyValue*``); the sandbox applies the everybody / contacts / users rules, and the rules about chats, close
friends, premium users and bots never match a viewer (the sandbox has none of them), so they fall through.

Bounded: :data:`MAX_RULES` rules per key and :data:`MAX_RULE_USERS` users per rule (``PRIVACY_TOO_LONG`` beyond,
``services/privacy.py``); the keys are the schema's few.
"""

from __future__ import annotations

from tgfleet.tl import types

MAX_RULES = 16
"""Rules one privacy key may have (Telegram publishes no number; its apps send at most a handful)."""
MAX_RULE_USERS = 1_000
"""Users one allow/disallow rule may name (Telegram publishes no number)."""

EVERYBODY: tuple[types.TypePrivacyRule, ...] = (types.PrivacyValueAllowAll(),)
CONTACTS_ONLY: tuple[types.TypePrivacyRule, ...] = (types.PrivacyValueAllowContacts(), types.PrivacyValueDisallowAll())
DEFAULTS: dict[type, tuple[types.TypePrivacyRule, ...]] = {types.PrivacyKeyPhoneNumber: CONTACTS_ONLY}
"""Telegram's default rules where they are not "Everybody"."""


def decides(rule: types.TypePrivacyRule, viewer_id: int, is_contact: bool) -> bool | None:
    """What ``rule`` says for ``viewer_id`` (a contact of the owner or not): allowed, refused, or None (no match)."""
    if isinstance(rule, types.PrivacyValueAllowAll):
        return True
    if isinstance(rule, types.PrivacyValueDisallowAll):
        return False
    if isinstance(rule, types.PrivacyValueAllowContacts | types.PrivacyValueDisallowContacts):
        return isinstance(rule, types.PrivacyValueAllowContacts) if is_contact else None
    if isinstance(rule, types.PrivacyValueAllowUsers | types.PrivacyValueDisallowUsers):
        return isinstance(rule, types.PrivacyValueAllowUsers) if viewer_id in rule.users else None
    return None


class PrivacySettings:
    """The rules of each privacy key of one account (keys are ``privacyKey*`` classes)."""

    def __init__(self) -> None:
        self._rules: dict[type, tuple[types.TypePrivacyRule, ...]] = {}

    def rules(self, key: type) -> tuple[types.TypePrivacyRule, ...]:
        return self._rules.get(key, DEFAULTS.get(key, EVERYBODY))

    def set(self, key: type, rules: tuple[types.TypePrivacyRule, ...]) -> None:
        self._rules[key] = rules

    def allows(self, key: type, viewer_id: int, *, is_contact: bool) -> bool:
        """Whether ``viewer_id`` may see what ``key`` guards (the first deciding rule; none: no)."""
        for rule in self.rules(key):
            verdict = decides(rule, viewer_id, is_contact)
            if verdict is not None:
                return verdict
        return False
