"""The world as one viewer sees it, in the constructors Telegram sends (``user``, ``message``, ``dialog``).

A ``user`` carries the access hash *of that viewer*; the viewer's own ``user`` has ``self`` and the phone;
another user's phone and exact status are shown as that user's privacy rules allow (``privacy.py``: the phone to
his contacts by default), and the viewer's contacts carry the names he saved them under.
Incoming private messages have no ``from_id`` (layer 119+: the sender is the chat), outgoing ones carry the
owner as ``from_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tgfleet.sandbox.accounts import Account, Accounts
from tgfleet.sandbox.channels import CHANNEL_ZERO
from tgfleet.sandbox.dialog_marks import DialogMarks
from tgfleet.sandbox.forward_origin import ForwardOrigin
from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
from tgfleet.sandbox.photos import profile_photo_tl
from tgfleet.sandbox.reactions import message_reactions_tl
from tgfleet.sandbox.scheduled import ScheduledMessage
from tgfleet.tl import types

ONLINE_FOR = 300
"""Seconds a ``userStatusOnline`` of the viewer himself lasts."""


def peer_user(user_id: int) -> types.PeerUser:
    return types.PeerUser(user_id=user_id)


def peer_of(peer_id: int) -> types.TypePeer:
    """The peer of a marked id: a user (``> 0``), a basic group (``-chat_id``) or a channel (``-100...``)."""
    if peer_id > 0:
        return peer_user(peer_id)
    if peer_id < CHANNEL_ZERO:
        return types.PeerChannel(channel_id=CHANNEL_ZERO - peer_id)
    return types.PeerChat(chat_id=-peer_id)


def user_tl(accounts: Accounts, account: Account, viewer_id: int, now: float) -> types.User:
    """``user`` for ``viewer_id``: its own access hash; self flag, phone and online status for himself; a deleted
    account is ``deleted`` and nothing more (https://core.telegram.org/constructor/user). For another viewer: the
    name he saved it under if it is his contact (``contact``; ``mutual_contact`` when it has him too), the phone and
    the exact status only as ``visible`` allows."""
    is_self = account.id == viewer_id
    if account.deleted:
        return types.User(deleted=True, id=account.id, access_hash=accounts.hash_for(viewer_id, account.id))
    viewer = None if is_self else accounts.get(viewer_id)
    saved = None if viewer is None else viewer.contacts.get(account.id)
    status: types.TypeUserStatus | None
    if account.service:
        status = None
    elif is_self:
        status = types.UserStatusOnline(expires=int(now) + ONLINE_FOR)
    else:
        status = user_status(account, now) if visible(account, viewer_id, StatusKey) else types.UserStatusRecently()
    first, last = (saved.first_name, saved.last_name) if saved else (account.first_name, account.last_name)
    shows_phone = (
        is_self or account.service or bool(saved and saved.phone_known) or visible(account, viewer_id, PhoneKey)
    )
    return types.User(
        is_self=is_self,
        contact=saved is not None,
        mutual_contact=saved is not None and account.contacts.has(viewer_id),
        verified=account.service,
        support=account.service,
        id=account.id,
        access_hash=accounts.hash_for(viewer_id, account.id),
        first_name=first or None,
        last_name=last or None,
        username=account.username,
        phone=account.phone if shows_phone and not account.bot else None,
        status=status,
        bot=account.bot,
        bot_info_version=1 if account.bot else None,
        photo=profile_photo_tl(account.photos[0] if account.photos else None),
    )


StatusKey, PhoneKey = types.PrivacyKeyStatusTimestamp, types.PrivacyKeyPhoneNumber


def visible(account: Account, viewer_id: int, key: type) -> bool:
    """Whether ``account``'s privacy lets ``viewer_id`` see what ``key`` guards (``privacy.py``; "My contacts":
    the viewer is in ``account``'s contacts; for the phone also when ``account`` shared its number with him)."""
    saved = account.contacts.get(viewer_id)
    if key is PhoneKey and saved is not None and saved.share_phone:
        return True
    return account.privacy.allows(key, viewer_id, is_contact=saved is not None)


def user_status(account: Account, now: float) -> types.TypeUserStatus:
    """``account``'s real status: online until it expires, then offline since then; "recently" if never told."""
    if account.online_until > now:
        return types.UserStatusOnline(expires=int(account.online_until))
    if account.was_online is None:
        return types.UserStatusRecently()
    return types.UserStatusOffline(was_online=int(account.was_online))


def users_tl(accounts: Accounts, user_ids: Iterable[int], viewer_id: int, now: float) -> list[types.TypeUser]:
    """``user`` objects of the given ids (each once, in first-seen order) for ``viewer_id``."""
    seen: dict[int, None] = dict.fromkeys(user_ids)
    return [user_tl(accounts, accounts[user_id], viewer_id, now) for user_id in seen if user_id in accounts]


def message_tl(message: SandboxMessage) -> types.Message | types.MessageService:
    """``message`` as its owner sees it (a group's messages name their sender, a service message its action)."""
    forward = message.forward
    from_id = peer_user(message.sender_id) if message.out or message.peer_id < 0 else None
    if message.action is not None:
        return types.MessageService(
            out=message.out, id=message.id, from_id=from_id, peer_id=peer_of(message.peer_id), date=message.date,
            action=message.action,
        )  # fmt: skip
    return types.Message(
        out=message.out,
        mentioned=message.mentioned,
        media_unread=message.media_unread,
        silent=message.silent,
        noforwards=message.noforwards,
        id=message.id,
        from_id=from_id,
        peer_id=peer_of(message.peer_id),
        date=message.date,
        message=message.text,
        entities=list(message.entities) or None,
        reply_to=None if message.reply_to is None else types.MessageReplyHeader(reply_to_msg_id=message.reply_to),
        fwd_from=forward_tl(forward),
        edit_date=message.edit_date,
        media=None if message.media is None else message.media.tl(),
        grouped_id=message.grouped_id,
        reactions=message_reactions_tl(message),
    )


def forward_tl(forward: ForwardOrigin | None) -> types.MessageFwdHeader | None:
    """A forwarded message's ``fwd_from``: its origin's sender (a user or a channel), date and post; for an
    automatic forward into a discussion group, the post it was saved from."""
    if forward is None:
        return None
    origin = peer_of(forward.peer_id)
    return types.MessageFwdHeader(
        from_id=origin, date=forward.date, channel_post=forward.post_id,
        saved_from_peer=origin if forward.automatic else None,
        saved_from_msg_id=forward.post_id if forward.automatic else None,
    )  # fmt: skip


def message_users(messages: Iterable[SandboxMessage]) -> list[int]:
    """The user ids a client needs to show ``messages`` (peers, senders, forwards' origins, those a service message
    names)."""
    ids: list[int] = []
    for message in messages:
        ids += (message.peer_id, message.sender_id, *action_users(message.action))
        if message.forward is not None:
            ids.append(message.forward.peer_id)
    return ids


def action_users(action: Any) -> list[int]:
    """The users a service message's action names (added, removed, the inviter of a join by link)."""
    ids = list(getattr(action, "users", None) or ())
    for name in ("user_id", "inviter_id"):
        if isinstance(value := getattr(action, name, None), int):
            ids.append(value)
    return ids


def dialog_tl(dialog: SandboxDialog, marks: DialogMarks | None = None) -> types.Dialog:
    """``dialog``; with the owner's ``marks``, its unread mark and its folder (``folder_id`` when archived)."""
    return types.Dialog(
        pinned=dialog.pinned,
        unread_mark=marks is not None and marks.unread(dialog.peer_id),
        folder_id=(marks.folder_of(dialog.peer_id) or None) if marks is not None else None,
        peer=peer_of(dialog.peer_id),
        top_message=dialog.top_message,
        read_inbox_max_id=dialog.read_inbox_max_id,
        read_outbox_max_id=dialog.read_outbox_max_id,
        unread_count=dialog.unread_count,
        unread_mentions_count=dialog.unread_mentions,
        unread_reactions_count=0,
        unread_poll_votes_count=0,
        notify_settings=types.PeerNotifySettings(),
    )


def scheduled_tl(message: ScheduledMessage) -> types.Message:
    """``message`` as its owner sees it among his scheduled ones (``from_scheduled``, dated when it will be sent)."""
    return types.Message(
        out=True,
        from_scheduled=True,
        silent=message.silent,
        noforwards=message.noforwards,
        id=message.id,
        from_id=types.PeerUser(user_id=message.owner_id),
        peer_id=peer_of(message.peer_id),
        date=message.date,
        message=message.text,
        media=None if message.media is None else message.media.tl(),
        entities=list(message.entities) or None,
        reply_to=None if message.reply_to is None else types.MessageReplyHeader(reply_to_msg_id=message.reply_to),
        fwd_from=forward_tl(message.forward),
        grouped_id=message.grouped_id,
    )
