"""Telethon's own file calls against the sandbox, unmodified but for address and key: send_file (a document with
its attributes, a photo, an album, a file above 10 MB in big parts), download_media (to memory and to a file,
with its progress callback), a file held by another DC (Telethon's exported sender), an expired file reference."""

from __future__ import annotations

import io
from pathlib import Path

from tgfleet.sandbox import Sandbox

from ..sandbox.media_helpers import pattern, png
from .helpers import bounded, telethon_client, telethon_login

MB = 1024 * 1024


async def _pair(tg: Sandbox, bob_dc: int = 1) -> tuple[object, object]:
    alice = tg.add_user(phone="+15550190001", first_name="Alice", username="alice_tm", dc=1)
    bob = tg.add_user(phone="+15550190002", first_name="Bob", username="bob_tm", dc=bob_dc)
    a, b = telethon_client(tg, 1), telethon_client(tg, bob_dc)
    await telethon_login(a, tg, alice.phone)
    await telethon_login(b, tg, bob.phone)
    return a, b


async def test_send_file_and_download_media(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b = await _pair(tg)
        data = pattern(1 * MB + 777)
        source = tmp_path / "notes.txt"
        source.write_bytes(data)
        sent = await bounded(a.send_file("bob_tm", str(source), caption="the notes", force_document=True))
        assert sent.file.name == "notes.txt" and sent.file.size == len(data) and sent.text == "the notes"
        [got] = await bounded(b.get_messages("alice_tm", limit=1))
        seen: list[tuple[int, int]] = []
        into = await bounded(b.download_media(got, file=bytes, progress_callback=lambda c, t: seen.append((c, t))))
        assert into == data and seen[-1] == (len(data), len(data))
        path = await bounded(b.download_media(got, file=str(tmp_path / "copy.txt")))
        assert Path(path).read_bytes() == data
        picture = io.BytesIO(png(800, 600))
        picture.name = "pic.png"  # Telethon sends an image as a photo by its name
        photo = await bounded(a.send_file("bob_tm", picture, caption="pic"))
        assert photo.photo is not None
        [pic] = await bounded(b.get_messages("alice_tm", limit=1))
        assert await bounded(b.download_media(pic, file=bytes)) == png(800, 600)
        await a.disconnect()
        await b.disconnect()


async def test_album_big_file_other_dc_and_an_expired_reference() -> None:
    async with Sandbox(dcs=2, default_dc=1) as tg:
        a, b = await _pair(tg, bob_dc=2)
        files = [io.BytesIO(png(64, 64)), io.BytesIO(png(32, 48))]
        for n, file in enumerate(files):
            file.name = f"{n}.png"
        album = await bounded(a.send_file("bob_tm", files, caption=["a", "b"]))
        assert len(album) == 2 and album[0].grouped_id == album[1].grouped_id is not None
        big = pattern(11 * MB)
        sent = await bounded(a.send_file("bob_tm", big, force_document=True, file_size=len(big)))
        assert sent.file.size == len(big)
        [got] = await bounded(b.get_messages("alice_tm", limit=1))
        assert got.media.document.dc_id == 1
        assert await bounded(b.download_media(got, file=bytes)) == big  # Bob is on DC 2: Telethon borrows DC 1
        tg.world.expire_file_references()
        assert await bounded(b.download_media(got, file=bytes)) == big  # Telethon refetches the message
        await a.disconnect()
        await b.disconnect()
