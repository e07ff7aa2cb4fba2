"""Photos of users, groups and channels: ``photos.uploadProfilePhoto``, ``updateProfilePhoto``, ``deletePhotos``,
``getUserPhotos``, ``messages.editChatPhoto`` and ``channels.editPhoto`` (https://core.telegram.org/api/files,
https://core.telegram.org/method/photos.uploadProfilePhoto, https://core.telegram.org/method/channels.editPhoto).

- uploadProfilePhoto: the upload checked as ``photos.py`` says (IMAGE_PROCESS_FAILED, PHOTO_CROP_SIZE_SMALL,
  PHOTO_INVALID_DIMENSIONS, PHOTO_FILE_MISSING, VIDEO_FILE_INVALID) becomes the current photo; the account keeps at
  most ``MAX_PROFILE_PHOTOS`` (the oldest goes). A bot's photo (``bot``) and the public fallback photo are not
  modelled: BOT_INVALID, PHOTO_INVALID. The caller's other sessions and his contacts get ``updateUser``.
- updateProfilePhoto: one of the account's photos becomes the current one again (PHOTO_ID_INVALID for another
  photo); ``inputPhotoEmpty`` removes the current photo.
- deletePhotos: the account's photos among those named are deleted; the answer lists their ids.
- getUserPhotos: the user's photos, the current first, from ``offset``, at most ``limit`` (100), only ids below
  ``max_id`` when given; USER_ID_INVALID for a user the caller cannot name.
- editChatPhoto / channels.editPhoto: a new upload (``inputChatUploadedPhoto``), a photo the caller has
  (``inputChatPhoto``: PHOTO_INVALID for an unknown one, the file reference's errors) or none
  (``inputChatPhotoEmpty``: CHAT_NOT_MODIFIED without a photo); a basic group's members may change it, a channel
  needs ``change_info`` (CHAT_ADMIN_REQUIRED); the service message is ``messageActionChatEditPhoto`` /
  ``messageActionChatDeletePhoto``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.files import PHOTO, StoredFile
from tgfleet.sandbox.groups import BasicGroup
from tgfleet.sandbox.media import photo_tl
from tgfleet.sandbox.photos import MAX_PROFILE_PHOTOS, store_photo
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.channels import post_service
from tgfleet.sandbox.services.chat_peers import admin_with, input_channel, input_group, posts
from tgfleet.sandbox.services.pages import MAX_LIMIT
from tgfleet.sandbox.services.peers import input_peer, input_user
from tgfleet.sandbox.views import user_tl
from tgfleet.tl import types
from tgfleet.tl.functions import channels as f_channels
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import photos as f_photos
from tgfleet.tl.types import photos as t_photos

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _answer(world: World, account: Account) -> t_photos.Photo:
    """``photos.photo`` of the account's current photo (``photoEmpty`` when it has none)."""
    current = account.photos[0] if account.photos else None
    photo = types.PhotoEmpty(id=0) if current is None else photo_tl(current, world.files.reference(current.id))
    return t_photos.Photo(photo=photo, users=[user_tl(world.accounts, account, account.id, world.clock())])


def _announce(world: World, ctx: CallContext, account: Account) -> None:
    """``updateUser`` (with the user as each sees it) to the account's other sessions and to those who have it as
    a contact."""
    now = int(world.clock())
    for viewer in world.accounts.all():  # (a scan, as update_status: no index of who has whom as a contact)
        if viewer is account or viewer.contacts.has(account.id):
            user = user_tl(world.accounts, account, viewer.id, now)
            update = types.UpdateUser(user_id=account.id)
            updates = types.Updates(updates=[update], users=[user], chats=[], date=now, seq=0)
            world.pusher.push(viewer.id, updates, except_auth_key_id=ctx.auth_key_id)


async def upload_profile_photo(world: World, ctx: CallContext, request: f_photos.UploadProfilePhoto) -> t_photos.Photo:
    account = world.authorized(ctx)
    if request.bot is not None:
        raise errors.BotInvalid()
    if request.fallback:
        raise errors.PhotoInvalid()
    if request.video is not None:
        raise errors.VideoFileInvalid()
    stored = store_photo(world.uploads, world.files, account.id, ctx.dc_id, request.file)
    account.photos.insert(0, stored)
    del account.photos[MAX_PROFILE_PHOTOS:]
    _announce(world, ctx, account)
    return _answer(world, account)


def _own(account: Account, photo: types.TypeInputPhoto) -> StoredFile | None:
    if not isinstance(photo, types.InputPhoto):
        return None
    return next((p for p in account.photos if (p.id, p.access_hash) == (photo.id, photo.access_hash)), None)


async def update_profile_photo(world: World, ctx: CallContext, request: f_photos.UpdateProfilePhoto) -> t_photos.Photo:
    account = world.authorized(ctx)
    if request.bot is not None:
        raise errors.BotInvalid()
    if isinstance(request.id, types.InputPhotoEmpty):
        del account.photos[:1]
    else:
        chosen = _own(account, request.id)
        if chosen is None:
            raise errors.PhotoIdInvalid()
        account.photos.remove(chosen)
        account.photos.insert(0, chosen)
    _announce(world, ctx, account)
    return _answer(world, account)


async def delete_photos(world: World, ctx: CallContext, request: f_photos.DeletePhotos) -> list[int]:
    account = world.authorized(ctx)
    named = {(p.id, p.access_hash) for p in request.id if isinstance(p, types.InputPhoto)}
    gone = [p for p in account.photos if (p.id, p.access_hash) in named]
    current = account.photos[0] if account.photos else None
    account.photos[:] = [p for p in account.photos if p not in gone]
    if current in gone:
        _announce(world, ctx, account)
    return [p.id for p in gone]


async def get_user_photos(world: World, ctx: CallContext, request: f_photos.GetUserPhotos) -> t_photos.TypePhotos:
    viewer = world.authorized(ctx)
    user = input_user(world, viewer, request.user_id)
    if user is None:
        raise errors.UserIdInvalid()
    photos = [p for p in user.photos if request.max_id <= 0 or p.id < request.max_id]
    page = photos[max(0, request.offset) :][: min(max(0, request.limit), MAX_LIMIT)]
    found: list[types.TypePhoto] = [photo_tl(p, world.files.reference(p.id)) for p in page]
    users: list[types.TypeUser] = [user_tl(world.accounts, user, viewer.id, world.clock())]
    if len(page) == len(user.photos):
        return t_photos.Photos(photos=found, users=users)
    return t_photos.PhotosSlice(count=len(photos), photos=found, users=users)


def _new_photo(
    world: World, ctx: CallContext, account: Account, current: StoredFile | None, photo: types.TypeInputChatPhoto
) -> tuple[StoredFile | None, object]:
    """The chat's photo after ``photo`` and the service message's action saying so."""
    if isinstance(photo, types.InputChatPhotoEmpty):
        if current is None:
            raise errors.ChatNotModified()
        return None, types.MessageActionChatDeletePhoto()
    if isinstance(photo, types.InputChatUploadedPhoto):
        if photo.video is not None:
            raise errors.VideoFileInvalid()
        stored = store_photo(world.uploads, world.files, account.id, ctx.dc_id, photo.file)
    elif isinstance(photo, types.InputChatPhoto) and isinstance(photo.id, types.InputPhoto):
        given = photo.id
        try:
            stored = world.files.get(PHOTO, given.id, given.access_hash, given.file_reference)
        except errors.FileIdInvalid:
            raise errors.PhotoInvalid() from None
    else:
        raise errors.PhotoInvalid()
    return stored, types.MessageActionChatEditPhoto(photo=photo_tl(stored, world.files.reference(stored.id)))


def _group_member(group: BasicGroup, account: Account) -> None:
    if account.id not in group.members:
        raise errors.UserNotParticipant()


async def edit_chat_photo(world: World, ctx: CallContext, request: f_messages.EditChatPhoto) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    group = input_group(world, request.chat_id)
    _group_member(group, viewer)
    group.photo, action = _new_photo(world, ctx, viewer, group.photo, request.photo)
    sent = posts(world, ctx)
    return sent.group_updates(group, sent.to_group(group, viewer, action=action), viewer.id)


async def edit_channel_photo(world: World, ctx: CallContext, request: f_channels.EditPhoto) -> types.TypeUpdates:
    viewer = world.authorized(ctx)
    channel = input_channel(world, viewer, request.channel)
    admin_with(channel, viewer, "change_info")
    channel.photo, action = _new_photo(world, ctx, viewer, channel.photo, request.photo)
    return post_service(world, ctx, channel, viewer, action)


def peer_photo_file(
    world: World, viewer: Account, dc_id: int, location: types.InputPeerPhotoFileLocation
) -> StoredFile:
    """The photo an ``inputPeerPhotoFileLocation`` names: one of the user's photos, or the group's or channel's
    current one (PEER_ID_INVALID, CHANNEL_INVALID... for a peer the viewer cannot name, LOCATION_INVALID for
    another photo, FILE_MIGRATE_X when DC X holds it)."""
    peer = location.peer
    photos: list[StoredFile]
    if isinstance(peer, types.InputPeerChat):
        group = world.groups.get(peer.chat_id)
        if group is None:
            raise errors.PeerIdInvalid()
        photos = [] if group.photo is None else [group.photo]
    elif isinstance(peer, types.InputPeerChannel):
        channel = input_channel(world, viewer, peer)
        photos = [] if channel.photo is None else [channel.photo]
    else:
        photos = input_peer(world, viewer, peer).photos
    found = next((p for p in photos if p.id == location.photo_id), None)
    if found is None:
        raise errors.LocationInvalid()
    if found.dc_id != dc_id:
        raise errors.FileMigrate(found.dc_id)
    return found


HANDLERS: dict[type, ServiceFn] = {
    f_photos.UploadProfilePhoto: upload_profile_photo,
    f_photos.UpdateProfilePhoto: update_profile_photo,
    f_photos.DeletePhotos: delete_photos,
    f_photos.GetUserPhotos: get_user_photos,
    f_messages.EditChatPhoto: edit_chat_photo,
    f_channels.EditPhoto: edit_channel_photo,
}
