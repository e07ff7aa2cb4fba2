"""Telethon's own calls for photos and the archive against the sandbox, unmodified but for address and key: a
profile photo uploaded (upload_file, photos.uploadProfilePhoto; one too small refused as PhotoCropSizeSmallError),
listed (get_profile_photos) and downloaded
(download_profile_photo, download_media) by another account on another DC; a group's photo (messages.editChatPhoto)
seen in its service message and downloaded; edit_folder and get_dialogs(archived=True)."""

from __future__ import annotations

import pytest
from telethon import errors as tl_errors
from telethon import functions as tl_functions
from telethon import types as tl_types

from tgfleet.sandbox import Sandbox

from ..sandbox.media_helpers import png
from .helpers import bounded, telethon_client, telethon_login


async def _pair(tg: Sandbox, bob_dc: int = 1) -> tuple[object, object]:
    alice = tg.add_user(phone="+15550190001", first_name="Alice", username="alice_tp", dc=1)
    bob = tg.add_user(phone="+15550190002", first_name="Bob", username="bob_tp", dc=bob_dc)
    a, b = telethon_client(tg, 1), telethon_client(tg, bob_dc)
    await telethon_login(a, tg, alice.phone)
    await telethon_login(b, tg, bob.phone)
    return a, b


async def test_a_profile_photo_uploaded_listed_and_downloaded() -> None:
    async with Sandbox(dcs=2, default_dc=1) as tg:
        a, b = await _pair(tg, bob_dc=2)
        data = png(480, 480)
        uploaded = await bounded(a.upload_file(data, file_name="me.png"))
        answer = await bounded(a(tl_functions.photos.UploadProfilePhotoRequest(file=uploaded)))
        assert isinstance(answer.photo, tl_types.Photo) and answer.photo.dc_id == 1
        photos = await bounded(b.get_profile_photos("alice_tp"))
        assert [p.id for p in photos] == [answer.photo.id]
        assert await bounded(b.download_profile_photo("alice_tp", file=bytes)) == data  # Bob on DC 2 borrows DC 1
        assert await bounded(b.download_media(photos[0], file=bytes)) == data
        small = await bounded(a.upload_file(png(64, 64), file_name="small.png"))
        with pytest.raises(tl_errors.PhotoCropSizeSmallError):
            await bounded(a(tl_functions.photos.UploadProfilePhotoRequest(file=small)))
        # (photos.deletePhotos is left out: wrapped in invokeWithoutUpdates, as these clients are, Telethon reads its
        # Vector<long> answer as a vector of objects; tests/client and tests/compat delete photos)
        await a.disconnect()
        await b.disconnect()


async def test_a_chat_photo_and_the_archive() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b = await _pair(tg)
        created = await bounded(a(tl_functions.messages.CreateChatRequest(users=["bob_tp"], title="TL photos")))
        group = created.updates.chats[0]
        uploaded = await bounded(a.upload_file(png(300, 300), file_name="group.png"))
        photo = tl_types.InputChatUploadedPhoto(file=uploaded)
        await bounded(a(tl_functions.messages.EditChatPhotoRequest(chat_id=group.id, photo=photo)))
        [service] = await bounded(b.get_messages(tl_types.PeerChat(group.id), limit=1))
        assert isinstance(service.action, tl_types.MessageActionChatEditPhoto)
        assert await bounded(b.download_profile_photo(-group.id, file=bytes)) == png(300, 300)

        await bounded(a.send_message("bob_tp", "hi"))
        await bounded(a.edit_folder("bob_tp", 1))
        archived = await bounded(a.get_dialogs(archived=True))
        assert [d.entity.id for d in archived] == [(await bounded(a.get_entity("bob_tp"))).id]
        assert archived[0].folder_id == 1 and archived[0].archived
        main = await bounded(a.get_dialogs(archived=False))
        assert group.id in [d.entity.id for d in main] and archived[0].entity.id not in [d.entity.id for d in main]
        await bounded(a.edit_folder("bob_tp", 0))
        assert await bounded(a.get_dialogs(archived=True)) == []
        await a.disconnect()
        await b.disconnect()
