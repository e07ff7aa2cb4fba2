"""What a TL service message says: its ``MessageServiceType`` and the Message fields it sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from tgfleet.enums import MessageServiceType as S
from tgfleet.tl import types as t
from tgfleet.types.convert import CHANNEL_ZERO
from tgfleet.types.media.photo import Photo
from tgfleet.types.object import List
from tgfleet.types.user import User


class Service(NamedTuple):
    """The service type and the fields it sets (``new_chat_title``, ``new_chat_members``...)."""

    type: S
    fields: dict[str, Any]


class Context(NamedTuple):
    """What reading an action needs: the client, the answer's users, the sender and the chat's TL object."""

    client: Any
    users: dict[int, Any]
    sender: Any
    chat_raw: Any


def _users(ctx: Context, ids: list[int]) -> List[User]:
    return List(u for i in ids if (u := User._parse(ctx.client, ctx.users.get(i))) is not None)


def _created(action: Any, ctx: Context) -> Service:
    if isinstance(ctx.chat_raw, t.Channel) and ctx.chat_raw.megagroup:
        return Service(S.SUPERGROUP_CHAT_CREATED, {"supergroup_chat_created": True})
    return Service(S.CHANNEL_CHAT_CREATED, {"channel_chat_created": True})


_ACTIONS: dict[type, Callable[[Any, Context], Service]] = {
    t.MessageActionChatAddUser: lambda a, c: Service(S.NEW_CHAT_MEMBERS, {"new_chat_members": _users(c, a.users)}),
    t.MessageActionChatJoinedByLink: lambda a, c: Service(S.NEW_CHAT_MEMBERS, {"new_chat_members": List([c.sender])}),
    t.MessageActionChatJoinedByRequest: lambda a, c: Service(
        S.NEW_CHAT_MEMBERS, {"new_chat_members": List([c.sender])}
    ),
    t.MessageActionChatDeleteUser: lambda a, c: Service(
        S.LEFT_CHAT_MEMBER, {"left_chat_member": User._parse(c.client, c.users.get(a.user_id))}
    ),
    t.MessageActionChatEditTitle: lambda a, c: Service(S.NEW_CHAT_TITLE, {"new_chat_title": a.title}),
    t.MessageActionChatEditPhoto: lambda a, c: Service(
        S.NEW_CHAT_PHOTO, {"new_chat_photo": Photo._parse(c.client, a.photo)}
    ),
    t.MessageActionChatDeletePhoto: lambda a, c: Service(S.DELETE_CHAT_PHOTO, {"delete_chat_photo": True}),
    t.MessageActionChatCreate: lambda a, c: Service(S.GROUP_CHAT_CREATED, {"group_chat_created": True}),
    t.MessageActionChannelCreate: _created,
    t.MessageActionChatMigrateTo: lambda a, c: Service(
        S.MIGRATE_TO_CHAT_ID, {"migrate_to_chat_id": CHANNEL_ZERO - a.channel_id}
    ),
    t.MessageActionChannelMigrateFrom: lambda a, c: Service(
        S.MIGRATE_FROM_CHAT_ID, {"migrate_from_chat_id": -a.chat_id}
    ),
    t.MessageActionPinMessage: lambda a, c: Service(S.PINNED_MESSAGE, {}),
    t.MessageActionGameScore: lambda a, c: Service(S.GAME_HIGH_SCORE, {}),
    t.MessageActionContactSignUp: lambda a, c: Service(S.CONTACT_REGISTERED, {}),
    t.MessageActionScreenshotTaken: lambda a, c: Service(S.SCREENSHOT_TAKEN, {}),
    t.MessageActionHistoryClear: lambda a, c: Service(S.HISTORY_CLEARED, {}),
    t.MessageActionCustomAction: lambda a, c: Service(S.CUSTOM_ACTION, {}),
}


def service_of(action: Any, ctx: Context) -> Service:
    """The service of a TL ``MessageAction`` (UNSUPPORTED for one not read yet)."""
    read = _ACTIONS.get(type(action))
    return read(action, ctx) if read is not None else Service(S.UNSUPPORTED, {})
