"""``LoginUrl``: a button that logs the user in to a website through Telegram."""

from __future__ import annotations

from typing import Any

from tgfleet.types.object import Object


class LoginUrl(Object):
    """A login link (``forward_text``: the button's text in forwarded messages)."""

    FIELDS = ("url", "forward_text", "bot_username", "request_write_access", "button_id")

    def __init__(
        self,
        *,
        url: str,
        forward_text: str | None = None,
        bot_username: str | None = None,
        request_write_access: bool | None = None,
        button_id: int | None = None,
        client: Any = None,
    ) -> None:
        super().__init__(
            client=client,
            url=url,
            forward_text=forward_text,
            bot_username=bot_username,
            request_write_access=request_write_access,
            button_id=button_id,
        )
