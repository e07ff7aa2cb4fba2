"""Photos of profiles and chats: ``set_profile_photo``, ``delete_profile_photos``, ``get_chat_photos``,
``get_chat_photos_count``, ``set_chat_photo`` and ``delete_chat_photo``, with Pyrogram's signatures and return
types (https://core.telegram.org/api/files).

A photo to set is a path, bytes or a binary file object (uploaded in parts, ``MediaMethods.save_file``) or the
``file_id`` of a photo Telegram has (a sent photo, or one of ``get_chat_photos``: set again without an upload). A
user's photos are listed with ``photos.getUserPhotos``, the current first; a group's or channel's are its current
photo and then the earlier ones of its photo service messages (``messages.search`` with
``inputMessagesFilterChatPhotos``). ``User.photo`` / ``Chat.photo`` are ``ChatPhoto``s whose
file ids ``download_media`` takes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, BinaryIO

from tgfleet.client.methods.chats import input_channel, service_message
from tgfleet.client.methods.media import MediaMethods
from tgfleet.client.methods.sending_media import is_local
from tgfleet.tl import functions, types
from tgfleet.types import ChatPhoto, Message
from tgfleet.types.convert import chat_id as chat_id_of
from tgfleet.types.convert import input_user
from tgfleet.types.file_ids import FileType, decode_file_id

PAGE = 100
ALL = (1 << 31) - 1


def input_photo(file_id: str) -> types.InputPhoto:
    """The ``inputPhoto`` a photo's file id names (ValueError for a file id of anything else, such as a profile
    photo's small or big file id, which names the peer's current photo, not a photo)."""
    fid = decode_file_id(file_id)
    if fid.file_type is not FileType.PHOTO:
        raise ValueError(f"this file id names a {fid.file_type.name.lower()}, not a photo")
    return types.InputPhoto(id=fid.media_id, access_hash=fid.access_hash, file_reference=fid.file_reference)


class ChatPhotoMethods(MediaMethods):
    async def set_profile_photo(
        self, photo: str | BinaryIO | bytes | None = None, is_public: bool | None = None, *,
        video: str | BinaryIO | None = None,
    ) -> bool:  # fmt: skip
        """Set a new profile photo (a path, bytes or a file object, uploaded) or make one of your earlier photos
        (its ``file_id``) the current one again. ``is_public`` (the public photo for those who may not see the
        main one) and ``video`` (an animated photo) are passed on as Telegram has them."""
        if photo is None and video is None:
            raise ValueError("set_profile_photo needs a photo (or a video)")
        if isinstance(photo, str) and not is_local(photo):
            request: Any = functions.photos.UpdateProfilePhoto(fallback=bool(is_public), id=input_photo(photo))
        else:
            request = functions.photos.UploadProfilePhoto(
                fallback=bool(is_public),
                file=None if photo is None else await self.save_file(photo),
                video=None if video is None else await self.save_file(video),
            )
        await self.invoke(request)
        return True

    async def delete_profile_photos(self, photo_ids: str | list[str]) -> bool:
        """Delete profile photos by their file ids (from ``get_chat_photos("me")``)."""
        wanted = [photo_ids] if isinstance(photo_ids, str) else list(photo_ids)
        await self.invoke(functions.photos.DeletePhotos(id=[input_photo(i) for i in wanted]))
        return True

    async def get_chat_photos(self, chat_id: int | str, limit: int = 0) -> AsyncGenerator[ChatPhoto, None]:
        """A chat's photos, the newest first, at most ``limit`` (0: all): a user's profile photos
        (photos.getUserPhotos); a group's, supergroup's or channel's current photo, then the earlier ones, which
        are its ``messageActionChatEditPhoto`` service messages (messages.search with
        ``inputMessagesFilterChatPhotos``: https://core.telegram.org/type/MessagesFilter), as Pyrogram lists them."""
        peer = await self.resolve_peer(chat_id)
        total = limit or ALL
        if isinstance(peer, types.InputPeerChat | types.InputPeerChannel):
            found = self._chat_photo_history(peer)
        else:
            found = self._user_photos(peer, total)
        given = 0
        async for photo in found:
            yield photo
            given += 1
            if given >= total:
                return

    async def get_chat_photos_count(self, chat_id: int | str) -> int:
        """How many photos ``get_chat_photos`` lists: a user's profile photos, a group's or channel's photo
        service messages (messages.getSearchCounters, https://core.telegram.org/method/messages.getSearchCounters)."""
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChat | types.InputPeerChannel):
            counters: Any = await self.invoke(
                functions.messages.GetSearchCounters(peer=peer, filters=[types.InputMessagesFilterChatPhotos()])
            )
            return int(counters[0].count) if counters else 0
        answer: Any = await self.invoke(
            functions.photos.GetUserPhotos(user_id=input_user(peer), offset=0, max_id=0, limit=1)
        )
        return len(answer.photos) if isinstance(answer, types.photos.Photos) else int(answer.count)

    async def delete_chat_photo(self, chat_id: int | str) -> bool:
        """Remove a group's or channel's photo (its earlier photos stay in the chat's history, as in Telegram).
        ValueError for a user's chat."""
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChat):
            await self.invoke(functions.messages.EditChatPhoto(chat_id=peer.chat_id, photo=types.InputChatPhotoEmpty()))
        elif isinstance(peer, types.InputPeerChannel):
            await self.invoke(
                functions.channels.EditPhoto(channel=input_channel(peer), photo=types.InputChatPhotoEmpty())
            )
        else:
            raise ValueError(f"the chat_id {chat_id!r} belongs to a user")
        return True

    async def _user_photos(self, peer: Any, total: int) -> AsyncGenerator[ChatPhoto, None]:
        owner = self.me.id if isinstance(peer, types.InputPeerSelf) and self.me else getattr(peer, "user_id", 0)
        offset = 0
        while offset < total:
            asked = min(PAGE, total - offset)
            answer: Any = await self.invoke(
                functions.photos.GetUserPhotos(user_id=input_user(peer), offset=offset, max_id=0, limit=asked)
            )
            for raw in answer.photos:
                if (found := ChatPhoto._parse(self, raw, owner, getattr(peer, "access_hash", 0))) is not None:
                    yield found
            offset += len(answer.photos)
            if len(answer.photos) < asked or isinstance(answer, types.photos.Photos):
                return

    async def _chat_photo_history(self, peer: Any) -> AsyncGenerator[ChatPhoto, None]:
        """The current photo (from the full chat), then each photo service message's photo, newest first, but the
        current one again."""
        if isinstance(peer, types.InputPeerChannel):
            full: Any = await self.invoke(functions.channels.GetFullChannel(channel=input_channel(peer)))
        else:
            full = await self.invoke(functions.messages.GetFullChat(chat_id=peer.chat_id))
        chat = next((c for c in full.chats if c.id == full.full_chat.id), None)
        marked = chat_id_of(chat) if chat is not None else 0
        access_hash = getattr(peer, "access_hash", 0)
        current = ChatPhoto._parse(self, full.full_chat.chat_photo, marked, access_hash)
        if current is not None:
            yield current
        offset_id = 0
        while True:
            answer: Any = await self.invoke(functions.messages.Search(
                peer=peer, q="", filter=types.InputMessagesFilterChatPhotos(), min_date=0, max_date=0,
                offset_id=offset_id, add_offset=0, limit=PAGE, max_id=0, min_id=0, hash=0,
            ))  # fmt: skip
            for message in answer.messages:
                action = getattr(message, "action", None)
                if not isinstance(action, types.MessageActionChatEditPhoto):
                    continue
                photo = ChatPhoto._parse(self, action.photo, marked, access_hash)
                if photo is not None and (current is None or photo.big_photo_unique_id != current.big_photo_unique_id):
                    yield photo
            if len(answer.messages) < PAGE:
                return
            offset_id = answer.messages[-1].id

    async def set_chat_photo(
        self, chat_id: int | str, *, photo: str | BinaryIO | bytes | None = None,
        video: str | BinaryIO | None = None, video_start_ts: float | None = None,
    ) -> Message | None:  # fmt: skip
        """Set a group's or channel's photo: a path, bytes or a file object (uploaded) or a photo's ``file_id``;
        the service message saying so (None if the answer carried none). ValueError for a user's chat."""
        peer = await self.resolve_peer(chat_id)
        if not isinstance(peer, types.InputPeerChat | types.InputPeerChannel):
            raise ValueError(f"the chat_id {chat_id!r} belongs to a user")
        if photo is None and video is None:
            raise ValueError("set_chat_photo needs a photo (or a video)")
        chosen: types.TypeInputChatPhoto
        if isinstance(photo, str) and not is_local(photo):
            chosen = types.InputChatPhoto(id=input_photo(photo))
        else:
            chosen = types.InputChatUploadedPhoto(
                file=None if photo is None else await self.save_file(photo),
                video=None if video is None else await self.save_file(video),
                video_start_ts=video_start_ts,
            )
        if isinstance(peer, types.InputPeerChat):
            answer: Any = await self.invoke(functions.messages.EditChatPhoto(chat_id=peer.chat_id, photo=chosen))
        else:
            answer = await self.invoke(functions.channels.EditPhoto(channel=input_channel(peer), photo=chosen))
        return service_message(self, answer)
