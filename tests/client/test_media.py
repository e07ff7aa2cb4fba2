"""Media end to end through the sandbox: send_photo / document / video / audio / voice / animation / sticker,
send_media_group, send_location, send_contact, download_media (to a path, resumed, into memory), stream_media,
progress callbacks, FILE_MIGRATE to another DC's media connection, expired file references refreshed, AUTH_KEY_
DUPLICATED never raised by the media connections."""

from __future__ import annotations

import asyncio
import io
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from tgfleet import Client, errors
from tgfleet.handlers import StopTransmission
from tgfleet.net.timeouts import within
from tgfleet.tl import functions, types
from tgfleet.types import InputMediaDocument, InputMediaPhoto, InputMediaVideo, Message
from tgfleet.types.file_ids import decode_file_id

from ..sandbox.media_helpers import pattern, png
from .chat_pair import ChatPair, chat_pair

MB = 1024 * 1024


def two_dcs() -> AbstractAsyncContextManager[ChatPair]:
    """Alice at home on DC 1, Bob on DC 2: what Alice sends is stored on DC 1."""
    return chat_pair(bob_dc=2)


class Calls:
    """A progress callback that records its calls."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int, tuple[object, ...]]] = []

    def __call__(self, current: int, total: int, *args: object) -> None:
        self.seen.append((current, total, args))


async def received(client: Client, chat_id: int) -> Message:
    """The newest message of the chat, as the other side fetches it."""
    async for message in client.get_chat_history(chat_id, limit=1):
        return message
    raise AssertionError("no message")


async def test_a_document_goes_up_in_parts_and_comes_down_from_the_uploaders_dc(tmp_path: Path) -> None:
    data = pattern(3 * MB + 12345)
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    async with two_dcs() as pair:
        up = Calls()
        sent = await pair.alice.send_document(pair.bob_id, str(source), caption="**Q3**", progress=up,
                                              progress_args=("up",))  # fmt: skip
        assert sent is not None and sent.caption == "Q3" and sent.document.file_name == "report.pdf"
        assert sent.document.file_size == len(data) and sent.document.mime_type == "application/pdf"
        assert up.seen[-1] == (len(data), len(data), ("up",)) and len(up.seen) == 7  # 512 KB parts
        assert [c for c, _, _ in up.seen] == sorted(c for c, _, _ in up.seen)
        message = await received(pair.bob, pair.alice_id)
        down = Calls()
        path = await pair.bob.download_media(message, file_name=str(tmp_path / "in") + "/", progress=down)
        assert path == str(tmp_path / "in" / "report.pdf") and Path(path).read_bytes() == data
        assert down.seen[-1][:2] == (len(data), len(data))
        memory = await pair.bob.download_media(message.document.file_id, in_memory=True)
        assert isinstance(memory, io.BytesIO) and memory.getvalue() == data
        bob_keys_on_dc1 = {k for c in pair.tg.connections(1) if c.media for k in c.keys_seen}
        assert bob_keys_on_dc1, "Bob's download went over a media connection to DC 1"
        assert pair.tg.stats()["auth_key_duplicated"] == 0


async def test_file_migrate_moves_a_raw_call_to_the_media_connection_of_the_dc_holding_the_file() -> None:
    async with two_dcs() as pair:
        await pair.alice.send_document(pair.bob_id, pattern(10_000), file_name="a.bin")
        fid = decode_file_id((await received(pair.bob, pair.alice_id)).document.file_id)
        assert fid.dc_id == 1
        location = types.InputDocumentFileLocation(id=fid.media_id, access_hash=fid.access_hash,
                                                   file_reference=fid.file_reference, thumb_size="")  # fmt: skip
        request = functions.upload.GetFile(location=location, offset=0, limit=1 << 20)
        before = {k for c in pair.tg.connections(1) if c.media for k in c.keys_seen}  # Alice's upload
        got = await pair.bob.invoke(request, media=True)  # asked at home (DC 2): FILE_MIGRATE_1, then DC 1
        assert got.bytes == pattern(10_000)
        assert {k for c in pair.tg.connections(1) if c.media for k in c.keys_seen} - before  # Bob's key on DC 1


async def test_an_expired_file_reference_is_refreshed_from_the_message(tmp_path: Path) -> None:
    data = pattern(2 * MB + 1)
    async with two_dcs() as pair:
        await pair.alice.send_video(pair.bob_id, data, duration=3, width=64, height=48, file_name="clip.mp4")
        message = await received(pair.bob, pair.alice_id)
        assert message.video is not None and message.video.duration == 3 and message.video.width == 64
        pair.tg.world.expire_file_references()
        assert (await pair.bob.download_media(message, in_memory=True)).getvalue() == data  # type: ignore[union-attr]
        pair.tg.world.expire_file_references()
        with pytest.raises(errors.FileReferenceExpired):
            await pair.bob.download_media(message.video.file_id, in_memory=True)  # a bare file id has no message


async def test_a_stopped_download_resumes_from_its_part_file(tmp_path: Path) -> None:
    data = pattern(5 * MB + 7)
    async with two_dcs() as pair:
        await pair.alice.send_document(pair.bob_id, data, file_name="big.bin")
        message = await received(pair.bob, pair.alice_id)
        target = tmp_path / "big.bin"

        def stop_after_two_mb(current: int, total: int) -> None:
            if current >= 2 * MB:
                raise StopTransmission

        assert await pair.bob.download_media(message, file_name=str(target), progress=stop_after_two_mb) is None
        part = tmp_path / "big.bin.part"
        assert not target.exists() and part.stat().st_size >= 2 * MB
        assert part.read_bytes() == data[: part.stat().st_size]
        resumed = Calls()
        assert await pair.bob.download_media(message, file_name=str(target), progress=resumed) == str(target)
        assert target.read_bytes() == data and not part.exists()
        assert resumed.seen[0][0] >= 2 * MB  # it started from what was there
        stale = tmp_path / "other.bin"
        stale.with_name("other.bin.part").write_bytes(b"\xff" * (6 * MB))  # longer than the file: not its start
        assert Path(await pair.bob.download_media(message, file_name=str(stale))).read_bytes() == data  # type: ignore[arg-type]


async def test_stream_media_yields_chunks_in_order_with_offset_and_limit() -> None:
    data = pattern(4 * MB + 100)
    async with two_dcs() as pair:
        await pair.alice.send_document(pair.bob_id, data, file_name="s.bin")
        message = await received(pair.bob, pair.alice_id)
        chunks = [c async for c in pair.bob.stream_media(message)]
        assert [len(c) for c in chunks] == [MB, MB, MB, MB, 100] and b"".join(chunks) == data
        assert b"".join([c async for c in pair.bob.stream_media(message, offset=1, limit=2)]) == data[MB : 3 * MB]
        assert b"".join([c async for c in pair.bob.stream_media(message, offset=-1)]) == data[4 * MB :]


async def test_photos_thumbnails_and_the_other_kinds() -> None:
    async with two_dcs() as pair:
        a, bob = pair.alice, pair.bob_id
        photo = await a.send_photo(bob, io.BytesIO(png(640, 480)), caption="look")
        assert photo is not None and photo.photo.width == 640 and photo.photo.height == 480
        assert photo.photo.thumbs[0].width == 320  # type: ignore[index]
        again = await a.send_photo(bob, photo.photo.file_id)  # by file id: no upload
        assert again is not None and again.photo.file_unique_id == photo.photo.file_unique_id
        doc = await a.send_document(bob, pattern(5000), thumb=io.BytesIO(png(90, 90)), file_name="t.bin")
        assert doc is not None and doc.document.thumbs[0].width == 90  # type: ignore[index]
        thumb = await a.download_media(doc.document.thumbs[0].file_id, in_memory=True)  # type: ignore[index]
        assert thumb is not None and thumb.getvalue() == png(90, 90)  # type: ignore[union-attr]
        audio = await a.send_audio(bob, pattern(3000), duration=7, performer="P", title="T", file_name="a.mp3")
        assert audio is not None and (audio.audio.duration, audio.audio.title) == (7, "T")
        voice = await a.send_voice(bob, pattern(2000), duration=2)
        assert voice is not None and voice.voice.duration == 2
        gif = await a.send_animation(bob, pattern(4000), file_name="g.mp4")
        assert gif is not None and gif.animation is not None
        sticker = await a.send_sticker(bob, pattern(1000))
        assert sticker is not None and sticker.sticker is not None
        where = await a.send_location(bob, 52.52, 13.405)
        assert (where.location.latitude, where.location.longitude) == (52.52, 13.405)
        card = await a.send_contact(bob, pair.tg.world.user(pair.bob_id).phone, "Bob")
        assert card.contact.user_id == pair.bob_id
        with pytest.raises(errors.ImageProcessFailed):
            await a.send_photo(bob, b"not an image")
        with pytest.raises(errors.GeoPointInvalid):
            await a.send_location(bob, 91, 0)
        with pytest.raises(errors.MediaCaptionTooLong):
            await a.send_document(bob, b"x", caption="c" * 1025)
        with pytest.raises(FileNotFoundError):
            await a.send_document(bob, "/no/such/file")


async def test_a_media_group_is_one_album() -> None:
    async with two_dcs() as pair:
        album = await pair.alice.send_media_group(pair.bob_id, [
            InputMediaPhoto(io.BytesIO(png(100, 100)), caption="one"),
            InputMediaVideo(pattern(3000), caption="two", duration=1, width=10, height=10),
            InputMediaDocument(pattern(2000), caption="three"),
        ])  # fmt: skip
        assert [m.caption for m in album] == ["one", "two", "three"]
        assert album[0].media_group_id is not None and len({m.media_group_id for m in album}) == 1
        got = [m async for m in pair.bob.get_chat_history(pair.alice_id, limit=3)]
        assert sorted(m.caption for m in got) == ["one", "three", "two"]
        assert {m.media_group_id for m in got} == {album[0].media_group_id}


async def test_the_main_connection_is_free_while_a_big_transfer_runs() -> None:
    data = pattern(12 * MB)  # above 10 MB: saveBigFilePart
    async with two_dcs() as pair:
        started = asyncio.Event()

        def note(current: int, total: int) -> None:
            started.set()

        upload = asyncio.ensure_future(pair.alice.send_document(pair.bob_id, data, file_name="b.bin", progress=note))
        await within(started.wait(), 30)
        pong = await within(pair.alice.send_message(pair.bob_id, "still here"), 30)
        assert pong.text == "still here"
        sent = await within(upload, 60)
        assert sent is not None and sent.document.file_size == len(data)
        got = await pair.bob.download_media(await pair.bob.get_messages(pair.alice_id, sent.id), in_memory=True)
        assert got.getvalue() == data  # type: ignore[union-attr]
        assert pair.tg.stats()["auth_key_duplicated"] == 0
