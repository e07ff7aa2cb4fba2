"""Several parts of one upload in flight at once, each on a media connection of its own, shown without timing: the
sandbox holds every part until N of them wait together (``tg.hold_parts``); an upload with one part at a time never
gets there and fails with the sandbox's typed error instead of hanging."""

from __future__ import annotations

import pytest

from tgfleet import errors
from tgfleet.client.files.progress import Progress
from tgfleet.client.files.sources import open_source
from tgfleet.client.files.uploader import PART_SIZE, WORKERS, Uploader
from tgfleet.net.timeouts import within

from ..sandbox.media_helpers import pattern
from ..sandbox.server_wire import eventually
from .chat_pair import chat_pair


async def test_an_uploads_parts_are_in_flight_together_on_media_connections_of_their_own() -> None:
    data = pattern(6 * PART_SIZE + 1000)  # seven parts: saveFilePart
    async with chat_pair() as pair:
        pair.tg.hold_parts(WORKERS, timeout=30)
        sent = await within(pair.alice.send_document(pair.bob_id, data, file_name="parts.bin"), 60)
        held = pair.tg.held_parts
        assert len(held) == WORKERS  # the client's default parallelism: every worker had a part waiting at once
        assert len({part.file_part for part in held}) == WORKERS
        assert len({part.connection for part in held}) == WORKERS  # each on a connection of its own
        assert all(part.media for part in held)  # media connections, never the main session's
        assert sent is not None and sent.document.file_size == len(data)
        got = await pair.bob.download_media(await pair.bob.get_messages(pair.alice_id, sent.id), in_memory=True)
        assert got.getvalue() == data  # type: ignore[union-attr]


async def test_a_big_files_parts_are_in_flight_together_too() -> None:
    data = pattern(21 * PART_SIZE)  # above 10 MB: saveBigFilePart
    async with chat_pair() as pair:
        pair.tg.hold_parts(2, timeout=30)
        sent = await within(pair.alice.send_document(pair.bob_id, data, file_name="big.bin"), 60)
        assert sent is not None and sent.document.file_size == len(data)
        assert len({part.connection for part in pair.tg.held_parts}) == 2


async def test_one_part_at_a_time_never_has_two_in_flight_and_fails_typed() -> None:
    async with chat_pair() as pair:
        client = pair.alice
        pair.tg.hold_parts(2, timeout=1)
        source = open_source(pattern(3 * PART_SIZE), "slow.bin")
        one_at_a_time = Uploader(lambda q, lane: client.invoke(q, media=True, lane=lane), workers=1)
        with pytest.raises(errors.BadRequest) as refused:
            await within(one_at_a_time.upload(source, Progress(None, source.size)), 30)
        assert refused.value.ID == "UPLOAD_PARTS_NOT_CONCURRENT"
        assert pair.tg.held_parts == []
        pong = await within(client.send_message(pair.bob_id, "still fine"), 30)  # the hold is spent
        assert pong.text == "still fine"


async def test_the_extra_media_connections_close_when_the_upload_ends() -> None:
    """One media connection per DC stays after an upload (the next transfer's); the other workers' close, so a
    client that sent a file once does not keep four connections (and their keep-alive pings) open for good."""
    data = pattern(6 * PART_SIZE + 1000)
    async with chat_pair() as pair:
        before = len(pair.tg.connections())
        pair.tg.hold_parts(WORKERS, timeout=30)  # (every worker's connection in use at once)
        await within(pair.alice.send_document(pair.bob_id, data, file_name="first.bin"), 60)
        first = {part.connection for part in pair.tg.held_parts}
        await eventually(lambda: len(pair.tg.connections()) == before + 1)  # lane 0's stays
        pair.tg.hold_parts(WORKERS, timeout=30)
        await within(pair.alice.send_document(pair.bob_id, data, file_name="second.bin"), 60)
        second = {part.connection for part in pair.tg.held_parts}
        assert len(first & second) == 1  # the kept one; the others are new connections
        await eventually(lambda: len(pair.tg.connections()) == before + 1)
