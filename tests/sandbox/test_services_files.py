"""Files in the world: uploads in parts (Telegram's part rules), sendMedia / sendMultiMedia / uploadMedia, getFile
(offsets and limits, FILE_MIGRATE, the file references that expire and getMessages refreshes), the bounds."""

from __future__ import annotations

import pytest

from tgfleet.sandbox.file_limits import FileLimits
from tgfleet.tl import types
from tgfleet.tl.functions import messages as f_messages
from tgfleet.tl.functions import upload as f_upload
from tgfleet.tl.types import messages as t_messages

from .media_helpers import KB, input_file, part_calls, pattern, png
from .test_services_messages import Pair, to_user, two_users

MB = 1024 * KB


async def upload(caller, data: bytes, file_id: int, part_size: int = 64 * KB, *, big: bool = False):  # type: ignore[no-untyped-def]
    for call in part_calls(file_id, data, part_size, big=big):
        assert await caller(call) is True
    return input_file(file_id, data, part_size, big=big)


def document(file: types.TypeInputFile, mime: str = "application/pdf") -> types.InputMediaUploadedDocument:
    return types.InputMediaUploadedDocument(file=file, mime_type=mime, attributes=[])


def send_media(peer: types.TypeInputPeer, media: types.TypeInputMedia, random_id: int, caption: str = ""):  # type: ignore[no-untyped-def]
    return f_messages.SendMedia(peer=peer, media=media, message=caption, random_id=random_id)


def sent(result: types.TypeUpdates) -> types.Message:
    assert isinstance(result, types.Updates)
    [new] = [u for u in result.updates if isinstance(u, types.UpdateNewMessage)]
    assert isinstance(new.message, types.Message)
    return new.message


def location(doc: types.Document, **kw: object) -> types.InputDocumentFileLocation:
    return types.InputDocumentFileLocation(
        id=doc.id, access_hash=doc.access_hash, file_reference=doc.file_reference, thumb_size=str(kw.get("thumb", ""))
    )


async def download(caller, loc: types.TypeInputFileLocation, size: int, limit: int = 128 * KB) -> bytes:  # type: ignore[no-untyped-def]
    out = b""
    for offset in range(0, size + limit, limit):
        got = await caller(f_upload.GetFile(location=loc, offset=offset, limit=limit))
        out += got.bytes
        if len(got.bytes) < limit:
            break
    return out


async def sent_document(pair: Pair, data: bytes, *, caption: str = "") -> types.Document:
    return (await sent_document_message(pair, data, caption=caption)).media.document  # type: ignore[union-attr]


async def sent_document_message(pair: Pair, data: bytes, *, caption: str = "") -> types.Message:
    file = await upload(pair.alice, data, 77)
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    message = sent(await pair.alice(send_media(peer, document(file), 5, caption)))
    assert isinstance(message.media, types.MessageMediaDocument) and isinstance(message.media.document, types.Document)
    return message


async def test_a_document_goes_to_both_sides_and_downloads_on_the_uploaders_dc_only() -> None:
    pair = await two_users()  # alice on DC 1, bob on DC 2
    data = pattern(300 * KB + 5)
    doc = await sent_document(pair, data, caption="the report")
    assert doc.size == len(data) and doc.dc_id == 1 and doc.mime_type == "application/pdf"
    assert types.DocumentAttributeFilename(file_name="f.bin") in doc.attributes
    assert await download(pair.alice, location(doc), len(data)) == data
    history = await pair.bob(f_messages.GetHistory(peer=to_user(pair, pair.alice_id, pair.bob_id), offset_id=0,
                             offset_date=0, add_offset=0, limit=10, max_id=0, min_id=0, hash=0))  # fmt: skip
    [message] = history.messages
    assert message.message == "the report" and isinstance(message.media, types.MessageMediaDocument)
    bobs = message.media.document
    await pair.bob.fails(f_upload.GetFile(location=location(bobs), offset=0, limit=4 * KB), "FILE_MIGRATE_1", 303)
    first = await pair.alice(f_upload.GetFile(location=location(bobs), offset=0, limit=4 * KB))
    assert first.bytes == data[: 4 * KB] and isinstance(first.type, types.storage.FileUnknown)


async def test_get_file_applies_telegrams_offset_and_limit_rules() -> None:
    pair = await two_users()
    data = pattern(2 * MB + 100)
    doc = await sent_document(pair, data)
    loc = location(doc)

    def get(offset: int, limit: int, precise: bool = False) -> f_upload.GetFile:
        return f_upload.GetFile(location=loc, offset=offset, limit=limit, precise=precise)

    for bad_limit in (0, -4096, 1000, 12 * KB, 2 * MB, 1 * MB + 4 * KB):
        await pair.alice.fails(get(0, bad_limit), "LIMIT_INVALID", 400)
    for bad_offset in (100, -4096, 1024):
        await pair.alice.fails(get(bad_offset, 4 * KB), "OFFSET_INVALID", 400)
    await pair.alice.fails(get(1 * MB - 4 * KB, 8 * KB), "LIMIT_INVALID", 400)  # crosses a 1 MB boundary
    assert (await pair.alice(get(1 * MB, 1 * MB))).bytes == data[MB : 2 * MB]
    assert (await pair.alice(get(2 * MB, 1 * MB))).bytes == data[2 * MB :]
    assert (await pair.alice(get(3 * MB, 4 * KB))).bytes == b""
    assert (await pair.alice(get(1 * KB, 3 * KB, precise=True))).bytes == data[KB : 4 * KB]
    await pair.alice.fails(get(1 * KB, 4 * KB), "OFFSET_INVALID", 400)  # without precise: 4 KB alignment


async def test_part_rules() -> None:
    pair = await two_users()
    alice = pair.alice
    await alice.fails(f_upload.SaveFilePart(file_id=1, file_part=0, bytes=b""), "FILE_PART_EMPTY", 400)
    await alice.fails(f_upload.SaveFilePart(file_id=1, file_part=-1, bytes=b"x"), "FILE_PART_INVALID", 400)
    await alice.fails(f_upload.SaveFilePart(file_id=1, file_part=4000, bytes=b"x"), "FILE_PART_INVALID", 400)
    await alice.fails(f_upload.SaveFilePart(file_id=1, file_part=0, bytes=b"x" * (512 * KB + 1)), "FILE_PART_TOO_BIG")
    big = f_upload.SaveBigFilePart
    await alice.fails(big(file_id=2, file_part=0, file_total_parts=3, bytes=b"x" * 1000), "FILE_PART_SIZE_INVALID")
    await alice.fails(big(file_id=2, file_part=0, file_total_parts=3, bytes=b"x" * 3 * KB), "FILE_PART_SIZE_INVALID")
    await alice.fails(big(file_id=2, file_part=3, file_total_parts=3, bytes=b"x" * KB), "FILE_PART_INVALID")
    await alice.fails(big(file_id=2, file_part=0, file_total_parts=4001, bytes=b"x" * KB), "FILE_PARTS_INVALID")
    assert await alice(big(file_id=2, file_part=2, file_total_parts=3, bytes=b"x" * 10))  # the last may be short
    await alice.fails(big(file_id=2, file_part=0, file_total_parts=4, bytes=b"x" * KB), "FILE_PARTS_INVALID")
    assert await alice(f_upload.SaveFilePart(file_id=3, file_part=1, bytes=b"y" * 10))
    await alice.fails(f_upload.SaveFilePart(file_id=3, file_part=0, bytes=b"y" * 10), "FILE_PART_SIZE_INVALID")


async def test_send_media_checks_the_upload() -> None:
    pair = await two_users()
    alice, peer = pair.alice, to_user(pair, pair.bob_id, pair.alice_id)
    data = pattern(200 * KB)
    file = await upload(alice, data, 10)
    holes = types.InputFile(id=10, parts=5, name="f", md5_checksum="")
    await alice.fails(send_media(peer, document(holes), 1), "FILE_PART_4_MISSING", 400)  # 4 parts of 64 KB
    assert sent(await alice(send_media(peer, document(file), 2))).media.document.size == len(data)  # type: ignore[union-attr]
    await alice.fails(send_media(peer, document(file), 22), "FILE_PART_0_MISSING", 400)  # taken by the message
    file = await upload(alice, data, 11)
    wrong = types.InputFile(id=11, parts=file.parts, name="f", md5_checksum="0" * 32)
    await alice.fails(send_media(peer, document(wrong), 3), "MD5_CHECKSUM_INVALID", 400)
    file = await upload(alice, data, 12)
    await alice.fails(send_media(peer, document(types.InputFileBig(id=12, parts=4, name="f")), 4),
                      "FILE_PARTS_INVALID", 400)  # fmt: skip
    await alice.fails(send_media(peer, types.InputMediaEmpty(), 5), "MEDIA_EMPTY", 400)
    for bad in (b"\x00" * 3 * KB, b"not an image"):
        image = await upload(alice, bad, 13)
        await alice.fails(send_media(peer, types.InputMediaUploadedPhoto(file=image), 6), "IMAGE_PROCESS_FAILED")
    image = await upload(alice, png(2100, 100), 14)
    await alice.fails(send_media(peer, types.InputMediaUploadedPhoto(file=image), 7), "PHOTO_INVALID_DIMENSIONS")
    await alice.fails(
        send_media(peer, document(await upload(alice, data, 15)), 8, "c" * 1025), "MEDIA_CAPTION_TOO_LONG"
    )


async def test_small_files_stop_at_10_mb_and_big_ones_go_in_big_parts() -> None:
    pair = await two_users()
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    data = pattern(10 * MB + 4 * KB)
    small = await upload(pair.alice, data, 20, 512 * KB)
    await pair.alice.fails(send_media(peer, document(small), 1), "FILE_PARTS_INVALID", 400)
    big = await upload(pair.alice, data, 21, 512 * KB, big=True)
    doc = sent(await pair.alice(send_media(peer, document(big), 2))).media.document  # type: ignore[union-attr]
    assert await download(pair.alice, location(doc), len(data), 1 * MB) == data


async def test_file_references_expire_and_get_messages_refreshes_them() -> None:
    pair = await two_users()
    data = pattern(8 * KB)
    message = await sent_document_message(pair, data)
    doc = message.media.document  # type: ignore[union-attr]
    pair.world.expire_file_references()
    await pair.alice.fails(f_upload.GetFile(location=location(doc), offset=0, limit=4 * KB), "FILE_REFERENCE_EXPIRED")
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    again = types.InputDocument(id=doc.id, access_hash=doc.access_hash, file_reference=doc.file_reference)
    await pair.alice.fails(send_media(peer, types.InputMediaDocument(id=again), 9), "FILE_REFERENCE_EXPIRED")
    fetched = await pair.alice(f_messages.GetMessages(id=[types.InputMessageID(id=message.id)]))
    assert isinstance(fetched, t_messages.Messages)
    fresh = fetched.messages[0].media.document
    assert fresh.id == doc.id and fresh.file_reference != doc.file_reference
    assert (await pair.alice(f_upload.GetFile(location=location(fresh), offset=0, limit=4 * KB))).bytes == data[:4096]
    pair.env.clock.advance(pair.world.file_limits.reference_lifetime + 1)
    await pair.alice.fails(f_upload.GetFile(location=location(fresh), offset=0, limit=4 * KB), "FILE_REFERENCE_EXPIRED")
    forged = location(fresh)
    forged.file_reference = fresh.file_reference[:8] + b"\x00" * 16
    await pair.alice.fails(f_upload.GetFile(location=forged, offset=0, limit=4 * KB), "FILE_REFERENCE_INVALID")
    forged.file_reference = b""
    await pair.alice.fails(f_upload.GetFile(location=forged, offset=0, limit=4 * KB), "FILE_REFERENCE_EMPTY")


async def test_a_photo_has_sizes_and_a_document_its_uploaded_thumbnail() -> None:
    pair = await two_users()
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    image = png(1000, 500)
    photo = sent(
        await pair.alice(send_media(peer, types.InputMediaUploadedPhoto(file=await upload(pair.alice, image, 30)), 1))
    )
    assert isinstance(photo.media, types.MessageMediaPhoto) and isinstance(photo.media.photo, types.Photo)
    sizes = photo.media.photo.sizes
    assert sizes == [types.PhotoSize(type="m", w=320, h=160, size=len(image)),
                     types.PhotoSize(type="y", w=1000, h=500, size=len(image))]  # fmt: skip
    p = photo.media.photo
    loc = types.InputPhotoFileLocation(
        id=p.id, access_hash=p.access_hash, file_reference=p.file_reference, thumb_size="y"
    )
    got = await pair.alice(f_upload.GetFile(location=loc, offset=0, limit=64 * KB))
    assert got.bytes == image[: 64 * KB] and isinstance(got.type, types.storage.FilePng)
    loc.thumb_size = "w"
    await pair.alice.fails(f_upload.GetFile(location=loc, offset=0, limit=4 * KB), "LOCATION_INVALID", 400)
    thumb = png(90, 60)
    media = types.InputMediaUploadedDocument(
        file=await upload(pair.alice, pattern(5000), 31), thumb=await upload(pair.alice, thumb, 32),
        mime_type="video/mp4",
        attributes=[types.DocumentAttributeVideo(duration=1.5, w=90, h=60, supports_streaming=True)],
    )  # fmt: skip
    video = sent(await pair.alice(send_media(peer, media, 2))).media
    assert isinstance(video, types.MessageMediaDocument) and video.video and not video.voice
    doc = video.document
    assert doc.thumbs == [types.PhotoSize(type="m", w=90, h=60, size=len(thumb))]
    assert await download(pair.alice, location(doc, thumb="m"), len(thumb)) == thumb


async def test_albums_share_a_grouped_id_and_upload_media_sends_by_id() -> None:
    pair = await two_users()
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    uploaded = await pair.alice(f_messages.UploadMedia(peer=peer, media=types.InputMediaUploadedPhoto(
        file=await upload(pair.alice, png(64, 64), 40))))  # fmt: skip
    assert isinstance(uploaded, types.MessageMediaPhoto) and pair.world.messages_of(pair.alice_id, pair.bob_id) == []
    p = uploaded.photo
    by_id = types.InputMediaPhoto(
        id=types.InputPhoto(id=p.id, access_hash=p.access_hash, file_reference=p.file_reference)
    )
    doc = document(await upload(pair.alice, pattern(4000), 41))
    items = [types.InputSingleMedia(media=by_id, random_id=100, message="one"),
             types.InputSingleMedia(media=doc, random_id=101, message="two")]  # fmt: skip
    result = await pair.alice(f_messages.SendMultiMedia(peer=peer, multi_media=items))
    news = [u.message for u in result.updates if isinstance(u, types.UpdateNewMessage)]
    assert [m.message for m in news] == ["one", "two"]
    assert news[0].grouped_id is not None and news[0].grouped_id == news[1].grouped_id
    assert news[0].media.photo.id == p.id
    bobs = pair.world.messages_of(pair.bob_id, pair.alice_id)
    assert [m.text for m in bobs] == ["one", "two"] and bobs[0].grouped_id == news[0].grouped_id
    eleven = [types.InputSingleMedia(media=by_id, random_id=i, message="") for i in range(11)]
    await pair.alice.fails(f_messages.SendMultiMedia(peer=peer, multi_media=eleven), "MULTI_MEDIA_TOO_LONG", 400)
    twice = [types.InputSingleMedia(media=by_id, random_id=1, message="")] * 2
    await pair.alice.fails(f_messages.SendMultiMedia(peer=peer, multi_media=twice), "RANDOM_ID_INVALID", 400)
    geo = types.InputMediaGeoPoint(geo_point=types.InputGeoPoint(lat=1.0, long=2.0))
    await pair.alice.fails(f_messages.SendMultiMedia(peer=peer, multi_media=[
        types.InputSingleMedia(media=geo, random_id=1, message="")]), "MEDIA_INVALID", 400)  # fmt: skip


async def test_locations_and_contacts() -> None:
    pair = await two_users()
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    geo = types.InputMediaGeoPoint(geo_point=types.InputGeoPoint(lat=52.5, long=13.4))
    media = sent(await pair.alice(send_media(peer, geo, 1))).media
    assert isinstance(media, types.MessageMediaGeo) and (media.geo.lat, media.geo.long) == (52.5, 13.4)
    for lat, long in ((91.0, 0.0), (0.0, -181.0), (float("nan"), 0.0)):
        bad = types.InputMediaGeoPoint(geo_point=types.InputGeoPoint(lat=lat, long=long))
        await pair.alice.fails(send_media(peer, bad, 2), "GEO_POINT_INVALID", 400)
    bob = pair.world.user(pair.bob_id)
    card = types.InputMediaContact(phone_number=bob.phone, first_name="Bob", last_name="", vcard="")
    media = sent(await pair.alice(send_media(peer, card, 3))).media
    assert isinstance(media, types.MessageMediaContact) and media.user_id == pair.bob_id
    stranger = types.InputMediaContact(phone_number="+15559990000", first_name="Zed", last_name="", vcard="")
    assert sent(await pair.alice(send_media(peer, stranger, 4))).media.user_id == 0  # type: ignore[union-attr]


async def test_unfinished_uploads_are_bounded_and_expire() -> None:
    pair = await two_users()
    pair.world.set_file_limits(FileLimits(max_pending_bytes=100 * KB, max_pending_uploads=2, upload_ttl=60))
    alice, peer = pair.alice, to_user(pair, pair.bob_id, pair.alice_id)
    assert await alice(f_upload.SaveFilePart(file_id=1, file_part=0, bytes=b"a" * 64 * KB))
    await alice.fails(f_upload.SaveFilePart(file_id=1, file_part=1, bytes=b"a" * 64 * KB), "FILE_PARTS_INVALID")
    assert await alice(f_upload.SaveFilePart(file_id=1, file_part=0, bytes=b"b" * 32 * KB))  # replaced: smaller
    assert await alice(f_upload.SaveFilePart(file_id=2, file_part=0, bytes=b"c" * KB))
    assert await alice(f_upload.SaveFilePart(file_id=3, file_part=0, bytes=b"d" * KB))  # drops upload 1
    one = types.InputFile(id=1, parts=1, name="f", md5_checksum="")
    await alice.fails(send_media(peer, document(one), 1), "FILE_PART_0_MISSING", 400)
    pair.world.set_file_limits(FileLimits(upload_ttl=60))
    assert await alice(f_upload.SaveFilePart(file_id=5, file_part=0, bytes=b"e" * KB))
    pair.env.clock.advance(61)
    assert await alice(f_upload.SaveFilePart(file_id=6, file_part=0, bytes=b"f" * KB))  # sweeps 2, 3 and 5
    for stale in (2, 3, 5):
        gone = types.InputFile(id=stale, parts=1, name="f", md5_checksum="")
        await alice.fails(send_media(peer, document(gone), stale), "FILE_PART_0_MISSING", 400)
    six = types.InputFile(id=6, parts=1, name="f", md5_checksum="")
    assert sent(await alice(send_media(peer, document(six), 6))).media.document.size == KB  # type: ignore[union-attr]
    pair.world.set_file_limits(FileLimits(max_stored_bytes=2 * KB))
    file = await upload(alice, b"z" * 3 * KB, 5)
    await alice.fails(send_media(peer, document(file), 4), "FILE_WRITE_FAILED", 500)


async def test_a_repeated_random_id_returns_the_first_media_message() -> None:
    pair = await two_users()
    peer = to_user(pair, pair.bob_id, pair.alice_id)
    first = sent(await pair.alice(send_media(peer, document(await upload(pair.alice, b"x" * 100, 50)), 7)))
    again = sent(
        await pair.alice(send_media(peer, document(types.InputFile(id=50, parts=1, name="", md5_checksum="")), 7))
    )
    assert again.id == first.id and again.media.document.id == first.media.document.id  # type: ignore[union-attr]
    assert len(pair.world.messages_of(pair.bob_id, pair.alice_id)) == 1


@pytest.mark.parametrize("limit", [4 * KB, 256 * KB, 1 * MB])
async def test_downloads_in_any_valid_chunk_size_join_to_the_file(limit: int) -> None:
    pair = await two_users()
    data = pattern(1 * MB + 12345)
    doc = await sent_document(pair, data)
    assert await download(pair.alice, location(doc), len(data), limit) == data
