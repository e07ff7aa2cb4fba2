"""``Venue``: a named place."""

from __future__ import annotations

from typing import Any

from tgfleet.types.media.location import Location
from tgfleet.types.object import Object, lazy


class Venue(Object):
    """A place with a title and address (``foursquare_id`` when the provider is Foursquare)."""

    FIELDS = ("location", "title", "address", "foursquare_id", "foursquare_type")

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> Venue:
        return cls._lazy(client, raw)

    @lazy
    def location(self) -> Location | None:
        return Location._parse(self._client, self._raw.geo)

    @lazy
    def title(self) -> str:
        return str(self._raw.title)

    @lazy
    def address(self) -> str:
        return str(self._raw.address)

    @lazy
    def foursquare_id(self) -> str | None:
        return self._raw.venue_id or None

    @lazy
    def foursquare_type(self) -> str | None:
        return self._raw.venue_type or None
