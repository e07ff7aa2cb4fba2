"""One's own profile: ``update_profile``, ``set_username``, ``check_username``, ``update_status``, ``get_privacy``
and ``set_privacy`` (Pyrogram's signatures and return types; https://core.telegram.org/api/privacy)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tgfleet.client.core import ClientCore
from tgfleet.enums import PrivacyKey
from tgfleet.tl import functions
from tgfleet.types import List, PrivacyRule
from tgfleet.types.input_privacy_rule import InputPrivacyRule


def _check_key(key: object) -> PrivacyKey:
    if not isinstance(key, PrivacyKey):
        raise TypeError(f"key must be a tgfleet.enums.PrivacyKey, not {type(key).__name__}")
    return key


class ProfileMethods(ClientCore):
    async def update_profile(
        self, first_name: str | None = None, last_name: str | None = None, bio: str | None = None
    ) -> bool:
        """Change the first name, last name or bio (the ones given; "" removes the last name or the bio).
        FirstnameInvalid (empty or too long), LastnameInvalid, AboutTooLong (bio over 70 characters)."""
        await self.invoke(functions.account.UpdateProfile(first_name=first_name, last_name=last_name, about=bio))
        return True

    async def set_username(self, username: str | None) -> bool:
        """Take a username ("" or None: remove it); others can then find the account by it. UsernameOccupied,
        UsernameInvalid, UsernameNotModified (it is the current one)."""
        await self.invoke(functions.account.UpdateUsername(username=username or ""))
        return True

    async def check_username(self, username: str) -> bool:
        """Whether the account could take ``username`` now (UsernameInvalid for a malformed one)."""
        request: Any = functions.account.CheckUsername(username=username)
        return bool(await self.invoke(request))

    async def update_status(self, offline: bool = False) -> bool:
        """Appear online (for the next few minutes) or offline from now, as others see it through their privacy."""
        request: Any = functions.account.UpdateStatus(offline=offline)
        return bool(await self.invoke(request))

    def _rules(self, answer: Any) -> List[PrivacyRule]:
        users = {u.id: u for u in answer.users}
        chats = {c.id: c for c in answer.chats}
        return List(PrivacyRule._parse(self, rule, users, chats) for rule in answer.rules)

    async def get_privacy(self, key: PrivacyKey) -> List[PrivacyRule]:
        """The rules of one privacy setting (``enums.PrivacyKey.PHONE_NUMBER``, ``STATUS_TIMESTAMP``, ...); for a
        viewer the first rule that matches decides, none matching means no."""
        answer = await self.invoke(functions.account.GetPrivacy(key=_check_key(key).value()))
        return self._rules(answer)

    async def set_privacy(self, key: PrivacyKey, rules: Iterable[InputPrivacyRule | Any]) -> List[PrivacyRule]:
        """Replace the rules of one privacy setting, in order (``types.InputPrivacyRuleAllowContacts()``,
        ``InputPrivacyRuleDisallowAll()``, ``InputPrivacyRuleAllowUsers(ids)``, ...; raw ``inputPrivacyValue*``
        objects are sent as they are); the rules now in force."""
        written = [await r.write(self) if isinstance(r, InputPrivacyRule) else r for r in rules]
        answer = await self.invoke(functions.account.SetPrivacy(key=_check_key(key).value(), rules=written))
        return self._rules(answer)
