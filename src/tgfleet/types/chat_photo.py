"""``ChatPhoto``: a user's or chat's profile photo, small and big."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.file_ids import FileType, chat_photo_file_id, photo_file_id, unique_file_id
from tgfleet.types.object import Object, lazy


class ChatPhoto(Object):
    """A profile photo: ``small_file_id`` (160x160) and ``big_file_id`` (640x640) download it. One of a list of
    photos (``get_chat_photos``) names the photo itself: its file ids are a photo's, which
    ``delete_profile_photos`` and ``set_chat_photo`` also take."""

    FIELDS = ("small_file_id", "small_photo_unique_id", "big_file_id", "big_photo_unique_id", "has_animation")
    _peer: tuple[int, int] = (0, 0)

    @classmethod
    def _parse(cls, client: Any, raw: Any, peer_id: int, access_hash: int | None) -> ChatPhoto | None:
        """From a ``userProfilePhoto`` / ``chatPhoto`` (what a user or chat carries) or a whole ``photo``."""
        if not isinstance(raw, (t.UserProfilePhoto, t.ChatPhoto, t.Photo)):
            return None
        photo = cls._lazy(client, raw)
        photo.__dict__["_peer"] = (peer_id, access_hash or 0)
        return photo

    def _file_id(self, big: bool) -> str:
        raw = self._raw
        if isinstance(raw, t.Photo):
            sizes = sorted((s for s in raw.sizes if isinstance(s, t.PhotoSize)), key=lambda s: s.w * s.h)
            size = (sizes[-1] if big else sizes[0]).type if sizes else ""
            return photo_file_id(FileType.PHOTO, raw.dc_id, raw.id, raw.access_hash, raw.file_reference, size)
        return chat_photo_file_id(raw.dc_id, raw.photo_id, big, *self._peer)

    @property
    def _photo_id(self) -> int:
        return int(self._raw.id if isinstance(self._raw, t.Photo) else self._raw.photo_id)

    @lazy
    def small_file_id(self) -> str:
        return self._file_id(big=False)

    @lazy
    def big_file_id(self) -> str:
        return self._file_id(big=True)

    @lazy
    def small_photo_unique_id(self) -> str:
        return unique_file_id(self._photo_id)

    @lazy
    def big_photo_unique_id(self) -> str:
        return unique_file_id(self._photo_id)

    @lazy
    def has_animation(self) -> bool:
        if isinstance(self._raw, t.Photo):
            return bool(self._raw.video_sizes)
        return bool(self._raw.has_video)
