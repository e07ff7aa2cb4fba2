"""Accounts of the sandbox world: ids, phones, usernames, home DCs, per-viewer access hashes.

Telegram rules modelled here (https://core.telegram.org/api/peers, https://core.telegram.org/api/username):
user ids are positive 64-bit integers (today's accounts are in the billions, so the sandbox picks ids in
[10^9, 8·10^9), below 2^53 for JavaScript clients); an ``access_hash`` is per viewer, so the hash user A
received for B is useless to C; usernames are 5–32 characters of ``[a-zA-Z0-9_]``, start with a letter,
do not end with ``_`` and are unique case-insensitively.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tgfleet.sandbox.contact_book import ContactBook
from tgfleet.sandbox.dialog_marks import DialogMarks
from tgfleet.sandbox.files import StoredFile
from tgfleet.sandbox.mailbox import Mailbox
from tgfleet.sandbox.passwords import PasswordRecord, SrpChallenge
from tgfleet.sandbox.privacy import PrivacySettings
from tgfleet.sandbox.scheduled import ScheduleBox

log = logging.getLogger("tgfleet.sandbox")

SERVICE_USER_ID = 777000
"""Telegram's service notifications account ("Telegram"), the sender of login codes."""
SERVICE_PHONE = "42777"

_PHONE_JUNK = re.compile(r"[\s\-().]")
_USERNAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{3,30}[a-zA-Z0-9]")
_MIN_ID, _ID_SPAN = 1_000_000_000, 7_000_000_000


def normalize_phone(phone: str) -> str | None:
    """Digits only (a leading ``+``, spaces, dashes, dots and parentheses are dropped); ``None`` if malformed.

    E.164 numbers have at most 15 digits; the sandbox accepts 5 to 15.
    """
    text = _PHONE_JUNK.sub("", phone.strip())
    text = text[1:] if text.startswith("+") else text
    if not text.isascii() or not text.isdigit() or not 5 <= len(text) <= 15:
        return None
    return text


def valid_username(username: str) -> bool:
    """5–32 characters of ``[a-zA-Z0-9_]``, starting with a letter and not ending with ``_``."""
    return _USERNAME.fullmatch(username) is not None


def phone_home_dc(phone: str, dcs: int) -> int:
    """The home DC of a phone number without an explicit one: a stable function of its digits."""
    return zlib.crc32(phone.encode("ascii")) % dcs + 1


def access_hash(key: bytes, viewer_id: int, user_id: int) -> int:
    """The access hash ``viewer_id`` sees for ``user_id``: HMAC-SHA256 of both ids, as a signed int64."""
    digest = hmac.new(key, f"{viewer_id}:{user_id}".encode("ascii"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def user_id_from(random_bytes: bytes) -> int:
    """A realistic user id from 8 random bytes."""
    return _MIN_ID + int.from_bytes(random_bytes, "big") % _ID_SPAN


@dataclass(frozen=True)
class SandboxUser:
    """A snapshot of an account, as the sandbox's control API hands it out."""

    id: int
    phone: str
    first_name: str
    last_name: str
    username: str | None
    dc: int
    hash_key: bytes = field(repr=False, compare=False)
    is_bot: bool = False

    def access_hash(self, viewer_id: int) -> int:
        """The ``access_hash`` of this user as ``viewer_id`` sees it (in User objects sent to that viewer)."""
        return access_hash(self.hash_key, viewer_id, self.id)


@dataclass
class Account:
    """The world's mutable state of one account."""

    id: int
    phone: str
    first_name: str
    last_name: str
    username: str | None
    dc: int
    created: float
    password: PasswordRecord | None = None
    service: bool = False
    srp: SrpChallenge | None = None
    """The last account.getPassword challenge (its ``srp_id`` is the only one checkPassword accepts)."""
    mailbox: Mailbox = field(default_factory=Mailbox)
    deleted: bool = False
    """Deleted (``World.delete_user``): its phone and username are free again, its keys get USER_DEACTIVATED."""
    bot: bool = False
    """A bot (``World.add_bot``, ``bots.py``): no phone (``phone`` is empty and not indexed), logs in with a token."""
    about: str = ""
    """The bio (``account.updateProfile``), shown in ``users.getFullUser``."""
    contacts: ContactBook = field(default_factory=ContactBook)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    scheduled: ScheduleBox = field(default_factory=ScheduleBox)
    online_until: float = 0.0
    """Online until then (``account.updateStatus``); after it, offline since ``was_online``."""
    was_online: float | None = None
    """When it last went offline (None: it never told, others see it "recently")."""
    photos: list[StoredFile] = field(default_factory=list)
    """Its profile photos, the current one first (``photos.py``)."""
    marks: DialogMarks = field(default_factory=DialogMarks)
    """Its dialogs' folders and unread marks (``dialog_marks.py``)."""


class Accounts:
    """All accounts, indexed by id, phone and (lower-cased) username; new ones get a random id and a home DC
    among ``dcs``."""

    def __init__(self, hash_key: bytes, *, dcs: int, random: Callable[[int], bytes]) -> None:
        self.hash_key = hash_key
        self.dcs = dcs
        self._random = random
        self._by_id: dict[int, Account] = {}
        self._by_phone: dict[str, int] = {}
        self._by_username: dict[str, int] = {}

    def add(self, account: Account) -> Account:
        if account.id in self._by_id:
            raise ValueError(f"user id {account.id} already exists")
        if not account.bot and account.phone in self._by_phone:
            raise ValueError(f"phone {account.phone} is already registered")
        if account.username is not None:
            if not valid_username(account.username):
                raise ValueError(f"invalid username {account.username!r}")
            if account.username.lower() in self._by_username:
                raise ValueError(f"username {account.username!r} is taken")
            self._by_username[account.username.lower()] = account.id
        self._by_id[account.id] = account
        if not account.bot:
            self._by_phone[account.phone] = account.id
        return account

    def create(
        self,
        phone: str,
        first_name: str,
        last_name: str,
        username: str | None,
        dc: int | None,
        created: float,
        password: PasswordRecord | None = None,
        *,
        bot: bool = False,
    ) -> Account:
        """Register a new account of a (normalized) phone, with a fresh id; ``dc`` ``None``: the phone's home
        DC (ValueError for a taken phone or username, or an invalid username). ``bot``: a bot (``phone`` empty)."""
        user_id = user_id_from(self._random(8))
        while user_id in self._by_id:
            user_id = user_id_from(self._random(8))
        home = self.home_dc_of(phone) if dc is None else dc
        account = self.add(Account(user_id, phone, first_name, last_name, username, home, created, password, bot=bot))
        log.info("account %d (+%s) created on DC %d", user_id, phone, home)
        return account

    def release(self, account: Account) -> None:
        """The account is deleted: its phone and username no longer find it (a new account may take them); its id,
        messages and logins stay, so its peers still see it and its keys can be told it is gone."""
        account.deleted = True
        if self._by_phone.get(account.phone) == account.id:
            del self._by_phone[account.phone]
        if account.username is not None and self._by_username.get(account.username.lower()) == account.id:
            del self._by_username[account.username.lower()]

    def set_username(self, account: Account, username: str | None) -> None:
        """Give ``account`` this (valid, free) username, or none; the old one is free again."""
        if account.username is not None:
            self._by_username.pop(account.username.lower(), None)
        account.username = username
        if username is not None:
            self._by_username[username.lower()] = account.id

    def home_dc_of(self, phone: str) -> int:
        """The home DC of a (normalized) phone number: its account's, or where it would be registered."""
        account = self.by_phone(phone)
        return phone_home_dc(phone, self.dcs) if account is None else account.dc

    def get(self, user_id: int) -> Account | None:
        return self._by_id.get(user_id)

    def __getitem__(self, user_id: int) -> Account:
        account = self._by_id.get(user_id)
        if account is None:
            raise KeyError(f"no account with id {user_id}")
        return account

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._by_id

    def by_phone(self, phone: str) -> Account | None:
        user_id = self._by_phone.get(phone)
        return None if user_id is None else self._by_id[user_id]

    def by_username(self, username: str) -> Account | None:
        user_id = self._by_username.get(username.lower())
        return None if user_id is None else self._by_id[user_id]

    def all(self) -> list[Account]:
        """Every account (the service account 777000 included), in creation order."""
        return list(self._by_id.values())

    def hash_for(self, viewer_id: int, user_id: int) -> int:
        return access_hash(self.hash_key, viewer_id, user_id)

    def snapshot(self, account: Account) -> SandboxUser:
        return SandboxUser(
            id=account.id,
            phone=account.phone,
            first_name=account.first_name,
            last_name=account.last_name,
            username=account.username,
            dc=account.dc,
            hash_key=self.hash_key,
            is_bot=account.bot,
        )
