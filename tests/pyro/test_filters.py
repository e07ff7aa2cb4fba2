"""Filters on messages built from the sample TL answers, each against Kurigram's same filter on Kurigram's
message from the same bytes; composition, custom filters, command and regex, user and chat sets."""

from __future__ import annotations

import threading
from typing import Any

import pyrogram.filters as kfilters
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyrogram import types as ktypes

from tests.pyro import kurigram, samples
from tgfleet import enums, filters, types

NAMES = list(samples.MESSAGES)
ANSWER = samples.updates(list(samples.MESSAGES.values()))
USERS, CHATS = samples.maps(samples.USERS, samples.CHATS)
SIMPLE = [
    "all", "me", "bot", "incoming", "outgoing", "text", "reply", "forwarded", "caption", "audio", "document",
    "photo", "sticker", "animation", "game", "video", "media_group", "voice", "video_note", "contact",
    "location", "venue", "web_page", "poll", "dice", "media", "private", "group", "channel", "service",
    "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
    "group_chat_created", "supergroup_chat_created", "channel_chat_created", "migrate_to_chat_id",
    "migrate_from_chat_id", "mentioned", "via_bot", "scheduled", "from_scheduled", "linked_channel",
    "reply_keyboard", "inline_keyboard", "sender_chat", "media_spoiler", "self_destruction",
]  # fmt: skip
# Where we answer otherwise, on purpose: "me" on our own private message (Kurigram names the peer as its
# sender, tests/pyro/test_types_kurigram.py); "pinned_message" (Kurigram needs a fetch to fill it).
OURS_ONLY = {("me", "outgoing")}


def ours(name: str) -> types.Message:
    return types.Message._parse(None, samples.MESSAGES[name], USERS, CHATS)


@pytest.fixture(scope="module")
def theirs() -> dict[str, Any]:
    return dict(zip(NAMES, kurigram.messages(ANSWER), strict=True))


@pytest.mark.parametrize("flt", SIMPLE)
async def test_filter_agrees_with_kurigram_on_every_sample(flt: str, theirs: dict[str, Any]) -> None:
    mine, kuri = getattr(filters, flt), getattr(kfilters, flt)
    for name in NAMES:
        if (flt, name) in OURS_ONLY:
            continue
        expected = bool(kurigram.run(kuri(kurigram.client(), theirs[name])))
        assert await filters.check(mine, None, ours(name)) is expected, name


async def test_filters_that_kurigram_fills_by_fetching() -> None:
    assert await filters.pinned_message(None, ours("service pin"))
    assert not await filters.pinned_message(None, ours("private text"))
    assert await filters.edited(None, ours("outgoing")) and not await filters.edited(None, ours("private text"))
    assert await filters.me(None, ours("outgoing"))


async def test_composition_short_circuits() -> None:
    asked: list[str] = []

    async def spy(flt: Any, client: Any, update: Any) -> bool:
        asked.append(flt.label)
        return bool(flt.answer)

    yes, no = filters.create(spy, label="yes", answer=True), filters.create(spy, label="no", answer=False)
    message = ours("private text")
    assert await (yes & ~no)(None, message) and not await (no & yes)(None, message)
    assert await (yes | no)(None, message) and not await (no | ~yes)(None, message)
    assert asked == ["yes", "no", "no", "yes", "no", "yes"]
    assert await (filters.text & filters.private & ~filters.media)(None, message)
    assert not await (filters.photo | filters.group)(None, message)


async def test_custom_sync_filter_runs_off_the_event_loop() -> None:
    threads: list[int] = []

    def blocking(flt: Any, client: Any, update: Any) -> bool:
        threads.append(threading.get_ident())
        return bool(update.text.startswith(flt.start))

    flt = filters.create(blocking, "StartsWith", start="/start")
    assert flt.__class__.__name__ == "StartsWith"
    assert await filters.check(flt & filters.text, None, ours("private text"))
    assert threads and threads[0] != threading.get_ident()


class Me:
    """A client whose account has a username (what ``command`` reads for ``/cmd@username``)."""

    def __init__(self, username: str | None) -> None:
        self.me = types.User(id=200, username=username, is_self=True)


def _kurigram_me(username: str | None) -> Any:
    client = kurigram.client()
    client.me = ktypes.User(id=200, username=username, is_self=True)
    return client


words = st.text("ab Z\"'\\ \t\n/@!", max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["/", "!", ""]),
    name=st.sampled_from(["start", "Start", "help", "st"]),
    at=st.sampled_from(["", "@me_bot", "@other", "me_bot"]),
    rest=words,
    commands=st.sampled_from([["start"], ["start", "help"], "Start", "st"]),
    prefixes=st.sampled_from(["/", ["/", "!"], None, ""]),
    case_sensitive=st.booleans(),
)
async def test_command_is_kurigrams(
    prefix: str, name: str, at: str, rest: str, commands: Any, prefixes: Any, case_sensitive: bool
) -> None:
    text = prefix + name + at + rest
    mine = types.Message(id=1, text=types.Str(text))
    kuri = ktypes.Message(id=1, text=text)
    matched = await filters.command(commands, prefixes, case_sensitive)(Me("me_bot"), mine)
    expected = kurigram.run(kfilters.command(commands, prefixes, case_sensitive)(_kurigram_me("me_bot"), kuri))
    assert (matched, mine.command) == (expected, kuri.command)


async def test_command_words() -> None:
    message = types.Message(id=1, text=types.Str("/Start@me_bot a \"b c\" 'd\\'e'"))
    assert await filters.command("start")(Me("me_bot"), message)
    assert message.command == ["start", "a", "b c", "d'e"]
    assert not await filters.command("start")(Me("me_bot"), types.Message(id=1, text=types.Str("/start@other x")))
    assert not await filters.command("start", case_sensitive=True)(Me(None), message)
    caption = types.Message(id=1, caption=types.Str("!go now"), media=enums.MessageMediaType.PHOTO)
    assert await filters.command("go", prefixes="!")(Me(None), caption) and caption.command == ["go", "now"]


async def test_regex_sets_matches() -> None:
    message = ours("private text")
    assert await filters.regex(r"(h)(i)")(None, message)
    assert [m.span() for m in message.matches] == [(11, 13)]
    assert not await filters.regex("nothing")(None, message) and message.matches is None
    caption = ours("media photo")
    assert await filters.regex("^cap")(None, caption) and caption.matches[0].group() == "cap"


async def test_user_and_chat_sets(theirs: dict[str, Any]) -> None:
    cases = [
        ([100], "private text"),
        (["@Alice"], "group mention"),
        ("me", "outgoing"),
        ([101, "nobody"], "supergroup"),
        (-400, "group mention"),
        (["devs"], "supergroup"),
        ("self", "private text"),
    ]
    for values, name in cases:
        for mine, kuri in (
            (filters.user(values), kfilters.user(values)),
            (filters.chat(values), kfilters.chat(values)),
        ):
            expected = bool(kurigram.run(kuri(None, theirs[name])))
            if (values, name) == ("me", "outgoing") and isinstance(mine, filters.user):
                expected = True  # our own message is from us (Kurigram names the peer)
            assert await mine(None, ours(name)) is expected, (type(mine).__name__, values, name)
    alice = filters.user()
    assert not await alice(None, ours("private text"))
    alice.add("alice")
    assert await alice(None, ours("private text"))
    alice.discard("alice")
    assert not await alice(None, ours("private text"))
    saved = types.Message(id=1, chat=types.Chat(id=200), from_user=types.User(id=200, is_self=True))
    assert await filters.chat("me")(None, saved)
