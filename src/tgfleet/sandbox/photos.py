"""Profile photos of users and the photos of groups and channels: checked and stored as photos (``files.py``),
rendered as Telegram shows them (https://core.telegram.org/api/files, https://core.telegram.org/constructor/photo).

- An uploaded profile or chat photo (``inputChatUploadedPhoto``, photos.uploadProfilePhoto) must be a PNG, JPEG
  or WebP image: anything else is IMAGE_PROCESS_FAILED, a side shorter than ``MIN_SIDE`` PHOTO_CROP_SIZE_SMALL
  (Telegram's small profile photo is 160x160), sides over 20 to 1 or above 10000 together
  PHOTO_INVALID_DIMENSIONS; no file at all is PHOTO_FILE_MISSING. A video (an animated profile photo) is
  VIDEO_FILE_INVALID: the sandbox keeps still photos only.
- A user's ``user`` carries ``userProfilePhoto`` (its id and DC), a group's or channel's ``chat`` ``chatPhoto``;
  the full objects (users.getFullUser, getFullChat, getFullChannel, photos.getUserPhotos) carry the ``photo``
  with a fresh file reference. ``inputPeerPhotoFileLocation`` downloads either size of the peer's current photo
  (the sandbox resamples nothing: both are the uploaded bytes).
"""

from __future__ import annotations

from collections.abc import Callable

from tgfleet import errors
from tgfleet.sandbox.files import PHOTO, FileMeta, FileStore, StoredFile
from tgfleet.sandbox.images import image_size
from tgfleet.sandbox.media import photo_tl
from tgfleet.sandbox.uploads import Uploads
from tgfleet.tl import types

MIN_SIDE = 160
MAX_PROFILE_PHOTOS = 100
"""Photos one account keeps; a new one past it drops the oldest."""


def store_photo(
    uploads: Uploads, files: FileStore, user_id: int, dc_id: int, file: types.TypeInputFile | None
) -> StoredFile:
    """The uploaded ``file`` checked as a profile or chat photo (see above) and stored on ``dc_id``."""
    if file is None:
        raise errors.PhotoFileMissing()
    data = uploads.take(user_id, file)
    dimensions = image_size(data)
    if dimensions is None:
        raise errors.ImageProcessFailed()
    width, height = dimensions
    if width + height > 10000 or max(width, height) > 20 * max(1, min(width, height)):
        raise errors.PhotoInvalidDimensions()
    if min(width, height) < MIN_SIDE:
        raise errors.PhotoCropSizeSmall()
    return files.add(dc_id, data, FileMeta(PHOTO, "image/jpeg", width=width, height=height))


def profile_photo_tl(photo: StoredFile | None) -> types.UserProfilePhoto | None:
    return None if photo is None else types.UserProfilePhoto(photo_id=photo.id, dc_id=photo.dc_id)


def chat_photo_tl(photo: StoredFile | None) -> types.TypeChatPhoto:
    return types.ChatPhotoEmpty() if photo is None else types.ChatPhoto(photo_id=photo.id, dc_id=photo.dc_id)


def full_photo_tl(photo: StoredFile | None, reference: Callable[[int], bytes]) -> types.TypePhoto:
    """The ``photo`` itself with a fresh file reference (``photoEmpty`` for none)."""
    return types.PhotoEmpty(id=0) if photo is None else photo_tl(photo, reference(photo.id))
