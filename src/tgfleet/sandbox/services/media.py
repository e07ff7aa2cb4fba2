"""Media messages in private chats: ``messages.sendMedia``, ``messages.sendMultiMedia`` (albums) and
``messages.uploadMedia`` (``media.py`` makes and renders the media).

- sendMedia: the errors of sendMessage (``services/messages.py``: the peer, the reply, PEER_FLOOD) and the
  media's; the text is the caption: MEDIA_CAPTION_TOO_LONG above 1024 UTF-16 code units (it may be empty). The
  answer is ``updates`` with ``updateMessageID`` and ``updateNewMessage``; a repeated ``random_id`` returns the
  original message, as for sendMessage.
- sendMultiMedia: 1 to 10 media (MULTI_MEDIA_TOO_LONG above), photos and documents only (MEDIA_INVALID for a
  location or a contact), each with its own caption and ``random_id`` (RANDOM_ID_INVALID when two are the same);
  the messages share one ``grouped_id``. The sandbox does not model which kinds may be mixed in one album.
- uploadMedia: the media made and stored without a message (``messageMediaPhoto`` / ``messageMediaDocument``),
  to be sent later by id (``inputMediaPhoto`` / ``inputMediaDocument``), as clients do before sendMultiMedia.

Media into groups and channels is not modelled here (private chats and Saved Messages).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.chats import SendOptions, saved_message, send_private
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.media import SandboxMedia
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.messages import _count_new_peer, _recipient, _reply_to
from tgfleet.sandbox.views import message_tl, message_users, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_CAPTION = 1024
"""Telegram's limit on a caption, in UTF-16 code units."""
MAX_ALBUM = 10


def _check_caption(text: str) -> None:
    if len(text.encode("utf-16-le")) // 2 > MAX_CAPTION:
        raise errors.MediaCaptionTooLong()


def _deliver(
    world: World, ctx: CallContext, sender: Account, recipient: Account, caption: str, random_id: int,
    entities: tuple[object, ...], options: SendOptions,
) -> SandboxMessage:  # fmt: skip
    return send_private(
        world.accounts, world.pusher, world.clock(), sender, recipient, caption, random_id=random_id,
        entities=entities, except_auth_key_id=ctx.auth_key_id, options=options,
    )  # fmt: skip


async def send_media(world: World, ctx: CallContext, request: f_messages.SendMedia) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    if request.schedule_date is not None:
        raise errors.ScheduleDateInvalid()
    recipient = _recipient(world, sender, request.peer)
    _check_caption(request.message)
    reply_to = _reply_to(sender, recipient, request.reply_to)
    previous = sender.mailbox.by_random_id(recipient.id, request.random_id)
    if previous is None:
        _count_new_peer(world, sender, recipient)
        media = world.media.make(sender.id, ctx.dc_id, request.media)
    else:
        media = previous.media
    options = SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards, media=media)
    entities = tuple(request.entities or ())
    message = _deliver(world, ctx, sender, recipient, request.message, request.random_id, entities, options)
    return saved_message(world.accounts, message, request.random_id, world.clock())


def _album(world: World, ctx: CallContext, sender: Account, items: list[types.InputSingleMedia]) -> list[SandboxMedia]:
    if not items:
        raise errors.MediaEmpty()
    if len(items) > MAX_ALBUM:
        raise errors.MultiMediaTooLong()
    if len({item.random_id for item in items}) != len(items):
        raise errors.RandomIdInvalid()
    for item in items:
        _check_caption(item.message)
        if not isinstance(item.media, _ALBUM_MEDIA):
            raise errors.MediaInvalid()
    return [world.media.make(sender.id, ctx.dc_id, item.media) for item in items]


async def send_multi_media(world: World, ctx: CallContext, request: f_messages.SendMultiMedia) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    if request.schedule_date is not None:
        raise errors.ScheduleDateInvalid()
    recipient = _recipient(world, sender, request.peer)
    reply_to = _reply_to(sender, recipient, request.reply_to)
    items = [item for item in request.multi_media if isinstance(item, types.InputSingleMedia)]
    media = _album(world, ctx, sender, items)
    _count_new_peer(world, sender, recipient)
    grouped_id = struct.unpack("<q", world.random(8))[0] & (2**63 - 1) or 1
    updates: list[types.TypeUpdate] = []
    sent: list[SandboxMessage] = []
    for item, made in zip(items, media, strict=True):
        options = SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards, media=made,
                              grouped_id=grouped_id)  # fmt: skip
        entities = tuple(item.entities or ())
        message = _deliver(world, ctx, sender, recipient, item.message, item.random_id, entities, options)
        sent.append(message)
        updates.append(types.UpdateMessageID(id=message.id, random_id=item.random_id))
        updates.append(types.UpdateNewMessage(message=message_tl(message), pts=message.pts, pts_count=1))
    now = world.clock()
    users = users_tl(world.accounts, [sender.id, *message_users(sent)], sender.id, now)
    return types.Updates(updates=updates, users=users, chats=[], date=int(now), seq=0)


async def upload_media(world: World, ctx: CallContext, request: f_messages.UploadMedia) -> types.TypeMessageMedia:
    sender = world.authorized(ctx)
    return world.media.make(sender.id, ctx.dc_id, request.media).tl()


_ALBUM_MEDIA = (
    types.InputMediaUploadedPhoto,
    types.InputMediaUploadedDocument,
    types.InputMediaPhoto,
    types.InputMediaDocument,
)

HANDLERS: dict[type, ServiceFn] = {
    f_messages.SendMedia: send_media,
    f_messages.SendMultiMedia: send_multi_media,
    f_messages.UploadMedia: upload_media,
}
