"""``MemoryStorage``: a session kept in process memory (``in_memory=True`` clients, tests). Nothing at rest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from tgfleet.storage.base import DONE, USERNAME_TTL, Done, Storage
from tgfleet.storage.errors import StorageClosedError
from tgfleet.storage.records import (
    DcOption,
    PeerRecord,
    UpdateState,
    check_auth_key,
    check_dc_id,
    check_dc_option,
    check_int,
    check_peer,
    check_update_state,
    merge_peer,
    normalize_phone,
    username_key,
)


@dataclass
class _DcState:
    auth_key: bytes | None = None
    server_salt: int | None = None
    time_offset: float = 0.0


@dataclass
class _State:
    dc_id: int | None = None
    test_mode: bool = False
    api_id: int | None = None
    user_id: int | None = None
    is_bot: bool | None = None
    dcs: dict[int, _DcState] = field(default_factory=dict)
    dc_options: list[DcOption] = field(default_factory=list)
    dc_options_fetched_at: float | None = None
    peers: dict[int, PeerRecord] = field(default_factory=dict)
    usernames: dict[str, int] = field(default_factory=dict)
    phones: dict[str, int] = field(default_factory=dict)
    update_state: UpdateState | None = None
    channel_pts: dict[int, int] = field(default_factory=dict)

    def snapshot(self) -> _State:
        """A copy to roll back to. Records are immutable, so copying the containers is enough (a deep copy
        of every peer on every write made caching peers cost more the more peers were known)."""
        return replace(
            self,
            dcs={dc: replace(state) for dc, state in self.dcs.items()},
            dc_options=list(self.dc_options),
            peers=dict(self.peers),
            usernames=dict(self.usernames),
            phones=dict(self.phones),
            channel_pts=dict(self.channel_pts),
        )


class MemoryStorage(Storage):
    """A session that lives as long as the object. Same semantics as SQLiteStorage, without a file or lock."""

    def __init__(self, *, clock: Callable[[], float] = time.time, username_ttl: float = USERNAME_TTL) -> None:
        super().__init__(clock=clock, username_ttl=username_ttl)
        self._state = _State()
        self._open = False
        self._lock = threading.RLock()
        self._depth = 0

    # --- lifecycle ------------------------------------------------------------------------------------------
    def open(self) -> Done:
        self._open = True
        return DONE

    def close(self) -> Done:
        self._open = False
        return DONE

    @property
    def is_open(self) -> bool:
        return self._open

    def save(self) -> Done:
        self._live()
        return DONE

    def delete(self) -> Done:
        with self.transaction():
            self._state = _State()
        return DONE

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._live()
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            backup = self._state.snapshot()
            self._depth = 1
            try:
                yield
            except BaseException:
                self._state = backup
                raise
            finally:
                self._depth = 0

    def _live(self) -> _State:
        if not self._open:
            raise StorageClosedError("the memory storage is not open; call open() first")
        return self._state

    def _dc(self, dc_id: int) -> _DcState:
        return self._live().dcs.setdefault(check_dc_id(dc_id), _DcState())

    # --- account ----------------------------------------------------------------------------------------------
    def get_dc_id(self) -> int | None:
        return self._live().dc_id

    def set_dc_id(self, dc_id: int) -> None:
        self._live().dc_id = check_dc_id(dc_id)

    def get_test_mode(self) -> bool:
        return self._live().test_mode

    def set_test_mode(self, test_mode: bool) -> None:
        self._live().test_mode = bool(test_mode)

    def get_api_id(self) -> int | None:
        return self._live().api_id

    def set_api_id(self, api_id: int) -> None:
        self._live().api_id = check_int("api_id", api_id)

    def get_user_id(self) -> int | None:
        return self._live().user_id

    def get_is_bot(self) -> bool | None:
        return self._live().is_bot

    def set_user(self, user_id: int, is_bot: bool) -> None:
        state = self._live()
        state.user_id, state.is_bot = check_int("user_id", user_id), bool(is_bot)

    # --- auth keys ------------------------------------------------------------------------------------------
    def get_auth_key(self, dc_id: int) -> bytes | None:
        dc = self._live().dcs.get(dc_id)
        return dc.auth_key if dc else None

    def set_auth_key(self, dc_id: int, key: bytes | None) -> None:
        new = None if key is None else check_auth_key(dc_id, key)
        dc = self._dc(dc_id)
        if new != dc.auth_key:
            dc.auth_key, dc.server_salt = new, None

    def get_auth_keys(self) -> dict[int, bytes]:
        return {dc_id: dc.auth_key for dc_id, dc in sorted(self._live().dcs.items()) if dc.auth_key is not None}

    def get_server_salt(self, dc_id: int) -> int | None:
        dc = self._live().dcs.get(dc_id)
        return dc.server_salt if dc else None

    def set_server_salt(self, dc_id: int, salt: int) -> None:
        self._dc(dc_id).server_salt = check_int("server salt", salt)

    def get_time_offset(self, dc_id: int) -> float:
        dc = self._live().dcs.get(dc_id)
        return dc.time_offset if dc else 0.0

    def set_time_offset(self, dc_id: int, offset: float) -> None:
        self._dc(dc_id).time_offset = float(offset)

    # --- DC list ----------------------------------------------------------------------------------------------
    def set_dc_options(self, options: Sequence[DcOption], *, fetched_at: float | None = None) -> None:
        checked = [check_dc_option(option) for option in options]
        state = self._live()
        state.dc_options = checked
        state.dc_options_fetched_at = self.clock() if fetched_at is None else float(fetched_at)

    def get_dc_options(self) -> list[DcOption]:
        return list(self._live().dc_options)

    def get_dc_options_fetched_at(self) -> float | None:
        return self._live().dc_options_fetched_at

    # --- peers ------------------------------------------------------------------------------------------------
    def put_peers(self, peers: Iterable[PeerRecord]) -> None:
        checked = [check_peer(peer) for peer in peers]
        with self.transaction():
            now = self.clock()
            for peer in checked:
                self._put_peer(merge_peer(self._state.peers.get(peer.id), peer, now))

    def _put_peer(self, peer: PeerRecord) -> None:
        """Store ``peer`` and keep the username and phone indexes pointing at one peer each."""
        state = self._state
        old = state.peers.get(peer.id)
        if old is not None and old.username is not None:
            state.usernames.pop(username_key(old.username), None)
        if old is not None and old.phone is not None:
            state.phones.pop(old.phone, None)
        if peer.username is not None:
            other = state.usernames.get(username_key(peer.username))
            if other is not None and other != peer.id:
                state.peers[other] = replace(state.peers[other], username=None, resolved_at=None)
            state.usernames[username_key(peer.username)] = peer.id
        if peer.phone is not None:
            other = state.phones.get(peer.phone)
            if other is not None and other != peer.id:
                state.peers[other] = replace(state.peers[other], phone=None)
            state.phones[peer.phone] = peer.id
        state.peers[peer.id] = peer

    def peer_by_id(self, peer_id: int) -> PeerRecord | None:
        return self._live().peers.get(peer_id)

    def peer_by_username(self, username: str, *, ignore_expiry: bool = False) -> PeerRecord | None:
        state = self._live()
        peer_id = state.usernames.get(username_key(username))
        peer = state.peers.get(peer_id) if peer_id is not None else None
        return peer if peer is not None and self._username_fresh(peer, ignore_expiry) else None

    def peer_by_phone(self, phone: str) -> PeerRecord | None:
        state = self._live()
        key = normalize_phone(phone)
        peer_id = state.phones.get(key) if key else None
        return state.peers.get(peer_id) if peer_id is not None else None

    # --- update state -----------------------------------------------------------------------------------------
    def get_update_state(self) -> UpdateState | None:
        return self._live().update_state

    def set_update_state(self, state: UpdateState) -> None:
        self._live().update_state = check_update_state(state)

    def get_channel_pts(self, channel_id: int) -> int | None:
        return self._live().channel_pts.get(channel_id)

    def set_channel_pts(self, channel_id: int, pts: int | None) -> None:
        table = self._live().channel_pts
        if pts is None:
            table.pop(check_int("channel_id", channel_id), None)
        else:
            table[check_int("channel_id", channel_id)] = check_int("pts", pts, -(2**31), 2**31 - 1)

    def get_all_channel_pts(self) -> dict[int, int]:
        return dict(self._live().channel_pts)
