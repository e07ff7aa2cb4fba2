"""Files: ``upload.saveFilePart``, ``upload.saveBigFilePart`` (``uploads.py``) and ``upload.getFile`` (``files.py``).

getFile serves ``inputDocumentFileLocation`` (``thumb_size`` empty: the document; ``m``: its thumbnail) and
``inputPhotoFileLocation`` (a size type the photo has) and ``inputPeerPhotoFileLocation`` (a user's, group's or
channel's photo: ``services/photos.py``); any other location, or a size the file lacks, is
LOCATION_INVALID. A file held by another DC is FILE_MIGRATE_X (https://core.telegram.org/api/files); the
answer is ``upload.file`` with the storage type read from the bytes
(``images.py``; ``storage.filePartial`` past the first chunk) and the file's date as ``mtime``.
Uploading and downloading need a logged-in key (on another DC, one that imported its authorization).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.files import DOCUMENT, PHOTO, StoredFile, chunk
from tgfleet.sandbox.images import storage_type
from tgfleet.sandbox.media import photo_sizes
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.photos import peer_photo_file
from tgfleet.tl import types
from tgfleet.tl.functions import upload as f_upload
from tgfleet.tl.types import upload as t_upload

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def save_file_part(world: World, ctx: CallContext, request: f_upload.SaveFilePart) -> bool:
    account = world.authorized(ctx)
    world.uploads.save(account.id, request.file_id, request.file_part, request.bytes, world.clock())
    return True


async def save_big_file_part(world: World, ctx: CallContext, request: f_upload.SaveBigFilePart) -> bool:
    account = world.authorized(ctx)
    now = world.clock()
    world.uploads.save(account.id, request.file_id, request.file_part, request.bytes, now, request.file_total_parts)
    return True


def _located(
    world: World, viewer: Account, dc_id: int, location: types.TypeInputFileLocation
) -> tuple[StoredFile, bytes]:
    """The file ``location`` names on ``dc_id`` and the bytes of the size it asks for."""
    if isinstance(location, types.InputPeerPhotoFileLocation):
        stored = peer_photo_file(world, viewer, dc_id, location)
        return stored, stored.data  # small and big alike: the sandbox does not resample
    if isinstance(location, types.InputDocumentFileLocation):
        stored = _file(world, DOCUMENT, dc_id, location)
        if not location.thumb_size:
            return stored, stored.data
        if location.thumb_size == "m" and stored.meta.thumb is not None:
            return stored, stored.meta.thumb
        raise errors.LocationInvalid()
    if isinstance(location, types.InputPhotoFileLocation):
        stored = _file(world, PHOTO, dc_id, location)
        sizes = photo_sizes(stored.meta.width, stored.meta.height, len(stored.data))
        if any(getattr(size, "type", None) == location.thumb_size for size in sizes):
            return stored, stored.data  # the sandbox does not resample (media.py)
        raise errors.LocationInvalid()
    raise errors.LocationInvalid()


def _file(
    world: World, kind: str, dc_id: int, location: types.InputDocumentFileLocation | types.InputPhotoFileLocation
) -> StoredFile:
    return world.files.get(kind, location.id, location.access_hash, location.file_reference, on_dc=dc_id)


async def get_file(world: World, ctx: CallContext, request: f_upload.GetFile) -> t_upload.File:
    viewer = world.authorized(ctx)
    stored, data = _located(world, viewer, ctx.dc_id, request.location)
    part = chunk(data, request.offset, request.limit, precise=request.precise)
    kind = storage_type(data) if request.offset == 0 else types.storage.FilePartial()
    return t_upload.File(type=kind, mtime=stored.date, bytes=part)


HANDLERS: dict[type, ServiceFn] = {
    f_upload.SaveFilePart: save_file_part,
    f_upload.SaveBigFilePart: save_big_file_part,
    f_upload.GetFile: get_file,
}
