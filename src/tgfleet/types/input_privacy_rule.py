"""The input privacy rules of ``set_privacy`` (Pyrogram's ``InputPrivacyRule*`` family): each ``write``s the TL
``inputPrivacyValue*`` it stands for; the ``Users`` rules resolve their users through the client."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from tgfleet.tl import types as t
from tgfleet.types.convert import input_user


class InputPrivacyRule:
    """A rule without parameters: ``write`` builds its TL class."""

    TL: ClassVar[type] = t.InputPrivacyValueAllowAll

    async def write(self, client: Any) -> Any:
        return self.TL()

    def __repr__(self) -> str:
        return f"tgfleet.types.{type(self).__name__}()"


class InputPrivacyRuleAllowAll(InputPrivacyRule):
    TL = t.InputPrivacyValueAllowAll


class InputPrivacyRuleAllowContacts(InputPrivacyRule):
    TL = t.InputPrivacyValueAllowContacts


class InputPrivacyRuleAllowCloseFriends(InputPrivacyRule):
    TL = t.InputPrivacyValueAllowCloseFriends


class InputPrivacyRuleAllowPremium(InputPrivacyRule):
    TL = t.InputPrivacyValueAllowPremium


class InputPrivacyRuleAllowBots(InputPrivacyRule):
    TL = t.InputPrivacyValueAllowBots


class InputPrivacyRuleDisallowAll(InputPrivacyRule):
    TL = t.InputPrivacyValueDisallowAll


class InputPrivacyRuleDisallowContacts(InputPrivacyRule):
    TL = t.InputPrivacyValueDisallowContacts


class InputPrivacyRuleDisallowBots(InputPrivacyRule):
    TL = t.InputPrivacyValueDisallowBots


class _UsersRule(InputPrivacyRule):
    def __init__(self, chat_ids: int | str | Iterable[int | str]) -> None:
        self.chat_ids = chat_ids

    async def write(self, client: Any) -> Any:
        ids = [self.chat_ids] if isinstance(self.chat_ids, int | str) else list(self.chat_ids)
        return self.TL(users=[input_user(await client.resolve_peer(i)) for i in ids])

    def __repr__(self) -> str:
        return f"tgfleet.types.{type(self).__name__}({self.chat_ids!r})"


class InputPrivacyRuleAllowUsers(_UsersRule):
    TL = t.InputPrivacyValueAllowUsers


class InputPrivacyRuleDisallowUsers(_UsersRule):
    TL = t.InputPrivacyValueDisallowUsers
