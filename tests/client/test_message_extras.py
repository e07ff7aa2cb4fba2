"""search_global across every private chat (newest first, paged, SearchQueryEmpty) and send_reaction (seen on both
copies of the message and pushed to the other side; ReactionInvalid, ReactionsTooMany, MessageIdInvalid), through
the sandbox."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tgfleet import Client, errors
from tgfleet.handlers import RawUpdateHandler
from tgfleet.net.timeouts import within
from tgfleet.tl import types as t

from .chat_pair import chat_pair

PROMPTLY = 10.0


async def test_search_global_finds_matches_in_every_chat_newest_first() -> None:
    async with chat_pair() as p:
        carol = p.tg.add_user(phone="+15550190001", first_name="Carol", dc=1)
        p.tg.world.send_message(carol.id, p.alice_id, "the Report is late")
        await p.alice.send_message(p.bob_id, "where is the report?")
        await p.alice.send_message(p.bob_id, "never mind")
        p.tg.world.send_message(p.bob_id, p.alice_id, "report attached")
        found = [m.text async for m in p.alice.search_global("report")]
        assert found == ["report attached", "where is the report?", "the Report is late"]
        assert [m.text async for m in p.alice.search_global("report", limit=2)] == found[:2]
        assert await p.alice.search_global_count("report") == 3
        assert [m async for m in p.alice.search_global("nothing like it")] == []
        with pytest.raises(errors.SearchQueryEmpty):
            await p.alice.search_global("").__anext__()


async def test_search_global_pages_past_a_hundred() -> None:
    async with chat_pair() as p:
        for i in range(130):
            p.tg.world.send_message(p.bob_id, p.alice_id, f"ping {i}")
        found = [m.text async for m in p.alice.search_global("ping")]
        assert found == [f"ping {i}" for i in reversed(range(130))]


async def test_a_reaction_shows_on_both_copies_and_reaches_the_other_side() -> None:
    async with chat_pair() as p:
        pushed: asyncio.Queue[Any] = asyncio.Queue()

        async def on_raw(_: Client, update: Any, users: Any, chats: Any) -> None:
            if isinstance(update, t.UpdateMessageReactions):
                pushed.put_nowait(update)

        p.bob.add_handler(RawUpdateHandler(on_raw))
        sent = await p.alice.send_message(p.bob_id, "react to me")
        bob_copy = await p.bob.get_chat_history(p.alice_id, limit=1).__anext__()
        assert await p.bob.send_reaction(p.alice_id, bob_copy.id, "👍") is True
        mine = await p.alice.get_messages(p.bob_id, sent.id)
        [count] = mine.raw.reactions.results  # type: ignore[union-attr]
        assert (count.reaction.emoticon, count.count, count.chosen_order) == ("👍", 1, None)  # bob's, not alice's

        own = await within(pushed.get(), PROMPTLY)  # bob's answer's update is dispatched as well
        assert [r.reaction.emoticon for r in own.reactions.results] == ["👍"]
        assert await p.alice.send_reaction(p.bob_id, sent.id, "🔥")
        seen = await within(pushed.get(), PROMPTLY)  # pushed to bob
        assert seen.msg_id == bob_copy.id and {r.reaction.emoticon for r in seen.reactions.results} == {"👍", "🔥"}
        again = await p.bob.get_messages(p.alice_id, bob_copy.id)
        chosen = {r.reaction.emoticon: r.chosen_order for r in again.raw.reactions.results}  # type: ignore[union-attr]
        assert chosen == {"👍": 0, "🔥": None}

        await p.bob.send_reaction(p.alice_id, bob_copy.id)  # taken back
        mine = await p.alice.get_messages(p.bob_id, sent.id)
        assert [r.reaction.emoticon for r in mine.raw.reactions.results] == ["🔥"]  # type: ignore[union-attr]
        with pytest.raises(errors.ReactionInvalid):
            await p.bob.send_reaction(p.alice_id, bob_copy.id, "not an emoji")
        with pytest.raises(errors.ReactionsTooMany):
            await p.bob.send_reaction(p.alice_id, bob_copy.id, ["👍", "❤"])
        with pytest.raises(errors.MessageIdInvalid):
            await p.bob.send_reaction(p.alice_id, 9999, "👍")
