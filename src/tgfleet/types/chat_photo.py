"""``ChatPhoto``: a user's or chat's profile photo, small and big."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.file_ids import chat_photo_file_id, unique_file_id
from tgfleet.types.object import Object, lazy


class ChatPhoto(Object):
    """A profile photo: ``small_file_id`` (160x160) and ``big_file_id`` (640x640) download it."""

    FIELDS = ("small_file_id", "small_photo_unique_id", "big_file_id", "big_photo_unique_id", "has_animation")
    _peer: tuple[int, int] = (0, 0)

    @classmethod
    def _parse(cls, client: Any, raw: Any, peer_id: int, access_hash: int | None) -> ChatPhoto | None:
        if not isinstance(raw, (t.UserProfilePhoto, t.ChatPhoto)):
            return None
        photo = cls._lazy(client, raw)
        photo.__dict__["_peer"] = (peer_id, access_hash or 0)
        return photo

    def _file_id(self, big: bool) -> str:
        return chat_photo_file_id(self._raw.dc_id, self._raw.photo_id, big, *self._peer)

    @lazy
    def small_file_id(self) -> str:
        return self._file_id(big=False)

    @lazy
    def big_file_id(self) -> str:
        return self._file_id(big=True)

    @lazy
    def small_photo_unique_id(self) -> str:
        return unique_file_id(self._raw.photo_id)

    @lazy
    def big_photo_unique_id(self) -> str:
        return unique_file_id(self._raw.photo_id)

    @lazy
    def has_animation(self) -> bool:
        return bool(self._raw.has_video)
