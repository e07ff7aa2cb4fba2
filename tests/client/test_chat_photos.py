"""Profile and chat photos end to end through the sandbox: set_profile_photo (a path, bytes, an earlier photo's file
id), get_chat_photos, delete_profile_photos, User.photo as another account sees it and downloaded by its file id,
set_chat_photo in a basic group and a channel (the service message, Chat.photo, the photo downloaded by another
member), a group's and a channel's photo history (get_chat_photos newest first, get_chat_photos_count,
delete_chat_photo keeping the history, a deleted service message taking its photo out); each refusal as its typed
error (ImageProcessFailed, PhotoCropSizeSmall, PhotoInvalidDimensions, ChatAdminRequired, UserNotParticipant,
ChatNotModified, PeerIdInvalid...)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tgfleet import Client, enums, errors
from tgfleet.tl import functions, types
from tgfleet.types import ChatPhoto, User
from tgfleet.types.file_ids import chat_photo_file_id

from ..sandbox.media_helpers import png
from .chat_pair import chat_pair


async def _photos(client: Client, chat_id: int | str) -> list[ChatPhoto]:
    return [p async for p in client.get_chat_photos(chat_id)]


async def _downloaded(client: Client, file_id: str) -> bytes:
    out = await client.download_media(file_id, in_memory=True)
    assert isinstance(out, io.BytesIO)
    return out.getvalue()


async def test_a_profile_photo_set_listed_seen_downloaded_and_deleted(tmp_path: Path) -> None:
    first, second = png(320, 320), png(640, 480)
    path = tmp_path / "me.png"
    path.write_bytes(first)
    async with chat_pair(bob_dc=2) as p:
        assert await p.alice.set_profile_photo(photo=str(path)) is True
        assert await p.alice.set_profile_photo(photo=second) is True
        mine = await _photos(p.alice, "me")
        assert len(mine) == 2
        theirs = await _photos(p.bob, p.alice_id)
        assert [x.big_photo_unique_id for x in theirs] == [x.big_photo_unique_id for x in mine]
        assert await _downloaded(p.bob, theirs[0].big_file_id) == second  # the newest first, from Alice's DC
        assert await _downloaded(p.bob, theirs[1].small_file_id) == first

        seen = await p.bob.get_users(p.alice_id)
        assert isinstance(seen, User) and seen.photo is not None
        assert seen.photo.big_photo_unique_id == mine[0].big_photo_unique_id
        assert await _downloaded(p.bob, seen.photo.big_file_id) == second  # by the peer's current photo

        assert await p.alice.set_profile_photo(photo=mine[1].big_file_id)  # the earlier one is current again
        again = await p.bob.get_users(p.alice_id)
        assert isinstance(again, User) and again.photo is not None
        assert again.photo.big_photo_unique_id == mine[1].big_photo_unique_id

        assert await p.alice.delete_profile_photos([x.big_file_id for x in mine])
        assert await _photos(p.bob, p.alice_id) == []
        gone = await p.bob.get_users(p.alice_id)
        assert isinstance(gone, User) and gone.photo is None
        with pytest.raises(errors.LocationInvalid):  # the deleted photo is no longer the peer's
            await _downloaded(p.bob, seen.photo.big_file_id)


async def test_a_bad_profile_photo_is_refused_with_its_error() -> None:
    async with chat_pair() as p:
        for data, error in (
            (b"not an image at all", errors.ImageProcessFailed),
            (png(100, 100), errors.PhotoCropSizeSmall),
            (png(4000, 180), errors.PhotoInvalidDimensions),
        ):
            with pytest.raises(error):
                await p.alice.set_profile_photo(photo=data)
        with pytest.raises(ValueError):
            await p.alice.set_profile_photo()
        with pytest.raises(ValueError):  # a profile photo's file id names the peer's photo, not a photo
            await p.alice.delete_profile_photos(chat_photo_file_id(1, 12345, True, p.alice_id, 0))
        assert await _photos(p.bob, p.alice_id) == []  # nothing of a refused call was kept
        assert await p.alice.invoke(functions.photos.DeletePhotos(id=[types.InputPhotoEmpty()])) == []
        with pytest.raises(errors.UserIdInvalid):
            await p.alice.invoke(
                functions.photos.GetUserPhotos(
                    user_id=types.InputUser(user_id=p.bob_id, access_hash=1), offset=0, max_id=0, limit=10
                )
            )


async def test_a_group_photo_set_by_a_member_seen_and_downloaded_by_another() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_group("Pictures", p.bob_id)
        service = await p.alice.set_chat_photo(group.id, photo=png(400, 400))
        assert service is not None and service.service is enums.MessageServiceType.NEW_CHAT_PHOTO
        assert service.new_chat_photo is not None
        chat = await p.bob.get_chat(group.id)
        assert chat.photo is not None
        assert await _downloaded(p.bob, chat.photo.big_file_id) == png(400, 400)
        listed = await _photos(p.bob, group.id)
        assert [x.big_photo_unique_id for x in listed] == [chat.photo.big_photo_unique_id]

        again = await p.bob.set_chat_photo(group.id, photo=service.new_chat_photo.file_id)  # a photo it has
        assert again is not None and again.new_chat_photo.file_unique_id == service.new_chat_photo.file_unique_id
        deleted = await p.alice.invoke(
            functions.messages.EditChatPhoto(chat_id=-group.id, photo=types.InputChatPhotoEmpty())
        )
        assert any(
            isinstance(getattr(u, "message", None), types.MessageService)
            and isinstance(u.message.action, types.MessageActionChatDeletePhoto)
            for u in deleted.updates
        )
        assert (await p.bob.get_chat(group.id)).photo is None
        with pytest.raises(errors.ChatNotModified):
            await p.alice.invoke(functions.messages.EditChatPhoto(chat_id=-group.id, photo=types.InputChatPhotoEmpty()))
        with pytest.raises(errors.PhotoCropSizeSmall):
            await p.alice.set_chat_photo(group.id, photo=png(40, 40))
        with pytest.raises(ValueError):
            await p.alice.set_chat_photo(p.bob_id, photo=png(400, 400))


async def test_a_channel_photo_needs_change_info() -> None:
    async with chat_pair() as p:
        channel = await p.alice.create_supergroup("Gallery")
        await p.alice.add_chat_members(channel.id, p.bob_id)
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.set_chat_photo(channel.id, photo=png(300, 300))
        assert (await p.bob.get_chat(channel.id)).photo is None
        service = await p.alice.set_chat_photo(channel.id, photo=png(300, 300))
        assert service is not None and service.new_chat_photo is not None
        chat = await p.bob.get_chat(channel.id)
        assert chat.photo is not None and await _downloaded(p.bob, chat.photo.small_file_id) == png(300, 300)
        dialogs = [d async for d in p.bob.get_dialogs()]
        assert dialogs[0].chat.id == channel.id and dialogs[0].chat.photo is not None
        with pytest.raises(errors.ImageProcessFailed):
            await p.alice.set_chat_photo(channel.id, photo=b"GIF89a but no more")


async def test_a_channels_photo_history_is_listed_newest_first_and_survives_removal() -> None:
    async with chat_pair() as p:
        channel = await p.alice.create_channel("Album")
        await p.alice.add_chat_members(channel.id, p.bob_id)
        sides = (300, 400, 500)
        services = [await p.alice.set_chat_photo(channel.id, photo=png(s, s)) for s in sides]
        listed = await _photos(p.bob, channel.id)
        assert len(listed) == 3 and await p.bob.get_chat_photos_count(channel.id) == 3
        assert [await _downloaded(p.bob, x.big_file_id) for x in listed] == [png(s, s) for s in reversed(sides)]
        assert [x.big_photo_unique_id for x in await _photos(p.bob, channel.id)][:1] == [
            (await p.bob.get_chat(channel.id)).photo.big_photo_unique_id  # type: ignore[union-attr]
        ]
        assert len([p async for p in p.bob.get_chat_photos(channel.id, limit=2)]) == 2

        assert await p.alice.delete_chat_photo(channel.id) is True
        assert (await p.bob.get_chat(channel.id)).photo is None
        after = await _photos(p.bob, channel.id)  # the earlier photos stay in the history, as in Telegram
        assert [x.big_photo_unique_id for x in after] == [x.big_photo_unique_id for x in listed]
        with pytest.raises(errors.ChatAdminRequired):
            await p.bob.delete_chat_photo(channel.id)

        newest = services[-1]
        assert newest is not None
        await p.alice.delete_messages(channel.id, newest.id)  # its service message gone, the photo is no longer listed
        assert [x.big_photo_unique_id for x in await _photos(p.bob, channel.id)] == [
            x.big_photo_unique_id for x in listed[1:]
        ]
        assert await p.bob.get_chat_photos_count(channel.id) == 2
        with pytest.raises(ValueError):
            await p.alice.delete_chat_photo(p.bob_id)


async def test_a_groups_photo_history_puts_the_current_photo_first() -> None:
    async with chat_pair() as p:
        group = await p.alice.create_group("Frames", p.bob_id)
        first = await p.alice.set_chat_photo(group.id, photo=png(320, 320))
        await p.bob.set_chat_photo(group.id, photo=png(480, 480))
        assert first is not None and first.new_chat_photo is not None
        await p.bob.set_chat_photo(group.id, photo=first.new_chat_photo.file_id)  # the first photo again
        listed = await _photos(p.alice, group.id)
        assert [await _downloaded(p.alice, x.big_file_id) for x in listed] == [png(320, 320), png(480, 480)]
        assert await p.alice.get_chat_photos_count(group.id) == 3  # three photo service messages
        await p.alice.delete_chat_photo(group.id)
        assert [await _downloaded(p.alice, x.big_file_id) for x in await _photos(p.alice, group.id)] == [
            png(320, 320), png(480, 480), png(320, 320)
        ]  # fmt: skip
        counters = await p.alice.invoke(
            functions.messages.GetSearchCounters(
                peer=await p.alice.resolve_peer(group.id),
                filters=[types.InputMessagesFilterChatPhotos(), types.InputMessagesFilterEmpty()],
            )
        )
        assert [c.count for c in counters] == [3, 5]  # the group created, three photos, the photo removed
        with pytest.raises(errors.LimitInvalid):
            await p.alice.invoke(
                functions.messages.GetSearchCounters(
                    peer=await p.alice.resolve_peer(group.id), filters=[types.InputMessagesFilterChatPhotos()] * 33
                )
            )
