"""``Location``: a point on the map."""

from __future__ import annotations

from typing import Any

from tgfleet.tl import types as t
from tgfleet.types.object import Object, lazy


class Location(Object):
    """A point: ``longitude`` and ``latitude`` in degrees."""

    FIELDS = ("longitude", "latitude", "horizontal_accuracy")

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> Location | None:
        return cls._lazy(client, raw) if isinstance(raw, t.GeoPoint) else None

    @lazy
    def longitude(self) -> float:
        return float(self._raw.long)

    @lazy
    def latitude(self) -> float:
        return float(self._raw.lat)

    @lazy
    def horizontal_accuracy(self) -> int | None:
        return self._raw.accuracy_radius  # type: ignore[no-any-return]
