"""``InlineKeyboardButton``: one button of an inline keyboard."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.keyboards.callback_game import CallbackGame
from tgfleet.types.keyboards.login_url import LoginUrl
from tgfleet.types.keyboards.web_app_info import WebAppInfo
from tgfleet.types.object import Object


class InlineKeyboardButton(Object):
    """A button under a message: exactly one of the optional fields says what pressing it does."""

    FIELDS = (
        "text",
        "callback_data",
        "url",
        "web_app",
        "login_url",
        "user_id",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "callback_game",
        "requires_password",
        "pay",
        "copy_text",
    )

    def __init__(
        self,
        text: str,
        callback_data: str | bytes | None = None,
        url: str | None = None,
        web_app: WebAppInfo | None = None,
        login_url: LoginUrl | None = None,
        user_id: int | None = None,
        switch_inline_query: str | None = None,
        switch_inline_query_current_chat: str | None = None,
        callback_game: CallbackGame | None = None,
        requires_password: bool | None = None,
        pay: bool | None = None,
        copy_text: str | None = None,
    ) -> None:
        super().__init__(
            text=str(text),
            callback_data=callback_data,
            url=url,
            web_app=web_app,
            login_url=login_url,
            user_id=user_id,
            switch_inline_query=switch_inline_query,
            switch_inline_query_current_chat=switch_inline_query_current_chat,
            callback_game=callback_game,
            requires_password=requires_password,
            pay=pay,
            copy_text=copy_text,
        )

    @classmethod
    def _parse(cls, raw: Any) -> InlineKeyboardButton:
        kind = raw.type
        button = cls(raw.text)
        d = button.__dict__
        d["_raw"] = raw
        if isinstance(kind, t.InlineButtonTypeCallback):
            d["callback_data"] = _data(kind.data)
            d["requires_password"] = bool(kind.requires_password)
        elif isinstance(kind, t.InlineButtonTypeUrl):
            d["url"] = kind.url
        elif isinstance(kind, (t.InlineButtonTypeUrlAuth, t.InputInlineButtonTypeUrlAuth)):
            d["login_url"] = LoginUrl(
                url=kind.url, forward_text=kind.fwd_text, button_id=getattr(kind, "button_id", None)
            )
        elif isinstance(kind, t.InlineButtonTypeWebView):
            d["web_app"] = WebAppInfo(url=kind.url)
        elif isinstance(kind, t.InlineButtonTypeSwitchInline):
            d["switch_inline_query_current_chat" if kind.same_peer else "switch_inline_query"] = kind.query
        elif isinstance(kind, t.InlineButtonTypeUserProfile):
            d["user_id"] = kind.user_id
        elif isinstance(kind, t.InlineButtonTypeGame):
            d["callback_game"] = CallbackGame()
        elif isinstance(kind, t.InlineButtonTypeBuy):
            d["pay"] = True
        elif isinstance(kind, t.InlineButtonTypeCopy):
            d["copy_text"] = kind.copy_text
        return button


def _data(data: bytes) -> str | bytes:
    """Callback data as text when it is UTF-8 (as Pyrogram gives it), else the bytes."""
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data
