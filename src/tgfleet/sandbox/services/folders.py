"""The archive and unread marks: ``folders.editPeerFolders``, ``messages.markDialogUnread``,
``messages.getDialogUnreadMarks`` (https://core.telegram.org/api/folders,
https://core.telegram.org/method/messages.markDialogUnread); the state is ``dialog_marks.py``.

- editPeerFolders: each dialog goes to folder 0 (the main list) or 1 (the archive), FOLDER_ID_INVALID for another
  folder, PEER_ID_INVALID for a peer the caller has no dialog with; at most ``MAX_LIMIT`` peers a call. A dialog
  that moves leaves the pinned dialogs of the folder it left (it may be pinned in its new folder). The answer is
  ``updateFolderPeers`` with the moves, which the caller's other sessions get too; the dialogs that did move are
  one pts event of the caller's box (``pts_count`` 1; 0 when none moved), which getDifference replays to a session
  that was away (https://core.telegram.org/constructor/updateFolderPeers).
- markDialogUnread: sets or clears the dialog's mark (PEER_ID_INVALID as above); reading the chat clears it;
  ``updateDialogUnreadMark`` to the caller's other sessions. getDialogUnreadMarks lists the marked dialogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.channels import Channel
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.dialog_marks import FOLDERS
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.chat_messages import dialog_chats
from tgfleet.sandbox.services.chat_peers import chat_of
from tgfleet.sandbox.services.pages import MAX_LIMIT
from tgfleet.sandbox.services.peers import input_peer
from tgfleet.sandbox.views import peer_of, users_tl
from tgfleet.tl import types
from tgfleet.tl.functions import folders as f_folders
from tgfleet.tl.functions import messages as f_messages

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def dialog_peer(world: World, viewer: Account, peer: types.TypeInputPeer) -> int:
    """The marked id of a peer the viewer has a dialog with (PEER_ID_INVALID otherwise)."""
    chat = chat_of(world, viewer, peer)
    marked = input_peer(world, viewer, peer).id if chat is None else chat.marked_id
    has = viewer.id in chat.members if isinstance(chat, Channel) else viewer.mailbox.has_chat(marked)
    if not has:
        raise errors.PeerIdInvalid()
    return marked


async def edit_peer_folders(world: World, ctx: CallContext, request: f_folders.EditPeerFolders) -> types.Updates:
    viewer = world.authorized(ctx)
    if len(request.folder_peers) > MAX_LIMIT:
        raise errors.LimitInvalid()
    moves: dict[int, int] = {}
    for wanted in request.folder_peers:
        if wanted.folder_id not in FOLDERS:
            raise errors.FolderIdInvalid()
        moves[dialog_peer(world, viewer, wanted.peer)] = wanted.folder_id
    moved: list[tuple[int, int]] = []
    for peer_id, folder_id in moves.items():
        if viewer.marks.move(peer_id, folder_id):
            viewer.mailbox.toggle_pin(peer_id, False)
            moved.append((peer_id, folder_id))
    now = world.clock()
    viewer.mailbox.move_folders(tuple(moved), int(now))
    folder_peers = [types.FolderPeer(peer=peer_of(p), folder_id=f) for p, f in moves.items()]
    update = types.UpdateFolderPeers(folder_peers=folder_peers, pts=viewer.mailbox.pts, pts_count=1 if moved else 0)
    updates = types.Updates(
        updates=[update], users=users_tl(world.accounts, [p for p in moves if p > 0], viewer.id, now),
        chats=dialog_chats(world, viewer, list(moves)), date=int(now), seq=0,
    )  # fmt: skip
    world.pusher.push(viewer.id, updates, except_auth_key_id=ctx.auth_key_id)
    return updates


async def mark_dialog_unread(world: World, ctx: CallContext, request: f_messages.MarkDialogUnread) -> bool:
    viewer = world.authorized(ctx)
    if not isinstance(request.peer, types.InputDialogPeer):
        raise errors.PeerIdInvalid()
    peer_id = dialog_peer(world, viewer, request.peer.peer)
    if viewer.marks.mark(peer_id, request.unread):
        update = types.UpdateDialogUnreadMark(unread=request.unread, peer=types.DialogPeer(peer=peer_of(peer_id)))
        world.pusher.push(
            viewer.id, types.UpdateShort(update=update, date=int(world.clock())), except_auth_key_id=ctx.auth_key_id
        )
    return True


async def get_dialog_unread_marks(
    world: World, ctx: CallContext, request: f_messages.GetDialogUnreadMarks
) -> list[types.TypeDialogPeer]:
    viewer = world.authorized(ctx)
    return [types.DialogPeer(peer=peer_of(p)) for p in viewer.marks.marked()]


HANDLERS: dict[type, ServiceFn] = {
    f_folders.EditPeerFolders: edit_peer_folders,
    f_messages.MarkDialogUnread: mark_dialog_unread,
    f_messages.GetDialogUnreadMarks: get_dialog_unread_marks,
}
