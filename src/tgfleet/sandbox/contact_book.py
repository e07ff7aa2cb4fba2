"""``ContactBook``: one account's address book, its contacts and the peers it blocked (``Account.contacts``).

Telegram's rules modelled here (https://core.telegram.org/api/contacts, https://core.telegram.org/method/contacts.block):

- a contact is saved under the name its owner gave it (``contacts.importContacts`` / ``addContact``); the owner sees
  the contact under that name, and its phone number when the owner saved it by that number (an import, or an
  ``addContact`` naming the right number) or when the contact's phone privacy lets him (``privacy.py``);
  ``share_phone``: the owner let this contact see the owner's own number (``add_phone_privacy_exception``);
- contacts are what PEER_FLOOD exempts (``peer_limits.py``) and what "My contacts" privacy rules allow;
- a blocked peer is remembered with the date it was blocked; ``contacts.getBlocked`` lists the last blocked first.

Bounded: at most :data:`MAX_CONTACTS` contacts and :data:`MAX_BLOCKED` blocked peers per account (``add`` / ``block``
answer False past them, the caller's error to name).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CONTACTS = 10_000
"""Contacts one account may have in the sandbox (Telegram publishes no number)."""
MAX_BLOCKED = 10_000
"""Peers one account may block in the sandbox (Telegram publishes no number)."""


@dataclass(frozen=True)
class SavedContact:
    """A contact as its owner saved it."""

    user_id: int
    first_name: str
    last_name: str
    phone_known: bool
    """The owner saved it by its phone number (so he sees it)."""
    share_phone: bool = False
    """The owner lets this contact see the owner's phone number."""


class ContactBook:
    """One account's contacts (in the order they were added) and blocked peers."""

    def __init__(self) -> None:
        self._contacts: dict[int, SavedContact] = {}
        self._blocked: dict[int, int] = {}
        """peer id -> the date it was blocked, in blocking order."""

    # --- contacts ---------------------------------------------------------------------------------------
    def add(self, contact: SavedContact) -> bool:
        """Save (or update) a contact; False when the book is full and it is new. A number once known stays known."""
        old = self._contacts.get(contact.user_id)
        if old is None and len(self._contacts) >= MAX_CONTACTS:
            return False
        if old is not None and old.phone_known and not contact.phone_known:
            contact = SavedContact(
                contact.user_id, contact.first_name, contact.last_name, True, contact.share_phone or old.share_phone
            )
        self._contacts[contact.user_id] = contact
        return True

    def remove(self, user_id: int) -> bool:
        """Whether ``user_id`` was a contact (it is not any more)."""
        return self._contacts.pop(user_id, None) is not None

    def has(self, user_id: int) -> bool:
        return user_id in self._contacts

    def get(self, user_id: int) -> SavedContact | None:
        return self._contacts.get(user_id)

    def all(self) -> list[SavedContact]:
        """Every contact, in the order they were first added."""
        return list(self._contacts.values())

    def __len__(self) -> int:
        return len(self._contacts)

    # --- blocked peers ----------------------------------------------------------------------------------
    def block(self, peer_id: int, date: int) -> bool:
        """Block ``peer_id`` (already blocked: kept with its first date); False when the list is full."""
        if peer_id in self._blocked:
            return True
        if len(self._blocked) >= MAX_BLOCKED:
            return False
        self._blocked[peer_id] = date
        return True

    def unblock(self, peer_id: int) -> bool:
        """Whether ``peer_id`` was blocked (it is not any more)."""
        return self._blocked.pop(peer_id, None) is not None

    def blocked(self, peer_id: int) -> bool:
        return peer_id in self._blocked

    def blocked_list(self) -> list[tuple[int, int]]:
        """``(peer id, date blocked)``, the last blocked first."""
        return list(reversed(self._blocked.items()))
