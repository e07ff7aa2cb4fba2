"""``PyrogramAccessors``: Pyrogram's async storage accessors over the synchronous ``Storage`` interface.

Code written for Pyrogram reads and writes the session with ``await client.storage.user_id()`` (read) and
``await client.storage.user_id(42)`` (write): ``dc_id``, ``api_id``, ``test_mode``, ``auth_key`` (the home
DC's), ``user_id``, ``is_bot``, ``server_address`` / ``port`` (the home DC's address in the stored DC list,
None before the first help.getConfig) and ``date`` (the update state's date: tgfleet keeps no separate
save time). Pyrogram's ``await storage.open()`` / ``save()`` / ``close()`` / ``delete()`` work on tgfleet's own
synchronous methods of those names (they return ``DONE``, which may be awaited: ``base.py``).

Pyrogram's peer accessors work on the peer records: ``get_peer_by_id``, ``get_peer_by_username`` and
``get_peer_by_phone_number`` return the raw Input peer or raise ``KeyError`` as Pyrogram's do ("ID not found: 42",
"Username expired: alice"); ``update_peers`` takes Kurigram's ``(id, access_hash, type, phone_number)`` rows or
Pyrogram's ``(id, access_hash, type, username, phone_number)``, ``update_usernames`` ``(id, [usernames])`` rows;
``export_session_string`` gives Pyrogram's string. Input peers and session strings are the client's business (this
package does not import the TL layer), so these need the ``PyrogramFace`` a ``Client`` gives each storage it uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from tgfleet.storage.errors import StorageValueError
from tgfleet.storage.records import PeerRecord, PeerType, UpdateState

if TYPE_CHECKING:
    from tgfleet.storage.base import Storage


class PyrogramFace(Protocol):
    """What the peer and session-string accessors need from the client layer."""

    def input_peer(self, peer: PeerRecord) -> object:
        """The raw Input peer for ``peer`` (its access hash is known)."""

    def session_string(
        self, dc_id: int, api_id: int, test_mode: bool, auth_key: bytes, user_id: int, is_bot: bool
    ) -> str:
        """Pyrogram's session string of these values."""


class PyrogramAccessors:
    """Mixed into ``Storage``; every method reads with no argument and writes the one it is given."""

    __slots__ = ()
    pyrogram_face: PyrogramFace | None = None
    """Set by the ``Client`` that uses the storage (``client/storage_face.py``)."""

    async def dc_id(self, value: int | None = None) -> int | None:
        if value is not None:
            _st(self).set_dc_id(value)
        return _st(self).get_dc_id()

    async def api_id(self, value: int | None = None) -> int | None:
        if value is not None:
            _st(self).set_api_id(value)
        return _st(self).get_api_id()

    async def test_mode(self, value: bool | None = None) -> bool:
        if value is not None:
            _st(self).set_test_mode(value)
        return _st(self).get_test_mode()

    async def auth_key(self, value: bytes | None = None) -> bytes | None:
        dc = _st(self).get_dc_id()
        if dc is None:
            return None
        if value is not None:
            _st(self).set_auth_key(dc, value)
        return _st(self).get_auth_key(dc)

    async def user_id(self, value: int | None = None) -> int | None:
        if value is not None:
            _st(self).set_user(value, bool(_st(self).get_is_bot()))
        return _st(self).get_user_id()

    async def is_bot(self, value: bool | None = None) -> bool | None:
        if value is not None and (user := _st(self).get_user_id()) is not None:
            _st(self).set_user(user, value)
        return _st(self).get_is_bot()

    async def server_address(self) -> str | None:
        option = _home_option(_st(self))
        return option.ip_address if option is not None else None

    async def port(self) -> int | None:
        option = _home_option(_st(self))
        return option.port if option is not None else None

    async def date(self, value: int | None = None) -> int | None:
        state = _st(self).get_update_state()
        if value is not None and state is not None:
            _st(self).set_update_state(UpdateState(state.pts, state.qts, value, state.seq))
            return value
        return state.date if state is not None else None

    async def get_peer_by_id(self, peer_id: int) -> Any:
        return _input_peer(self, _st(self).peer_by_id(peer_id), f"ID not found: {peer_id}")

    async def get_peer_by_username(self, username: str) -> Any:
        known = _st(self).peer_by_username(username, ignore_expiry=True)
        if known is not None and _st(self).peer_by_username(username) is None:
            raise KeyError(f"Username expired: {username}")
        return _input_peer(self, known, f"Username not found: {username}")

    async def get_peer_by_phone_number(self, phone_number: str) -> Any:
        return _input_peer(self, _st(self).peer_by_phone(phone_number), f"Phone number not found: {phone_number}")

    async def update_peers(self, peers: Iterable[Sequence[Any]]) -> None:
        storage = _st(self)
        records = []
        for row in peers:
            if len(row) not in (4, 5):
                raise StorageValueError(f"a peer row is (id, access_hash, type[, username], phone_number), not {row!r}")
            peer_id, access_hash, kind, *names = row
            if len(names) == 2:  # Pyrogram's row names the username; Kurigram's keeps the one known
                username = names[0]
            else:
                username = old.username if (old := storage.peer_by_id(peer_id)) is not None else None
            records.append(PeerRecord(peer_id, _peer_type(kind), access_hash, username, names[-1]))
        storage.put_peers(records)

    async def update_usernames(self, usernames: Iterable[tuple[int, Sequence[str | None]]]) -> None:
        storage = _st(self)
        records = []
        for peer_id, names in usernames:
            if (old := storage.peer_by_id(peer_id)) is not None:
                records.append(replace(old, username=next((n for n in names if n), None), is_min=False))
        storage.put_peers(records)

    async def export_session_string(self) -> str:
        storage = _st(self)
        dc, api_id, user = storage.get_dc_id(), storage.get_api_id(), storage.get_user_id()
        key = storage.get_auth_key(dc) if dc is not None else None
        if dc is None or api_id is None or user is None or key is None:
            raise StorageValueError("no session to export: the storage has no logged-in user with an auth key yet")
        return _face(self).session_string(dc, api_id, storage.get_test_mode(), key, user, bool(storage.get_is_bot()))


def _input_peer(accessors: PyrogramAccessors, peer: PeerRecord | None, missing: str) -> Any:
    if peer is None or (peer.access_hash is None and peer.type is not PeerType.GROUP):
        raise KeyError(missing)
    return _face(accessors).input_peer(peer)


def _peer_type(kind: object) -> PeerType:
    try:
        return PeerType(kind)
    except ValueError:
        raise StorageValueError(f"unknown peer type {kind!r} (one of {[t.value for t in PeerType]})") from None


def _face(accessors: PyrogramAccessors) -> PyrogramFace:
    if accessors.pyrogram_face is None:
        raise StorageValueError(
            "Pyrogram's peer and session-string accessors need a Client: use client.storage (or peer_by_id & co.)"
        )
    return accessors.pyrogram_face


def _st(accessors: PyrogramAccessors) -> Storage:
    return cast("Storage", accessors)  # the mixin is only ever part of a Storage


def _home_option(storage: Storage) -> Any:
    dc = storage.get_dc_id()
    options = [o for o in storage.get_dc_options() if o.dc_id == dc and not o.media_only and not o.cdn]
    return next((o for o in options if not o.ipv6), options[0] if options else None)
