"""Users and the address book: ``get_users``, ``get_contacts``, ``get_contacts_count``, ``import_contacts``,
``add_contact``, ``delete_contacts``, ``block_user``, ``unblock_user`` and ``get_blocked_message_senders``
(Pyrogram's signatures and return types; https://core.telegram.org/api/contacts).

Users are named as everywhere: an id the session has seen, ``"@username"``, ``"me"``, or a contact's phone number
(``resolver.py``). The users an answer carries reach the peer cache through the call path (``invoke.py``), so an
imported contact is addressable by id and by its number right after ``import_contacts``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import Any

from tgfleet.client.methods.messages import MessageMethods
from tgfleet.enums import BlockList
from tgfleet.tl import functions, types
from tgfleet.types import Chat, List, User
from tgfleet.types.convert import input_user

PAGE = 100
ALL = (1 << 31) - 1


def _listed(user_ids: int | str | Iterable[int | str]) -> tuple[list[int | str], bool]:
    """The ids as a list, and whether one id (not a list of them) was given (a str is one username or number)."""
    if isinstance(user_ids, int | str):
        return [user_ids], True
    return list(user_ids), False


class ContactMethods(MessageMethods):
    async def _input_users(self, user_ids: list[int | str]) -> list[types.TypeInputUser]:
        return [input_user(await self.resolve_peer(i)) for i in user_ids]

    def _users(self, raw_users: Iterable[Any]) -> List[User]:
        return List(u for raw in raw_users if (u := User._parse(self, raw)) is not None)

    async def get_users(self, user_ids: int | str | Iterable[int | str]) -> User | List[User] | None:
        """The users behind ids, usernames, "me" or contacts' phone numbers: one ``User`` (None if Telegram knows no
        such user) for one id, else a list (the unknown ones left out). Up to 200 at once."""
        ids, single = _listed(user_ids)
        request: Any = functions.users.GetUsers(id=await self._input_users(ids))
        users = self._users(await self.invoke(request))
        return (users[0] if users else None) if single else users

    async def get_contacts(self) -> List[User]:
        """The account's contacts, under the names it saved them with."""
        answer = await self.invoke(functions.contacts.GetContacts(hash=0))
        return self._users(answer.users)  # type: ignore[attr-defined]  # hash 0: never contactsNotModified

    async def get_contacts_count(self) -> int:
        """How many contacts the account has."""
        answer = await self.invoke(functions.contacts.GetContacts(hash=0))
        return len(answer.contacts)  # type: ignore[attr-defined]

    async def import_contacts(self, contacts: list[types.InputPhoneContact]) -> Any:
        """Add contacts by phone number (``types.InputPhoneContact(phone, first_name, last_name)``): Telegram's
        ``contacts.importedContacts`` (``imported``: user id and client id of each number that is a Telegram
        account which lets itself be found by its number; ``users``; ``retry_contacts``: not imported for now)."""
        return await self.invoke(functions.contacts.ImportContacts(contacts=list(contacts)))

    async def add_contact(
        self,
        user_id: int | str,
        first_name: str,
        last_name: str = "",
        phone_number: str = "",
        share_phone_number: bool = False,
    ) -> User:
        """Save a user the account can address as a contact (no phone number needed); ``share_phone_number`` lets him
        see the account's number. The contact as a ``User``. ContactIdInvalid (oneself, unknown), ContactNameEmpty."""
        answer: Any = await self.invoke(functions.contacts.AddContact(
            id=input_user(await self.resolve_peer(user_id)), first_name=first_name, last_name=last_name,
            phone=phone_number, add_phone_privacy_exception=share_phone_number,
        ))  # fmt: skip
        return self._users(answer.users)[0]

    async def delete_contacts(self, user_ids: int | str | list[int | str]) -> User | List[User] | None:
        """Remove contacts: the removed one (a ``User``) for one id, else a list; None when none of them was one."""
        ids, single = _listed(user_ids)
        answer: Any = await self.invoke(functions.contacts.DeleteContacts(id=await self._input_users(ids)))
        if not answer.updates:
            return None
        users = self._users(answer.users)
        return users[0] if single else users

    async def block_user(self, user_id: int | str) -> bool:
        """Block a user: neither side can write to the other until ``unblock_user``."""
        request: Any = functions.contacts.Block(id=await self.resolve_peer(user_id))
        return bool(await self.invoke(request))

    async def unblock_user(self, user_id: int | str) -> bool:
        """Unblock a user (False if he was not blocked)."""
        request: Any = functions.contacts.Unblock(id=await self.resolve_peer(user_id))
        return bool(await self.invoke(request))

    async def get_blocked_message_senders(
        self, block_list: BlockList = BlockList.MAIN, offset: int = 0, limit: int = 0
    ) -> AsyncGenerator[Chat, None]:
        """The users (and chats) the account blocked, the last blocked first: from ``offset``, at most ``limit``
        (0: all)."""
        total = abs(limit) or ALL
        done = 0
        while done < total:
            answer: Any = await self.invoke(functions.contacts.GetBlocked(
                offset=offset, limit=min(PAGE, total - done), my_stories_from=block_list is BlockList.STORIES,
            ))  # fmt: skip
            if not answer.blocked:
                return
            offset += len(answer.blocked)
            users = {u.id: u for u in answer.users}
            chats = {c.id: c for c in answer.chats}
            for blocked in answer.blocked:
                chat = Chat._of_peer(self, blocked.peer_id, users, chats)
                yield chat
                done += 1
                if done >= total:
                    return
            if isinstance(answer, types.contacts.Blocked):
                return  # everything was in this answer
