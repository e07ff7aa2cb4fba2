"""``PyrogramAccessors``: Pyrogram's async storage accessors over the synchronous ``Storage`` interface.

Code written for Pyrogram reads and writes the session with ``await client.storage.user_id()`` (read) and
``await client.storage.user_id(42)`` (write): ``dc_id``, ``api_id``, ``test_mode``, ``auth_key`` (the home
DC's), ``user_id``, ``is_bot``, ``server_address`` / ``port`` (the home DC's address in the stored DC list,
None before the first help.getConfig) and ``date`` (the update state's date: tgfleet keeps no separate
save time). Pyrogram's ``await storage.open()`` / ``save()`` / ``close()`` / ``delete()`` work on tgfleet's own
synchronous methods of those names (they return ``DONE``, which may be awaited: ``base.py``); Pyrogram's peer
lookups (``get_peer_by_id``... returning Input peers) are not mirrored: tgfleet's methods of those names are its
own (records), and ``client.resolve_peer`` is the way to an Input peer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tgfleet.storage.records import UpdateState

if TYPE_CHECKING:
    from tgfleet.storage.base import Storage


class PyrogramAccessors:
    """Mixed into ``Storage``; every method reads with no argument and writes the one it is given."""

    __slots__ = ()

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


def _st(accessors: PyrogramAccessors) -> Storage:
    return cast("Storage", accessors)  # the mixin is only ever part of a Storage


def _home_option(storage: Storage) -> Any:
    dc = storage.get_dc_id()
    options = [o for o in storage.get_dc_options() if o.dc_id == dc and not o.media_only and not o.cdn]
    return next((o for o in options if not o.ipv6), options[0] if options else None)
