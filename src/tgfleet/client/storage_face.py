"""``StorageFace``: what a storage's Pyrogram accessors need from the client layer (``storage/pyrogram_accessors.py``).

Pyrogram's ``await client.storage.get_peer_by_id(...)`` answers a raw Input peer, and
``await client.storage.export_session_string()`` Pyrogram's session string; the storage package does not import
the TL layer or the session-string format, so the ``Client`` gives every storage it uses this face.
"""

from __future__ import annotations

from typing import Any

from tgfleet.client.peers import input_peer
from tgfleet.client.session_strings import SessionData, export_pyrogram
from tgfleet.storage import PeerRecord


class StorageFace:
    """Input peers as Pyrogram's storage builds them (a user by its hash, never ``inputPeerSelf``)."""

    __slots__ = ()

    def input_peer(self, peer: PeerRecord) -> Any:
        return input_peer(peer, None)  # no self id: the user's own record is an inputPeerUser too

    def session_string(
        self, dc_id: int, api_id: int, test_mode: bool, auth_key: bytes, user_id: int, is_bot: bool
    ) -> str:
        return export_pyrogram(SessionData("pyrogram-362", dc_id, auth_key, test_mode, api_id, user_id, is_bot))


STORAGE_FACE = StorageFace()
