"""Media messages in private chats: ``messages.sendMedia``, ``messages.sendMultiMedia`` (albums) and
``messages.uploadMedia`` (``media.py`` makes and renders the media).

- sendMedia: the errors of sendMessage (``services/messages.py``: the peer, the reply, PEER_FLOOD) and the
  media's; the text is the caption: MEDIA_CAPTION_TOO_LONG above 1024 UTF-16 code units (it may be empty). The
  answer is ``updates`` with ``updateMessageID`` and ``updateNewMessage``; a repeated ``random_id`` returns the
  original message, as for sendMessage. A ``schedule_date`` keeps it, with its media, to be sent then
  (``services/scheduled.py``).
- sendMultiMedia: 1 to 10 media (MULTI_MEDIA_TOO_LONG above), photos and documents only (MEDIA_INVALID for a
  location or a contact), each with its own caption and ``random_id`` (RANDOM_ID_INVALID when two are the same);
  the messages share one ``grouped_id``. A ``schedule_date`` keeps the whole album, its ``grouped_id`` with it,
  to be sent then (``services/scheduled.py``). The sandbox does not model which kinds may be mixed in one album.
- uploadMedia: the media made and stored without a message (``messageMediaPhoto`` / ``messageMediaDocument``),
  to be sent later by id (``inputMediaPhoto`` / ``inputMediaDocument``), as clients do before sendMultiMedia.

A basic group's, supergroup's or channel's peer: the sending rules of ``chat_messages.py`` (CHAT_WRITE_FORBIDDEN,
SLOWMODE_WAIT_X, the reply in that chat), the message stored and pushed as a text one is, with its media.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.chats import SendOptions, check_caption, saved_message, send_private
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxMessage
from tgfleet.sandbox.media import SandboxMedia
from tgfleet.sandbox.services import ServiceFn, recipients
from tgfleet.sandbox.services.chat_messages import chat_reply_to, may_send, merged, post
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.scheduled import Draft, schedule, schedule_all
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_ALBUM = 10


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
    entities = tuple(request.entities or ())
    if (chat := chat_of(world, sender, request.peer)) is not None:
        may_send(world, chat, sender)
        check_caption(request.message)
        reply_to = chat_reply_to(sender, chat, request.reply_to)
        options = SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards,
                              media=world.media.make(sender.id, ctx.dc_id, request.media))  # fmt: skip
        if request.schedule_date is not None:
            return schedule(world, ctx, sender, chat.marked_id, request, options)
        return post(world, ctx, sender, chat, request.message, request.random_id, entities, options)[1]
    recipient = recipients.recipient(world, sender, request.peer)
    check_caption(request.message)
    reply_to = recipients.private_reply_to(sender, recipient, request.reply_to)
    previous = sender.mailbox.by_random_id(recipient.id, request.random_id)
    if previous is None:
        recipients.count_new_peer(world, sender, recipient)
        media = world.media.make(sender.id, ctx.dc_id, request.media)
    else:
        media = previous.media
    options = SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards, media=media)
    if request.schedule_date is not None:
        return schedule(world, ctx, sender, recipient.id, request, options)
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
        check_caption(item.message)
        if not isinstance(item.media, _ALBUM_MEDIA):
            raise errors.MediaInvalid()
    return [world.media.make(sender.id, ctx.dc_id, item.media) for item in items]


async def send_multi_media(world: World, ctx: CallContext, request: f_messages.SendMultiMedia) -> types.TypeUpdates:
    sender = world.authorized(ctx)
    chat = chat_of(world, sender, request.peer)
    if chat is not None:
        may_send(world, chat, sender)
        reply_to = chat_reply_to(sender, chat, request.reply_to)
    else:
        recipient = recipients.recipient(world, sender, request.peer)
        reply_to = recipients.private_reply_to(sender, recipient, request.reply_to)
    items = [item for item in request.multi_media if isinstance(item, types.InputSingleMedia)]
    media = _album(world, ctx, sender, items)
    if chat is None:
        recipients.count_new_peer(world, sender, recipient)
    grouped_id = struct.unpack("<q", world.random(8))[0] & (2**63 - 1) or 1
    drafts = [
        Draft(item.message, tuple(item.entities or ()), item.random_id,
              SendOptions(reply_to=reply_to, silent=request.silent, noforwards=request.noforwards, media=made,
                          grouped_id=grouped_id))
        for item, made in zip(items, media, strict=True)
    ]  # fmt: skip
    if request.schedule_date is not None:
        marked = chat.marked_id if chat is not None else recipient.id
        return schedule_all(world, ctx, sender, marked, request.schedule_date, drafts)
    answers: list[types.Updates] = []
    for item, draft in zip(items, drafts, strict=True):
        options, entities = draft.options, draft.entities
        if chat is not None:
            answers.append(post(world, ctx, sender, chat, item.message, item.random_id, entities, options)[1])
            continue
        message = _deliver(world, ctx, sender, recipient, item.message, item.random_id, entities, options)
        answer = saved_message(world.accounts, message, item.random_id, world.clock())
        assert isinstance(answer, types.Updates)  # the full form, always
        answers.append(answer)
    return merged(answers)


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
