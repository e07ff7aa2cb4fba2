"""The filters on what an update is or holds (``filters.text``, ``filters.photo``, ``filters.private``...)."""

from __future__ import annotations

from typing import Any

from tgfleet.enums import ChatType
from tgfleet.filters.filter import Filter, create
from tgfleet.filters.updates import chat_of, is_outgoing, message_of, sender_of
from tgfleet.types import InlineKeyboardMarkup, ReplyKeyboardMarkup


def has(field: str) -> Filter:
    """A filter that takes an update whose ``field`` is set (not None, empty or false)."""

    async def func(flt: Any, client: Any, update: Any) -> bool:
        return bool(getattr(update, field, None))

    return create(func, f"{field}_filter")


def _chat_kind(*kinds: ChatType) -> Filter:
    async def func(flt: Any, client: Any, update: Any) -> bool:
        chat = chat_of(update)
        return chat is not None and chat.type in kinds

    return create(func, f"{kinds[0].name.lower()}_filter")


async def _all(flt: Any, client: Any, update: Any) -> bool:
    return True


async def _me(flt: Any, client: Any, update: Any) -> bool:
    sender = sender_of(update)
    return bool(sender is not None and sender.is_self) or is_outgoing(update)


async def _bot(flt: Any, client: Any, update: Any) -> bool:
    sender = sender_of(update)
    return bool(sender is not None and sender.is_bot)


async def _incoming(flt: Any, client: Any, update: Any) -> bool:
    return not is_outgoing(update)


async def _outgoing(flt: Any, client: Any, update: Any) -> bool:
    return is_outgoing(update)


async def _reply_keyboard(flt: Any, client: Any, update: Any) -> bool:
    return isinstance(getattr(update, "reply_markup", None), ReplyKeyboardMarkup)


async def _inline_keyboard(flt: Any, client: Any, update: Any) -> bool:
    return isinstance(getattr(update, "reply_markup", None), InlineKeyboardMarkup)


async def _linked_channel(flt: Any, client: Any, update: Any) -> bool:
    """A post of the channel linked to a discussion group, as it arrives there (forwarded from its channel)."""
    message = message_of(update)
    if message is None or message.forward_from_chat is None or message.sender_chat is None:
        return False
    return message.forward_from_chat.type is ChatType.CHANNEL and message.forward_from_chat.id == message.sender_chat.id


async def _self_destruction(flt: Any, client: Any, update: Any) -> bool:
    media = (getattr(update, name, None) for name in ("photo", "voice", "video", "video_note"))
    return any(m is not None and m.ttl_seconds for m in media)


all = create(_all, "all_filter")
me = create(_me, "me_filter")
bot = create(_bot, "bot_filter")
incoming = create(_incoming, "incoming_filter")
outgoing = create(_outgoing, "outgoing_filter")
reply_keyboard = create(_reply_keyboard, "reply_keyboard_filter")
inline_keyboard = create(_inline_keyboard, "inline_keyboard_filter")
linked_channel = create(_linked_channel, "linked_channel_filter")
self_destruction = create(_self_destruction, "self_destruction_filter")

private = _chat_kind(ChatType.PRIVATE, ChatType.BOT)
group = _chat_kind(ChatType.GROUP, ChatType.SUPERGROUP, ChatType.FORUM)
channel = _chat_kind(ChatType.CHANNEL)

text = has("text")
reply = has("reply_to_message_id")
forwarded = has("forward_date")
caption = has("caption")
edited = has("edit_date")
audio = has("audio")
document = has("document")
photo = has("photo")
sticker = has("sticker")
animation = has("animation")
game = has("game")
video = has("video")
media_group = has("media_group_id")
voice = has("voice")
video_note = has("video_note")
contact = has("contact")
location = has("location")
venue = has("venue")
web_page = has("web_page")
poll = has("poll")
dice = has("dice")
media = has("media")
media_spoiler = has("has_media_spoiler")
service = has("service")
sender_chat = has("sender_chat")
new_chat_members = has("new_chat_members")
left_chat_member = has("left_chat_member")
new_chat_title = has("new_chat_title")
new_chat_photo = has("new_chat_photo")
delete_chat_photo = has("delete_chat_photo")
group_chat_created = has("group_chat_created")
supergroup_chat_created = has("supergroup_chat_created")
channel_chat_created = has("channel_chat_created")
migrate_to_chat_id = has("migrate_to_chat_id")
migrate_from_chat_id = has("migrate_from_chat_id")
pinned_message = has("pinned_message")
mentioned = has("mentioned")
via_bot = has("via_bot")
scheduled = has("scheduled")
from_scheduled = has("from_scheduled")
