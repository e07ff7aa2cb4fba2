"""``KeyboardButton``: one button of a reply keyboard."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.keyboards.web_app_info import WebAppInfo
from tgfleet.types.object import Object


class KeyboardButton(Object):
    """A reply keyboard button: pressing it sends ``text``, or the phone number, location, a poll or a web app's
    data when one of those is asked for (``request_poll``: True, or ``"quiz"`` / ``"regular"`` when fixed)."""

    FIELDS = ("text", "request_contact", "request_location", "request_poll", "request_peer", "web_app")

    def __init__(
        self,
        text: str,
        request_contact: bool | None = None,
        request_location: bool | None = None,
        request_poll: bool | str | None = None,
        request_peer: int | None = None,
        web_app: WebAppInfo | None = None,
    ) -> None:
        super().__init__(
            text=str(text),
            request_contact=request_contact,
            request_location=request_location,
            request_poll=request_poll,
            request_peer=request_peer,
            web_app=web_app,
        )

    @classmethod
    def _parse(cls, raw: Any) -> KeyboardButton:
        kind = raw.type
        button = cls(raw.text)
        d = button.__dict__
        d["_raw"] = raw
        if isinstance(kind, t.ButtonTypeRequestPhone):
            d["request_contact"] = True
        elif isinstance(kind, t.ButtonTypeRequestGeoLocation):
            d["request_location"] = True
        elif isinstance(kind, t.ButtonTypeRequestPoll):
            d["request_poll"] = True if kind.quiz is None else "quiz" if kind.quiz else "regular"
        elif isinstance(kind, (t.ButtonTypeRequestPeer, t.InputButtonTypeRequestPeer)):
            d["request_peer"] = kind.button_id
        elif isinstance(kind, t.ButtonTypeSimpleWebView):
            d["web_app"] = WebAppInfo(url=kind.url)
        return button
