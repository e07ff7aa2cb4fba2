"""``FleetClient``: a ``tgfleet.Client`` whose session is a storage it is given (a leased account's
``FencedStorage``) instead of a session file or memory. Everything else is the Client as it is."""

from __future__ import annotations

from typing import Any

from tgfleet.client import Client
from tgfleet.storage import Storage


class FleetClient(Client):
    """``FleetClient(storage, name, api_id=..., api_hash=..., network=..., ...)``: the other options are Client's."""

    def __init__(self, storage: Storage, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self._given_storage = storage

    def _open_storage(self) -> Storage:
        # The Client's own opening, over the given storage (Client takes no storage argument yet; this override is
        # that seam until it does).
        storage = self._given_storage
        storage.open()
        self._peers_written.clear()
        self._check_api_id(storage)
        self.storage = storage
        return storage
