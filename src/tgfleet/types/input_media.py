"""Pyrogram's input media for ``send_media_group``: what to send (a path, a file object, bytes or a file id) with
its caption and, for videos and audio, the attributes. Plain values: the client reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tgfleet.enums import ParseMode


@dataclass
class InputMedia:
    media: Any
    caption: str = ""
    parse_mode: ParseMode | None = None
    caption_entities: list[Any] | None = None


@dataclass
class InputMediaPhoto(InputMedia):
    has_spoiler: bool | None = None


@dataclass
class InputMediaVideo(InputMedia):
    thumb: Any = None
    width: int = 0
    height: int = 0
    duration: int = 0
    supports_streaming: bool = True
    has_spoiler: bool | None = None


@dataclass
class InputMediaAudio(InputMedia):
    thumb: Any = None
    duration: int = 0
    performer: str = ""
    title: str = ""


@dataclass
class InputMediaDocument(InputMedia):
    thumb: Any = None
