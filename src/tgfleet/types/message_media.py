"""Which media a TL message carries: its ``MessageMediaType`` and the object in the matching field."""

from __future__ import annotations

from typing import Any, NamedTuple

from tgfleet.enums import MessageMediaType
from tgfleet.tl import types as t
from tgfleet.types.media.animation import Animation
from tgfleet.types.media.audio import Audio
from tgfleet.types.media.contact import Contact
from tgfleet.types.media.dice import Dice
from tgfleet.types.media.document import Document
from tgfleet.types.media.game import Game
from tgfleet.types.media.location import Location
from tgfleet.types.media.photo import Photo
from tgfleet.types.media.poll import Poll
from tgfleet.types.media.sticker import Sticker
from tgfleet.types.media.venue import Venue
from tgfleet.types.media.video import Video
from tgfleet.types.media.video_note import VideoNote
from tgfleet.types.media.voice import Voice
from tgfleet.types.media.web_page import WebPage


class Media(NamedTuple):
    """The media type, the name of the Message field that holds it, and the object."""

    type: MessageMediaType | None
    field: str | None
    value: Any


NONE = Media(None, None, None)


def media_of(client: Any, media: Any) -> Media:
    """The media of a TL ``MessageMedia`` (NONE for none)."""
    if media is None or isinstance(media, t.MessageMediaEmpty):
        return NONE
    if isinstance(media, t.MessageMediaPhoto):
        photo = Photo._parse(client, media.photo, media)
        return Media(MessageMediaType.PHOTO, "photo", photo) if photo is not None else NONE
    if isinstance(media, t.MessageMediaDocument):
        return _document(client, media)
    if isinstance(media, (t.MessageMediaGeo, t.MessageMediaGeoLive)):
        return Media(MessageMediaType.LOCATION, "location", Location._parse(client, media.geo))
    simple = _SIMPLE.get(type(media))
    if simple is not None:
        kind, field, cls = simple
        return Media(kind, field, cls._parse(client, media))
    if isinstance(media, t.MessageMediaWebPage):
        page = media.webpage
        return (
            Media(MessageMediaType.WEB_PAGE, "web_page", WebPage._parse(client, page))
            if isinstance(page, t.WebPage)
            else NONE
        )
    if isinstance(media, t.MessageMediaGame):
        return Media(MessageMediaType.GAME, "game", Game._parse(client, media.game))
    return Media(MessageMediaType.UNSUPPORTED, None, None)


_SIMPLE: dict[type, tuple[MessageMediaType, str, Any]] = {
    t.MessageMediaVenue: (MessageMediaType.VENUE, "venue", Venue),
    t.MessageMediaContact: (MessageMediaType.CONTACT, "contact", Contact),
    t.MessageMediaPoll: (MessageMediaType.POLL, "poll", Poll),
    t.MessageMediaDice: (MessageMediaType.DICE, "dice", Dice),
}


def _document(client: Any, media: Any) -> Media:
    """A document is an animation, sticker, video note, video, voice, audio or plain file by its attributes."""
    doc = media.document
    if not isinstance(doc, t.Document):
        return NONE
    kinds = {type(a) for a in doc.attributes}
    video = next((a for a in doc.attributes if isinstance(a, t.DocumentAttributeVideo)), None)
    audio = next((a for a in doc.attributes if isinstance(a, t.DocumentAttributeAudio)), None)
    if t.DocumentAttributeAnimated in kinds:
        return Media(MessageMediaType.ANIMATION, "animation", Animation._parse(client, doc, media))
    if t.DocumentAttributeSticker in kinds:
        return Media(MessageMediaType.STICKER, "sticker", Sticker._parse(client, doc, media))
    if video is not None:
        if video.round_message or media.round:
            return Media(MessageMediaType.VIDEO_NOTE, "video_note", VideoNote._parse(client, doc, media))
        return Media(MessageMediaType.VIDEO, "video", Video._parse(client, doc, media))
    if audio is not None:
        if audio.voice or media.voice:
            return Media(MessageMediaType.VOICE, "voice", Voice._parse(client, doc, media))
        return Media(MessageMediaType.AUDIO, "audio", Audio._parse(client, doc, media))
    return Media(MessageMediaType.DOCUMENT, "document", Document._parse(client, doc, media))
