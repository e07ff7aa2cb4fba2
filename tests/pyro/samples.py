"""A corpus of TL answers: users, chats and one message of every kind the types read, built with tgfleet's
TL classes (Kurigram decodes the same bytes in the comparison tests)."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import TLObject
from tgfleet.tl import types as t

T0 = 1_700_000_000
ME = t.User(id=200, is_self=True, first_name="Me", access_hash=6, status=t.UserStatusRecently(), phone="15550100002")
ALICE = t.User(
    id=100,
    first_name="Alice",
    last_name="A",
    username="alice",
    phone="15550100001",
    access_hash=5,
    contact=True,
    mutual_contact=True,
    verified=True,
    premium=True,
    lang_code="en",
    status=t.UserStatusOffline(was_online=T0 - 60),
    photo=t.UserProfilePhoto(photo_id=9, dc_id=2, has_video=True),
)
BOB = t.User(id=101, first_name="Bob", access_hash=7, status=t.UserStatusOnline(expires=T0 + 300), scam=True)
BOT = t.User(id=300, first_name="Helper", username="helper_bot", bot=True, access_hash=8, bot_info_version=1)
NAMED = t.User(
    id=102,
    first_name="Nia",
    access_hash=9,
    usernames=[t.Username(editable=True, active=True, username="nia"), t.Username(active=True, username="nia2")],
)
GROUP = t.Chat(id=400, title="Friends", participants_count=3, date=T0, version=1, photo=t.ChatPhotoEmpty())
SUPER = t.Channel(
    id=500, title="Devs", access_hash=11, megagroup=True, username="devs", photo=t.ChatPhotoEmpty(), date=T0
)
NEWS = t.Channel(
    id=600,
    title="News",
    access_hash=12,
    broadcast=True,
    verified=True,
    photo=t.ChatPhoto(photo_id=77, dc_id=4),
    date=T0,
    participants_count=1000,
)
USERS: list[Any] = [ME, ALICE, BOB, BOT, NAMED]
CHATS: list[Any] = [GROUP, SUPER, NEWS]

ALICE_PEER, GROUP_PEER, SUPER_PEER, NEWS_PEER = (
    t.PeerUser(user_id=100),
    t.PeerChat(chat_id=400),
    t.PeerChannel(channel_id=500),
    t.PeerChannel(channel_id=600),
)

PHOTO = t.Photo(
    id=1234,
    access_hash=99,
    file_reference=b"\x01\x02ref",
    date=T0,
    dc_id=2,
    sizes=[
        t.PhotoStrippedSize(type="i", bytes=b"\x01\x02"),
        t.PhotoSize(type="s", w=90, h=60, size=1200),
        t.PhotoSize(type="m", w=320, h=213, size=15000),
        t.PhotoSizeProgressive(type="y", w=1280, h=853, sizes=[1000, 20000, 90000]),
    ],
)


def _doc(doc_id: int, mime: str, attributes: list[Any], thumbs: bool = True) -> Any:
    return t.Document(
        id=doc_id,
        access_hash=doc_id * 3,
        file_reference=b"fr" + bytes([doc_id % 250]),
        date=T0,
        mime_type=mime,
        size=doc_id * 100,
        dc_id=4,
        attributes=attributes,
        thumbs=[t.PhotoSize(type="m", w=320, h=180, size=4000)] if thumbs else None,
    )


def _video(round_message: bool = False) -> Any:
    return t.DocumentAttributeVideo(duration=12.0, w=640, h=360, supports_streaming=True, round_message=round_message)


DOCUMENTS = {
    "video": _doc(11, "video/mp4", [_video(), t.DocumentAttributeFilename(file_name="clip.mp4")]),
    "video_note": _doc(12, "video/mp4", [_video(round_message=True)]),
    "voice": _doc(13, "audio/ogg", [t.DocumentAttributeAudio(voice=True, duration=3, waveform=b"\x01\x1f")], False),
    "audio": _doc(
        14,
        "audio/mpeg",
        [
            t.DocumentAttributeAudio(duration=200, title="Song", performer="Band"),
            t.DocumentAttributeFilename(file_name="song.mp3"),
        ],
    ),
    "animation": _doc(15, "video/mp4", [_video(), t.DocumentAttributeAnimated()]),
    "sticker": _doc(
        16,
        "application/x-tgsticker",
        [
            t.DocumentAttributeImageSize(w=512, h=512),
            t.DocumentAttributeSticker(alt="😀", stickerset=t.InputStickerSetEmpty()),
            t.DocumentAttributeFilename(file_name="sticker.tgs"),
        ],
    ),
    "document": _doc(17, "application/pdf", [t.DocumentAttributeFilename(file_name="report.pdf")]),
}

POLL = t.MessageMediaPoll(
    poll=t.Poll(
        id=42,
        quiz=True,
        public_voters=True,
        question=t.TextWithEntities(text="2+2?", entities=[]),
        answers=[
            t.PollAnswer(text=t.TextWithEntities(text="3", entities=[]), option=b"0"),
            t.PollAnswer(text=t.TextWithEntities(text="4", entities=[]), option=b"1"),
        ],
        close_period=60,
        hash=0,
    ),
    results=t.PollResults(
        total_voters=5,
        results=[
            t.PollAnswerVoters(option=b"0", voters=1, recent_voters=[]),
            t.PollAnswerVoters(option=b"1", voters=4, recent_voters=[], chosen=True, correct=True),
        ],
    ),
)

MEDIA: dict[str, Any] = {
    "photo": t.MessageMediaPhoto(photo=PHOTO, ttl_seconds=30),
    **{
        kind: t.MessageMediaDocument(document=doc, voice=kind == "voice", round=kind == "video_note")
        for kind, doc in DOCUMENTS.items()
    },
    "location": t.MessageMediaGeo(geo=t.GeoPoint(long=13.4, lat=52.5, access_hash=1, accuracy_radius=20)),
    "venue": t.MessageMediaVenue(
        geo=t.GeoPoint(long=2.29, lat=48.85, access_hash=1),
        title="Tower",
        address="Champ de Mars",
        provider="foursquare",
        venue_id="4adc",
        venue_type="arts",
    ),
    "contact": t.MessageMediaContact(phone_number="15550100009", first_name="Zed", last_name="Z", vcard="", user_id=9),
    "poll": POLL,
    "dice": t.MessageMediaDice(value=5, emoticon="🎲"),
    "web_page": t.MessageMediaWebPage(
        webpage=t.WebPage(
            id=77,
            url="https://example.com/a",
            display_url="example.com/a",
            hash=0,
            type="article",
            site_name="Example",
            title="A page",
            description="About",
            photo=PHOTO,
        )
    ),
}


def message(**fields: Any) -> Any:
    """A ``message`` from Alice in the private chat unless ``fields`` say otherwise."""
    values: dict[str, Any] = {"id": 10, "peer_id": ALICE_PEER, "date": T0, "message": ""}
    values.update(fields)
    return t.Message(**values)


def service(action: Any, **fields: Any) -> Any:
    values: dict[str, Any] = {"id": 20, "peer_id": GROUP_PEER, "from_id": ALICE_PEER, "date": T0, "action": action}
    values.update(fields)
    return t.MessageService(**values)


def _callback(text: str, data: bytes) -> Any:
    return t.KeyboardInlineButton(text=text, type=t.InlineButtonTypeCallback(data=data))


INLINE = t.ReplyInlineMarkup(
    rows=[
        t.KeyboardInlineButtonRow(buttons=[_callback("Yes", b"yes"), _callback("Raw", b"\xff\x00")]),
        t.KeyboardInlineButtonRow(
            buttons=[
                t.KeyboardInlineButton(text="Site", type=t.InlineButtonTypeUrl(url="https://example.com")),
                t.KeyboardInlineButton(text="Ask", type=t.InlineButtonTypeSwitchInline(query="q", same_peer=True)),
            ]
        ),
    ]
)
REPLY_KEYBOARD = t.ReplyKeyboardMarkup(
    resize=True,
    single_use=True,
    placeholder="pick",
    rows=[
        t.KeyboardButtonRow(
            buttons=[
                t.KeyboardButton(text="Hi", type=t.ButtonTypeDefault()),
                t.KeyboardButton(text="Phone", type=t.ButtonTypeRequestPhone()),
                t.KeyboardButton(text="Where", type=t.ButtonTypeRequestGeoLocation()),
            ]
        )
    ],
)

ENTITIES = [
    t.MessageEntityBotCommand(offset=0, length=10),
    t.MessageEntityBold(offset=11, length=2),
    t.MessageEntityItalic(offset=14, length=2),
    t.MessageEntityTextUrl(offset=17, length=4, url="https://example.com"),
    t.MessageEntityMentionName(offset=22, length=3, user_id=101),
    t.MessageEntityPre(offset=26, length=1, language="py"),
]
TEXT = "/start@bot hi 😀 link Bob x"

MESSAGES: dict[str, Any] = {
    "private text": message(message=TEXT, entities=ENTITIES, reply_to=t.MessageReplyHeader(reply_to_msg_id=5)),
    "outgoing": message(out=True, message="sent", edit_date=T0 + 5),
    "group mention": message(
        peer_id=GROUP_PEER,
        from_id=ALICE_PEER,
        mentioned=True,
        message="@me look",
        entities=[t.MessageEntityMention(offset=0, length=3)],
    ),
    "supergroup": message(peer_id=SUPER_PEER, from_id=t.PeerUser(user_id=101), message="hello devs", noforwards=True),
    "channel post": message(peer_id=NEWS_PEER, post=True, views=120, forwards=3, post_author="Ed", message="news!"),
    "via bot": message(peer_id=SUPER_PEER, from_id=ALICE_PEER, via_bot_id=300, message="inline result"),
    "inline keyboard": message(
        from_id=t.PeerUser(user_id=300), peer_id=t.PeerUser(user_id=300), message="choose", reply_markup=INLINE
    ),
    "reply keyboard": message(
        from_id=t.PeerUser(user_id=300), peer_id=t.PeerUser(user_id=300), message="menu", reply_markup=REPLY_KEYBOARD
    ),
    "forward from user": message(
        message="fwd", fwd_from=t.MessageFwdHeader(from_id=t.PeerUser(user_id=101), date=T0 - 100)
    ),
    "forward from channel": message(
        message="fwd",
        fwd_from=t.MessageFwdHeader(from_id=NEWS_PEER, date=T0 - 200, channel_post=33, post_author="Ed"),
    ),
    "forward hidden": message(message="fwd", fwd_from=t.MessageFwdHeader(from_name="Ghost", date=T0 - 300)),
    "media group": message(media=MEDIA["photo"], message="album", grouped_id=777),
    **{
        f"media {kind}": message(media=media, message="caption" if kind != "web_page" else "see https://example.com/a")
        for kind, media in MEDIA.items()
    },
    "media no caption": message(media=MEDIA["document"]),
    "service add user": service(t.MessageActionChatAddUser(users=[101, 102])),
    "service left": service(t.MessageActionChatDeleteUser(user_id=101)),
    "service title": service(t.MessageActionChatEditTitle(title="New")),
    "service photo": service(t.MessageActionChatEditPhoto(photo=PHOTO)),
    "service delete photo": service(t.MessageActionChatDeletePhoto()),
    "service create": service(t.MessageActionChatCreate(title="Friends", users=[100, 200])),
    "service migrate": service(t.MessageActionChatMigrateTo(channel_id=500)),
    "service pin": service(t.MessageActionPinMessage(), reply_to=t.MessageReplyHeader(reply_to_msg_id=8)),
    "service joined by link": service(t.MessageActionChatJoinedByLink(inviter_id=100), peer_id=SUPER_PEER),
    "empty": t.MessageEmpty(id=30),
}


def updates(messages: list[Any]) -> TLObject:
    """An ``updates`` answer carrying ``messages`` with every sample user and chat."""
    new = [t.UpdateNewMessage(message=m, pts=i + 1, pts_count=1) for i, m in enumerate(messages)]
    return t.Updates(updates=new, users=USERS, chats=CHATS, date=T0, seq=0)


def maps(users: list[Any], chats: list[Any]) -> tuple[dict[int, Any], dict[int, Any]]:
    return {u.id: u for u in users}, {c.id: c for c in chats}
