"""The chat list: ``messages.getDialogs``, ``messages.getPinnedDialogs``, ``messages.toggleDialogPin``
(https://core.telegram.org/api/offsets, https://core.telegram.org/api/folders).

- getDialogs: the pinned dialogs first (the last pinned first; left out with ``exclude_pinned``), then the others
  (private chats, groups and channels), the one with the newest message first (by date, then id, then peer). A
  page after the first (``offset_date``, ``offset_id`` and ``offset_peer`` of the last dialog's top message)
  holds the unpinned dialogs after that one in this order, as Telegram pages; at most 100 per call;
  ``messages.dialogs`` when all fit, else ``messages.dialogsSlice`` with the total. ``folder_id`` 0 is the main
  list, 1 the archive (``folders.py``), none both; each dialog says its unread mark and folder (``dialog_marks.py``).
- getPinnedDialogs: the pinned ones of the folder (``messages.peerDialogs`` with the state).
- toggleDialogPin: PEER_ID_INVALID for a peer without a dialog, PINNED_DIALOGS_TOO_MUCH past ``MAX_PINNED`` in the
  main list, ``MAX_PINNED_ARCHIVED`` in the archive (a dialog is pinned in the folder it is in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.mailbox import SandboxDialog
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import channel_dialogs, dialog_chats
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.services.updates import account_state
from tgfleet.sandbox.views import dialog_tl, message_tl, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.types import messages as t_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_LIMIT = 100
NEVER = 2**31
"""Later than any date or id."""
MAX_PINNED = 5
"""Pinned dialogs of an account without Premium (``dialogs_pinned_limit_default``)."""
MAX_PINNED_ARCHIVED = 100
"""Pinned dialogs in the archive (``dialogs_folder_pinned_limit_default``)."""


Entry = tuple[SandboxDialog, types.TypeMessage]
"""A dialog and its top message (a channel's top message is in the channel's box, the others in the viewer's)."""


def _entries(world: World, viewer: Account, dialogs: list[SandboxDialog]) -> list[Entry]:
    box = viewer.mailbox
    return [(d, message_tl(box.message(d.top_message))) for d in dialogs]


def _parts(
    world: World, viewer: Account, page: list[Entry]
) -> tuple[list[types.TypeDialog], list[types.TypeMessage], list[types.TypeChat], list[types.TypeUser]]:
    peers = [d.peer_id for d, _ in page]
    senders = [sender.user_id for _, m in page if isinstance(sender := getattr(m, "from_id", None), types.PeerUser)]
    users = users_tl(world.accounts, [*peers, *senders], viewer.id, world.clock())
    chats = dialog_chats(world, viewer, peers)
    return [dialog_tl(d, viewer.marks) for d, _ in page], [m for _, m in page], chats, users


def _order(entry: Entry) -> tuple[int, int, int]:
    """Newest first: by the top message's date, then its id, then the peer (a total order to page by)."""
    dialog, top = entry
    return (getattr(top, "date", 0), getattr(top, "id", 0), dialog.peer_id)


def _offset(world: World, viewer: Account, request: f_messages.GetDialogs) -> tuple[int, int, int] | None:
    """Where a later page starts: the last dialog's top message date, id and peer (a date not given is that
    message's own), None for the first page."""
    if request.offset_id <= 0 and request.offset_date <= 0:
        return None
    peer, marked, box = request.offset_peer, 0, viewer.mailbox
    if isinstance(peer, types.InputPeerUser):
        marked = peer.user_id
    elif isinstance(peer, types.InputPeerSelf):
        marked = viewer.id
    elif isinstance(peer, types.InputPeerChat | types.InputPeerChannel):
        chat = chat_of(world, viewer, peer)
        marked = 0 if chat is None else chat.marked_id
        box = chat.box if isinstance(chat, Channel) else box
    top = box.get(request.offset_id) if request.offset_date <= 0 else None
    date = request.offset_date if request.offset_date > 0 else NEVER if top is None else top.date
    return (date, request.offset_id if request.offset_id > 0 else NEVER, marked)


async def get_dialogs(world: World, ctx: CallContext, request: f_messages.GetDialogs) -> t_messages.TypeDialogs:
    viewer = world.authorized(ctx)
    box = viewer.mailbox
    entries = _entries(world, viewer, box.dialogs()) + channel_dialogs(world, viewer)
    if request.folder_id is not None:
        entries = [e for e in entries if viewer.marks.folder_of(e[0].peer_id) == request.folder_id]
    pinned = [e for e in entries if e[0].pinned]  # in pinning order already (the mailbox's)
    entries = ([] if request.exclude_pinned else pinned) + sorted(
        (e for e in entries if not e[0].pinned), key=_order, reverse=True
    )
    kept = entries
    if (offset := _offset(world, viewer, request)) is not None:
        kept = [e for e in entries if not e[0].pinned and _order(e) < offset]
    page = kept[: min(max(request.limit, 0), MAX_LIMIT)]
    found, messages, chats, users = _parts(world, viewer, page)
    if len(page) == len(entries):
        return t_messages.Dialogs(dialogs=found, messages=messages, chats=chats, users=users)
    return t_messages.DialogsSlice(count=len(entries), dialogs=found, messages=messages, chats=chats, users=users)


async def get_pinned_dialogs(
    world: World, ctx: CallContext, request: f_messages.GetPinnedDialogs
) -> t_messages.PeerDialogs:
    viewer = world.authorized(ctx)
    folder = request.folder_id or 0
    pinned = [d for d in viewer.mailbox.dialogs() if d.pinned and viewer.marks.folder_of(d.peer_id) == folder]
    found, messages, chats, users = _parts(world, viewer, _entries(world, viewer, pinned))
    state = account_state(viewer, viewer.mailbox.pts, world.clock())
    return t_messages.PeerDialogs(dialogs=found, messages=messages, chats=chats, users=users, state=state)


async def toggle_dialog_pin(world: World, ctx: CallContext, request: f_messages.ToggleDialogPin) -> bool:
    viewer = world.authorized(ctx)
    if not isinstance(request.peer, types.InputDialogPeer):
        raise errors.PeerIdInvalid()
    peer = input_peer(world, viewer, request.peer.peer)
    box, folder = viewer.mailbox, viewer.marks.folder_of(peer.id)
    pinned = sum(
        1 for d in box.dialogs() if d.pinned and d.peer_id != peer.id and viewer.marks.folder_of(d.peer_id) == folder
    )
    if request.pinned and pinned >= (MAX_PINNED_ARCHIVED if folder else MAX_PINNED):
        raise errors.PinnedDialogsTooMuch()
    if not box.toggle_pin(peer.id, request.pinned):
        raise errors.PeerIdInvalid()
    return True


HANDLERS: dict[type, ServiceFn] = {
    f_messages.GetDialogs: get_dialogs,
    f_messages.GetPinnedDialogs: get_pinned_dialogs,
    f_messages.ToggleDialogPin: toggle_dialog_pin,
}
