"""``ContactBook``: whose contacts each account has (what PEER_FLOOD exempts, ``peer_limits.py``).

The sandbox has no contact methods over the API yet (``contacts.addContact`` / ``importContacts`` are not
implemented); tests and users of the sandbox add contacts with ``world.add_contact(user_id, contact_id)``.
Bounded: at most :data:`MAX_CONTACTS` per account.
"""

from __future__ import annotations

MAX_CONTACTS = 10_000
"""Contacts one account may have in the sandbox (Telegram publishes no number)."""


class ContactBook:
    def __init__(self) -> None:
        self._of: dict[int, set[int]] = {}

    def add(self, owner_id: int, contact_id: int) -> None:
        """``owner_id`` has ``contact_id`` as a contact (ValueError past :data:`MAX_CONTACTS`)."""
        contacts = self._of.setdefault(owner_id, set())
        if contact_id not in contacts and len(contacts) >= MAX_CONTACTS:
            raise ValueError(f"user {owner_id} already has {MAX_CONTACTS} contacts")
        contacts.add(contact_id)

    def remove(self, owner_id: int, contact_id: int) -> None:
        self._of.get(owner_id, set()).discard(contact_id)

    def has(self, owner_id: int, contact_id: int) -> bool:
        return contact_id in self._of.get(owner_id, ())

    def of(self, owner_id: int) -> set[int]:
        return set(self._of.get(owner_id, ()))
