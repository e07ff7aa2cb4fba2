"""High-level types the client API returns (Pyrogram's names and fields), built from raw TL objects."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tgfleet.tl import types


class SentCodeType(enum.Enum):
    """How the login code was delivered (or will be, for ``next_type``)."""

    APP = "app"
    SMS = "sms"
    CALL = "call"
    FLASH_CALL = "flash_call"
    MISSED_CALL = "missed_call"
    EMAIL_CODE = "email_code"
    SETUP_EMAIL_REQUIRED = "setup_email_required"
    FRAGMENT_SMS = "fragment_sms"
    FIREBASE_SMS = "firebase_sms"
    SMS_WORD = "sms_word"
    SMS_PHRASE = "sms_phrase"
    UNKNOWN = "unknown"


_SENT_TYPES = {
    "auth.sentCodeTypeApp": SentCodeType.APP,
    "auth.sentCodeTypeSms": SentCodeType.SMS,
    "auth.sentCodeTypeCall": SentCodeType.CALL,
    "auth.sentCodeTypeFlashCall": SentCodeType.FLASH_CALL,
    "auth.sentCodeTypeMissedCall": SentCodeType.MISSED_CALL,
    "auth.sentCodeTypeEmailCode": SentCodeType.EMAIL_CODE,
    "auth.sentCodeTypeSetUpEmailRequired": SentCodeType.SETUP_EMAIL_REQUIRED,
    "auth.sentCodeTypeFragmentSms": SentCodeType.FRAGMENT_SMS,
    "auth.sentCodeTypeFirebaseSms": SentCodeType.FIREBASE_SMS,
    "auth.sentCodeTypeSmsWord": SentCodeType.SMS_WORD,
    "auth.sentCodeTypeSmsPhrase": SentCodeType.SMS_PHRASE,
    "auth.codeTypeSms": SentCodeType.SMS,
    "auth.codeTypeCall": SentCodeType.CALL,
    "auth.codeTypeFlashCall": SentCodeType.FLASH_CALL,
    "auth.codeTypeMissedCall": SentCodeType.MISSED_CALL,
    "auth.codeTypeFragmentSms": SentCodeType.FRAGMENT_SMS,
}


def code_type(raw: Any) -> SentCodeType:
    return _SENT_TYPES.get(getattr(raw, "QUALNAME", ""), SentCodeType.UNKNOWN)


@dataclass(frozen=True)
class SentCode:
    """The answer to ``send_code``: keep ``phone_code_hash`` for ``sign_in``."""

    phone_code_hash: str
    type: SentCodeType
    next_type: SentCodeType | None
    timeout: int | None

    @classmethod
    def _parse(cls, raw: types.auth.SentCode) -> SentCode:
        next_type = code_type(raw.next_type) if raw.next_type is not None else None
        return cls(raw.phone_code_hash, code_type(raw.type), next_type, raw.timeout)


@dataclass(frozen=True)
class User:
    """A Telegram user (or bot) as the logged-in account sees it."""

    id: int
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    phone_number: str | None = None
    is_self: bool = False
    is_bot: bool = False
    is_contact: bool = False
    is_deleted: bool = False
    is_premium: bool = False
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def _parse(cls, raw: Any) -> User:
        if not isinstance(raw, types.User):
            return cls(id=raw.id, is_deleted=True, raw=raw)
        return cls(
            id=raw.id,
            first_name=raw.first_name or "",
            last_name=raw.last_name,
            username=raw.username,
            phone_number=raw.phone,
            is_self=raw.is_self,
            is_bot=raw.bot,
            is_contact=raw.contact,
            is_deleted=raw.deleted,
            is_premium=raw.premium,
            raw=raw,
        )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Message:
    """A message in a chat. ``chat_id`` is the peer id (a user id for private chats)."""

    id: int
    chat_id: int
    text: str
    date: datetime
    from_user_id: int | None = None
    outgoing: bool = False
    raw: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def _parse(cls, raw: Any, self_id: int | None = None) -> Message:
        peer = raw.peer_id
        chat_id = _peer_id(peer)
        from_id = _peer_id(raw.from_id) if raw.from_id is not None else None
        if from_id is None and raw.out:
            from_id = self_id
        elif from_id is None and isinstance(peer, types.PeerUser):
            from_id = peer.user_id
        return cls(
            id=raw.id,
            chat_id=chat_id,
            text=getattr(raw, "message", "") or "",
            date=datetime.fromtimestamp(raw.date, timezone.utc),
            from_user_id=from_id,
            outgoing=bool(raw.out),
            raw=raw,
        )


def _peer_id(peer: Any) -> int:
    """Bot-API-style ids: users positive, basic groups negative, channels -100…"""
    if isinstance(peer, types.PeerUser):
        return int(peer.user_id)
    if isinstance(peer, types.PeerChat):
        return -int(peer.chat_id)
    if isinstance(peer, types.PeerChannel):
        return -1_000_000_000_000 - int(peer.channel_id)
    raise ValueError(f"not a peer: {peer!r}")
