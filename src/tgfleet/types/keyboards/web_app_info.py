"""``WebAppInfo``: the web app a button opens."""

from __future__ import annotations

from typing import Any

from tgfleet.types.object import Object


class WebAppInfo(Object):
    """A web app, by its HTTPS ``url``."""

    FIELDS = ("url",)

    def __init__(self, *, url: str, client: Any = None) -> None:
        super().__init__(client=client, url=url)
