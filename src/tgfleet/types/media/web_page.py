"""``WebPage``: a link preview."""

from __future__ import annotations

from typing import Any

from tgfleet.types.media.photo import Photo
from tgfleet.types.object import Object, lazy


class WebPage(Object):
    """The preview of a link in a message (only once Telegram has fetched the page)."""

    FIELDS = (
        "id",
        "url",
        "display_url",
        "type",
        "site_name",
        "title",
        "description",
        "photo",
        "embed_url",
        "duration",
        "author",
    )

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> WebPage:
        return cls._lazy(client, raw)

    def _get(self, name: str) -> Any:
        return getattr(self._raw, name, None)

    def _text(self, name: str) -> str | None:
        value = self._get(name)
        return str(value) if value is not None else None

    @lazy
    def id(self) -> str:
        return str(self._raw.id)

    @lazy
    def url(self) -> str | None:
        return self._text("url")

    @lazy
    def display_url(self) -> str | None:
        return self._text("display_url")

    @lazy
    def type(self) -> str | None:
        return self._text("type")

    @lazy
    def site_name(self) -> str | None:
        return self._text("site_name")

    @lazy
    def title(self) -> str | None:
        return self._text("title")

    @lazy
    def description(self) -> str | None:
        return self._text("description")

    @lazy
    def photo(self) -> Photo | None:
        return Photo._parse(self._client, self._get("photo"))

    @lazy
    def embed_url(self) -> str | None:
        return self._text("embed_url")

    @lazy
    def duration(self) -> int | None:
        value = self._get("duration")
        return int(value) if value is not None else None

    @lazy
    def author(self) -> str | None:
        return self._text("author")
