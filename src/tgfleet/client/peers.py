"""Peers: every user and chat seen in any response is cached with its access hash, and chat ids,
usernames ("@name", "name"), "me"/"self" and phone numbers resolve to input peers without repeating
lookups (usernames are cached with an expiry, so repeated sends never repeat resolveUsername)."""

from __future__ import annotations

import re
from typing import Any

from tgfleet.storage import PeerRecord, PeerType
from tgfleet.tl import types

CHANNEL_OFFSET = 1_000_000_000_000
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")
_USERNAME = re.compile(r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$")


def peer_records(result: Any) -> list[PeerRecord]:
    """The users and chats a response carries (``users`` / ``chats`` lists, or a single ``user``; those of the
    ``updates`` a ``messages.invitedUsers`` or ``chatInviteJoinResultOk`` wraps)."""
    result = wrapped_updates(result)
    objects: list[Any] = []
    for attr in ("users", "chats"):
        value = getattr(result, attr, None)
        if isinstance(value, list):
            objects.extend(value)
    single = getattr(result, "user", None)
    if single is not None:
        objects.append(single)
    if isinstance(result, list):
        objects.extend(result)
    return [r for r in map(record_of, objects) if r is not None]


def wrapped_updates(result: Any) -> Any:
    """The ``Updates`` an answer wraps (``messages.invitedUsers``, ``messages.chatInviteJoinResultOk``), else
    the answer itself."""
    inner = getattr(result, "updates", None)
    if not isinstance(result, types.TypeUpdates) and isinstance(inner, types.TypeUpdates):
        return inner
    return result


def record_of(obj: Any) -> PeerRecord | None:
    if isinstance(obj, types.User):
        kind = PeerType.BOT if obj.bot else PeerType.USER
        return PeerRecord(obj.id, kind, obj.access_hash, obj.username, obj.phone, is_min=obj.min)
    if isinstance(obj, types.Chat | types.ChatForbidden):
        return PeerRecord(-obj.id, PeerType.GROUP)
    if isinstance(obj, types.Channel):
        kind = PeerType.SUPERGROUP if obj.megagroup else PeerType.CHANNEL
        return PeerRecord(-CHANNEL_OFFSET - obj.id, kind, obj.access_hash, obj.username, is_min=obj.min)
    return None


def input_peer(record: PeerRecord, self_id: int | None) -> Any:
    """The InputPeer for a cached record (None if its access hash is unknown)."""
    if record.id == self_id:
        return types.InputPeerSelf()
    if record.type in (PeerType.USER, PeerType.BOT):
        return (
            None
            if record.access_hash is None
            else types.InputPeerUser(user_id=record.id, access_hash=record.access_hash)
        )
    if record.type is PeerType.GROUP:
        return types.InputPeerChat(chat_id=-record.id)
    if record.access_hash is None:
        return None
    return types.InputPeerChannel(channel_id=-record.id - CHANNEL_OFFSET, access_hash=record.access_hash)


def check_chat_id(chat_id: object) -> None:
    """TypeError unless ``chat_id`` is an int (not a bool, though bool is an int subclass) or a str."""
    if isinstance(chat_id, bool) or not isinstance(chat_id, int | str):
        raise TypeError(f"chat_id must be an int or a str (id, username, 'me', phone), not {type(chat_id).__name__}")


def is_phone(text: str) -> bool:
    return bool(_PHONE.match(text)) and sum(c.isdigit() for c in text) >= 7


def is_username(text: str) -> bool:
    return bool(_USERNAME.match(text))
