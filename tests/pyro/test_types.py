"""The types as Pyrogram users use them: the str dump, Str's markup and UTF-16 slicing, building by hand,
pickling, and bound methods that reach the client (a real one against the sandbox where the method exists)."""

from __future__ import annotations

import json
import pickle
from datetime import datetime
from typing import Any

import pytest

from tests.client.helpers import logged_in
from tests.pyro import samples
from tgfleet import enums, types
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import functions
from tgfleet.tl import types as t

USERS, CHATS = samples.maps(samples.USERS, samples.CHATS)


def parse(name: str, client: Any = None) -> types.Message:
    return types.Message._parse(client, samples.MESSAGES[name], USERS, CHATS)


def test_str_is_pyrograms_json_dump() -> None:
    message = parse("private text")
    dump = json.loads(str(message))
    assert next(iter(dump)) == "_" and dump["_"] == "Message"
    shown = [k for k in dump if k != "_"]
    assert shown == [f for f in types.Message.FIELDS if getattr(message, f) is not None]  # FIELDS order, no None
    assert dump["from_user"]["_"] == "User" and dump["from_user"]["phone_number"] == "*********"
    assert dump["date"] == str(datetime.fromtimestamp(samples.T0))
    assert dump["chat"]["type"] == "ChatType.PRIVATE"
    assert dump["entities"][0] == {
        "_": "MessageEntity",
        "type": "MessageEntityType.BOT_COMMAND",
        "offset": 0,
        "length": 10,
    }
    assert repr(message).startswith("tgfleet.types.Message(id=10, ")


def test_text_is_a_str_with_markup_and_utf16_slices() -> None:
    text = parse("private text").text
    assert isinstance(text, types.Str) and text == samples.TEXT
    bold, italic = text.entities[1], text.entities[2]  # type: ignore[index]
    assert text[bold.offset : bold.offset + bold.length] == "hi"
    assert text[italic.offset : italic.offset + italic.length] == "😀"  # two UTF-16 units
    assert text.html == (
        '/start@bot <b>hi</b> <i>😀</i> <a href="https://example.com">link</a> '
        '<a href="tg://user?id=101">Bob</a> <pre language="py">x</pre>'
    )
    assert text.markdown == "/start@bot **hi** __😀__ [link](https://example.com) [Bob](tg://user?id=101) ```py\nx\n```"


def test_media_messages_have_a_caption_and_no_text() -> None:
    photo = parse("media photo")
    assert photo.media is enums.MessageMediaType.PHOTO and photo.text is None and photo.caption == "caption"
    assert photo.photo.width == 1280 and photo.photo.ttl_seconds == 30 and len(photo.photo.thumbs) == 1
    assert parse("media no caption").caption is None
    page = parse("media web_page")
    assert page.media is enums.MessageMediaType.WEB_PAGE and page.text and page.web_page.title == "A page"
    assert parse("media video_note").video_note.length == 640 and parse("media voice").voice.duration == 3


def test_service_messages() -> None:
    added = parse("service add user")
    assert added.service is enums.MessageServiceType.NEW_CHAT_MEMBERS and added.text is None
    assert [u.first_name for u in added.new_chat_members] == ["Bob", "Nia"]
    pinned = parse("service pin")
    assert pinned.pinned_message.id == 8 and pinned.pinned_message.chat.id == -400
    assert parse("service migrate").migrate_to_chat_id == -1000000000500
    assert parse("empty").empty is True and parse("empty").chat is None


def test_chats_users_and_links() -> None:
    post = parse("channel post")
    assert post.chat.type is enums.ChatType.CHANNEL and post.chat.id == -1000000000600
    assert post.sender_chat is not None and post.sender_chat.id == post.chat.id and post.from_user is None
    assert post.link == "https://t.me/c/600/10" and parse("supergroup").link == "https://t.me/devs/10"
    alice = parse("private text").from_user
    assert alice.is_verified and alice.status is enums.UserStatus.OFFLINE and alice.full_name == "Alice A"
    assert alice.mention == "<a href=tg://user?id=100>Alice</a>"  # Pyrogram's form
    assert alice.mention("boss", style=enums.ParseMode.MARKDOWN) == "[boss](tg://user?id=100)"
    assert [u.username for u in types.User._parse(None, samples.NAMED).usernames] == ["nia", "nia2"]


def test_keyboards_read_and_build() -> None:
    markup = parse("inline keyboard").reply_markup
    assert isinstance(markup, types.InlineKeyboardMarkup)
    yes, raw_data = markup.inline_keyboard[0]
    assert (yes.text, yes.callback_data, raw_data.callback_data) == ("Yes", "yes", b"\xff\x00")
    assert markup.inline_keyboard[1][1].switch_inline_query_current_chat == "q"
    keyboard = parse("reply keyboard").reply_markup
    assert keyboard.resize_keyboard and keyboard.keyboard[0][1].request_contact
    built = types.InlineKeyboardMarkup([[types.InlineKeyboardButton("Go", callback_data="go")]])
    assert built.inline_keyboard[0][0].callback_data == "go"


def test_objects_built_by_hand_and_pickled() -> None:
    user = types.User(id=1, first_name="Ann", is_bot=False)
    assert (user.id, user.first_name, user.last_name, user.full_name) == (1, "Ann", None, "Ann")
    with pytest.raises(TypeError, match="unexpected fields"):
        types.User(id=1, nmae="typo")
    message = parse("media audio")
    again = pickle.loads(pickle.dumps(message))
    assert again == message and again.audio.performer == "Band"


def test_entities_built_by_hand_write_back() -> None:
    text = types.Str("a b").init([types.MessageEntity(type=enums.MessageEntityType.BOLD, offset=2, length=1)])
    assert text.html == "a <b>b</b>" and text.markdown == "a **b**"


def test_sent_code_and_terms() -> None:
    raw = t.auth.SentCode(type=t.auth.SentCodeTypeApp(length=5), phone_code_hash="h", next_type=t.auth.CodeTypeSms())
    code = types.SentCode._parse(raw)
    assert (code.type, code.next_type, code.phone_code_hash) == (enums.SentCodeType.APP, enums.NextCodeType.SMS, "h")
    terms = types.TermsOfService._parse(
        t.help.TermsOfService(
            id=t.DataJSON(data="tos-1"), text="Be nice", entities=[t.MessageEntityBold(offset=0, length=2)]
        )
    )
    assert terms.id == "tos-1" and terms.entities[0].type is enums.MessageEntityType.BOLD


class Recorder:
    """A client whose send_message records its arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def send_message(self, **arguments: Any) -> str:
        self.calls.append(arguments)
        return "sent"


async def test_reply_quotes_outside_private_chats() -> None:
    client = Recorder()
    assert await parse("group mention", client).reply("hey", disable_notification=True) == "sent"
    await parse("private text", client).reply_text("yo")
    await parse("private text", client).reply_text("yo", quote=True)
    assert client.calls == [
        {"chat_id": -400, "text": "hey", "disable_notification": True, "reply_to_message_id": 10},
        {"chat_id": 100, "text": "yo"},
        {"chat_id": 100, "text": "yo", "reply_to_message_id": 10},
    ]


async def test_bound_methods_without_their_client_method_say_so() -> None:
    message = parse("private text", Recorder())
    with pytest.raises(types.ClientMethodMissing, match="delete_messages"):
        await message.delete()
    with pytest.raises(types.ClientMethodMissing, match="no client"):
        await parse("private text").reply_text("x")


async def test_messages_and_dialogs_from_the_sandbox_reply_through_the_client() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15550120001", first_name="Alice", username="alice_p", dc=1)
        bob = tg.add_user(phone="+15550120002", first_name="Bob", username="bob_p", dc=1)
        a = await logged_in(tg, alice.phone, "a")
        b = await logged_in(tg, bob.phone, "b")
        await b.send_message("@alice_p", "hi <alice> 😀", parse_mode=enums.ParseMode.DISABLED)  # not read as HTML
        answer: Any = await a.invoke(
            functions.messages.GetHistory(
                peer=await a.resolve_peer("@bob_p"),
                offset_id=0,
                offset_date=0,
                add_offset=0,
                limit=10,
                max_id=0,
                min_id=0,
                hash=0,
            )
        )
        users, chats = {u.id: u for u in answer.users}, {c.id: c for c in answer.chats}
        message = types.Message._parse(a, answer.messages[0], users, chats)
        assert (message.text, message.from_user.first_name, message.chat.id) == ("hi <alice> 😀", "Bob", bob.id)
        assert message.text.html == "hi &lt;alice&gt; 😀"
        await message.reply_text("hello Bob")
        assert [m.text for m in tg.messages_of(bob.id)][-1] == "hello Bob"

        dialogs: Any = await a.invoke(
            functions.messages.GetDialogs(offset_date=0, offset_id=0, offset_peer=t.InputPeerEmpty(), limit=10, hash=0)
        )
        users = {u.id: u for u in dialogs.users}
        parsed = {(m.chat.id, m.id): m for m in (types.Message._parse(a, r, users, {}) for r in dialogs.messages)}
        dialog = types.Dialog._parse(a, dialogs.dialogs[0], parsed, users, {})
        assert dialog.chat.first_name == "Bob" and dialog.top_message.text == "hello Bob"
        await a.disconnect()
        await b.disconnect()
