"""``FleetClient``: a ``tgfleet.Client`` whose session is a storage it is given (a leased account's
``FencedStorage``) instead of a session file or memory: ``Client(..., storage=...)``. Everything else is the
Client as it is."""

from __future__ import annotations

from typing import Any

from tgfleet.client import Client
from tgfleet.storage import Storage


class FleetClient(Client):
    """``FleetClient(storage, name, api_id=..., api_hash=..., network=..., ...)``: the other options are Client's."""

    def __init__(self, storage: Storage, name: str, **options: Any) -> None:
        super().__init__(name, storage=storage, **options)
