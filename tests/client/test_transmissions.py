"""``max_concurrent_transmissions``, as Pyrogram counts it: at most that many files upload at a time, and as many
download, per client (default 1); the others wait their turn and then complete.

Each test holds the first transfer inside its first progress callback until the second transfer reports progress,
or until a bounded wait says it did not."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from tgfleet import Client
from tgfleet.sandbox.server import Sandbox
from tgfleet.types import Message

from ..sandbox.media_helpers import pattern
from .helpers import logged_in

MB = 1024 * 1024
QUIET = 1.5
"""How long the first transfer waits for the second to move before it concludes the second is held back."""


async def _second_moved_during_first(start: Callable[[Any], Coroutine[Any, Any, Any]]) -> bool:
    """Run two transfers (``start(progress)``) at once; whether the second made progress while the first waited."""
    moved = asyncio.Event()
    answers: list[bool] = []

    async def first(current: int, total: int) -> None:
        if not answers:
            try:
                await asyncio.wait_for(moved.wait(), QUIET)
                answers.append(True)
            except TimeoutError:
                answers.append(False)

    def second(current: int, total: int) -> None:
        moved.set()

    results = await asyncio.wait_for(asyncio.gather(start(first), start(second)), 60)
    assert all(r is not None for r in results)  # both finished, the held one after its turn
    return answers[0]


@pytest.mark.parametrize(("limit", "overlap"), [(None, False), (1, False), (2, True)])
async def test_uploads_wait_for_a_slot(limit: int | None, overlap: bool) -> None:
    async with Sandbox() as tg:
        user = tg.add_user("+15557630001", "Uploader")
        options = {} if limit is None else {"max_concurrent_transmissions": limit}
        app = await logged_in(tg, user.phone, "up", **options)
        try:
            assert await _second_moved_during_first(lambda p: app.save_file(pattern(2 * MB), progress=p)) is overlap
        finally:
            await app.disconnect()


@pytest.mark.parametrize(("limit", "overlap"), [(1, False), (2, True)])
async def test_downloads_wait_for_a_slot(limit: int, overlap: bool) -> None:
    async with Sandbox() as tg:
        user = tg.add_user("+15557630002", "Downloader")
        app: Client = await logged_in(tg, user.phone, "down", max_concurrent_transmissions=limit)
        try:
            data = io.BytesIO(pattern(3 * MB))
            data.name = "data.bin"
            sent = await app.send_document("me", data)
            assert isinstance(sent, Message)
            moved = await _second_moved_during_first(lambda p: app.download_media(sent, in_memory=True, progress=p))
            assert moved is overlap
        finally:
            await app.disconnect()
