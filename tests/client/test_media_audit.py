"""The kinds of media issue #16 names, as the recipient sees them, end to end through the sandbox: send_photo,
send_audio, send_voice, send_animation, send_sticker and send_video from Alice (DC 1) reach Bob (DC 2) with their
attributes, and download_media gives him the bytes Alice sent (the photo's largest size is the picture sent)."""

from __future__ import annotations

import io

from tgfleet.types import Message

from ..sandbox.media_helpers import pattern, png
from .chat_pair import chat_pair


async def test_each_kind_reaches_the_recipient_with_its_attributes_and_its_bytes() -> None:
    picture, song, speech, gif, sticker, clip = (
        png(64, 48), pattern(3000), pattern(2000, 1), pattern(4000, 2), pattern(1000, 3), pattern(6000, 4)
    )  # fmt: skip
    async with chat_pair(bob_dc=2) as p:
        a, bob = p.alice, p.bob_id
        await a.send_photo(bob, io.BytesIO(picture), caption="photo")
        await a.send_audio(bob, song, duration=7, performer="P", title="T", file_name="a.mp3", caption="audio")
        await a.send_voice(bob, speech, duration=2, caption="voice")
        await a.send_animation(bob, gif, file_name="g.mp4", caption="gif")
        await a.send_sticker(bob, sticker)
        await a.send_video(bob, clip, duration=3, width=32, height=24, file_name="c.mp4", caption="video")

        got: list[Message] = [m async for m in p.bob.get_chat_history(p.alice_id, limit=6)][::-1]
        photo, audio, voice, animation, stick, video = got
        assert all(not m.outgoing and m.from_user.id == p.alice_id for m in got)
        assert photo.photo is not None and (photo.photo.width, photo.photo.height, photo.caption) == (64, 48, "photo")
        assert audio.audio is not None and (audio.audio.duration, audio.audio.performer, audio.audio.title) == (
            7, "P", "T"
        )  # fmt: skip
        assert audio.audio.file_name == "a.mp3" and audio.caption == "audio"
        assert voice.voice is not None and (voice.voice.duration, voice.caption) == (2, "voice")
        assert animation.animation is not None and animation.caption == "gif"
        assert stick.sticker is not None
        assert video.video is not None and (video.video.duration, video.video.width, video.video.height) == (3, 32, 24)

        for message, data in zip(got, (picture, song, speech, gif, sticker, clip), strict=True):
            memory = await p.bob.download_media(message, in_memory=True)
            assert isinstance(memory, io.BytesIO) and memory.getvalue() == data, message.media
