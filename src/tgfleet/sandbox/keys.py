"""Auth keys and sessions of one DC, as the network side keeps them.

A key created on DC 2 is known only there (keys are per DC, as in Telegram). Each key has one
``ServerSalts`` and one ``MsgIdGenerator(SERVER)`` shared by its sessions, the layer and the
``initConnection`` parameters its client sent, and at most ``max_sessions`` sessions (the least recently
used one is forgotten beyond that; a forgotten session that comes back is created anew and the client
gets new_session_created). Sessions outlive connections and remember the latest one they were seen on.

Temporary keys (https://core.telegram.org/api/pfs) expire: one past its ``expires_at`` is forgotten when a
packet arrives on it (which is answered -404) and whenever a new key is stored (so expired keys do not pile
up). Once bound (``bind``), a temporary key's calls act for its permanent key (``KeyState.acts_for``: the
world's authorization, the rate limits and the updates are the permanent key's), until that key is bound to
a newer temporary key ("binding a new temporary key overwrites the previous one").

Replays: a forgotten session's replay window is gone, so each key keeps one number instead, its
``replay_floor``: the newest msg_id any of its forgotten sessions saw. Sessions created later refuse msg_ids
up to it (bad_msg_notification 20), so a captured packet of a forgotten session is not executed again; the
client's own new messages are newer and pass. A new session is stored only once it accepted a message, so
a refused (e.g. replayed) packet evicts no live session.
"""

from __future__ import annotations

import heapq
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tgfleet.crypto.kdf import AuthKey
from tgfleet.mtproto.msgid import SERVER, MsgIdGenerator
from tgfleet.mtproto.session import ServerSalts, ServerSession
from tgfleet.sandbox.leniency import TELEGRAM_LENIENCY

if TYPE_CHECKING:
    from tgfleet.sandbox.connection import ServerConnection


@dataclass(frozen=True)
class ClientInfo:
    """What ``initConnection`` told about the client app (kept per auth key)."""

    api_id: int
    device_model: str
    system_version: str
    app_version: str
    system_lang_code: str
    lang_pack: str
    lang_code: str


@dataclass(frozen=True)
class KeyInfo:
    """What the sandbox tells about one auth key (``Sandbox.keys``): ``expires_at`` is None for a permanent
    key; ``bound_to`` the permanent key a temporary one is bound to (while the binding holds); ``packets``
    the encrypted packets that arrived under the key."""

    key_id: int
    expires_at: int | None
    bound_to: int | None
    packets: int


class KeyState:
    """One auth key on one DC."""

    __slots__ = (
        "auth_key",
        "bound_to",
        "client",
        "created",
        "dc_id",
        "expires_at",
        "layer",
        "msg_ids",
        "packets",
        "replay_floor",
        "salts",
        "sessions",
        "temp_key_id",
    )

    def __init__(self, dc_id: int, auth_key: AuthKey, salts: ServerSalts, *, created: float) -> None:
        self.dc_id = dc_id
        self.auth_key = auth_key
        self.salts = salts
        self.msg_ids = MsgIdGenerator(SERVER)
        self.sessions: OrderedDict[int, SessionState] = OrderedDict()
        self.layer: int | None = None
        self.client: ClientInfo | None = None
        self.created = created
        self.expires_at: int | None = None
        self.replay_floor = 0
        """The newest client msg_id any forgotten session of this key saw (new sessions refuse up to it)."""
        self.bound_to: KeyState | None = None
        """A temporary key: the permanent key it was bound to (it can never be bound to another)."""
        self.temp_key_id: int | None = None
        """A permanent key: the temporary key bound to it now (a new binding replaces it)."""
        self.packets = 0
        """Encrypted packets that arrived under this key."""

    @property
    def key_id(self) -> int:
        return self.auth_key.key_id

    @property
    def temporary(self) -> bool:
        return self.expires_at is not None

    @property
    def bound(self) -> bool:
        """A temporary key whose permanent key is bound to it now."""
        return self.bound_to is not None and self.bound_to.temp_key_id == self.key_id

    @property
    def acts_for(self) -> int:
        """The auth_key_id whose authorization (login, limits, updates) this key's calls use: for a bound
        temporary key its permanent key's, else the key's own."""
        return self.bound_to.key_id if self.bound and self.bound_to is not None else self.key_id

    def info(self) -> KeyInfo:
        return KeyInfo(self.key_id, self.expires_at, self.acts_for if self.bound else None, self.packets)

    def __repr__(self) -> str:
        return f"<KeyState dc={self.dc_id} key_id={self.key_id:#x} sessions={len(self.sessions)}>"


class SessionState:
    """A ``ServerSession`` plus what the network side tracks about it."""

    __slots__ = ("alive", "connection", "inflight", "key", "queued_pushes", "session", "subscribed")

    def __init__(self, key: KeyState, session: ServerSession) -> None:
        self.key = key
        self.session = session
        self.connection: ServerConnection | None = None
        """The latest connection this session was seen on (answers and updates go there)."""
        self.subscribed = False
        """Made a call outside ``invokeWithoutUpdates`` while authorized: gets pushed updates."""
        self.inflight = 0
        self.queued_pushes = 0
        self.alive = True
        """False once the session was forgotten (evicted, destroyed, key dropped)."""

    @property
    def session_id(self) -> int:
        return self.session.session_id

    def online(self) -> bool:
        return self.alive and self.connection is not None and not self.connection.closed

    def flush(self, now: float) -> None:
        """Write everything the session has queued to its connection (if it has a live one)."""
        conn = self.connection
        if conn is None or conn.closed:
            return
        self.queued_pushes = 0
        while (data := self.session.data_to_send(now)) is not None:
            conn.send(data)


class DcKeys:
    """The auth keys of one DC."""

    def __init__(self, dc_id: int, *, max_sessions: int, random: Callable[[int], bytes] = os.urandom) -> None:
        self.dc_id = dc_id
        self.max_sessions = max_sessions
        self._random = random
        self._keys: dict[int, KeyState] = {}
        self._expiries: list[tuple[int, int]] = []  # (expires_at, key_id) of temporary keys, a heap

    def __contains__(self, key_id: int) -> bool:
        return key_id in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, key_id: int) -> KeyState | None:
        return self._keys.get(key_id)

    def live(self, key_id: int, now: float) -> KeyState | None:
        """The key a packet arrived under, unless unknown or a temporary key past its expiry (forgotten now)."""
        state = self._keys.get(key_id)
        if state is not None and state.expires_at is not None and state.expires_at <= now:
            self.remove(key_id)
            return None
        return state

    def all(self) -> list[KeyState]:
        return list(self._keys.values())

    def add(self, auth_key: bytes, server_salt: int, now: float, expires_at: int | None = None) -> KeyState:
        """Store a key fresh from the handshake (``expires_at``: a temporary key's); its first salt is the
        handshake's. Temporary keys that expired by ``now`` are forgotten first."""
        self.expire(now)
        key = AuthKey(auth_key)
        salts = ServerSalts(random=self._random, first=server_salt, now=now)
        state = KeyState(self.dc_id, key, salts, created=now)
        self._keys[key.key_id] = state
        self._set_expiry(state, expires_at)
        return state

    def bind(self, temp: KeyState, perm: KeyState, expires_at: int) -> None:
        """auth.bindTempAuthKey succeeded: ``temp`` acts for ``perm`` from now on (``perm``'s earlier
        temporary key no longer does) and expires at ``expires_at`` if that is sooner."""
        temp.bound_to = perm
        perm.temp_key_id = temp.key_id
        if temp.expires_at is None or expires_at < temp.expires_at:
            self._set_expiry(temp, expires_at)

    def expire(self, now: float | None = None) -> int:
        """Forget the temporary keys that expired by ``now`` (every temporary key: None). Returns how many."""
        if now is None:
            now = float("inf")
            self._expiries = [(0, s.key_id) for s in self._keys.values() if s.expires_at is not None]
        gone = 0
        while self._expiries and self._expiries[0][0] <= now:
            _, key_id = heapq.heappop(self._expiries)
            state = self._keys.get(key_id)
            if state is not None and state.expires_at is not None and state.expires_at <= now:
                self.remove(key_id)
                gone += 1
        return gone

    def _set_expiry(self, state: KeyState, expires_at: int | None) -> None:
        state.expires_at = expires_at
        if expires_at is not None:
            heapq.heappush(self._expiries, (expires_at, state.key_id))

    def remove(self, key_id: int) -> KeyState | None:
        """Forget a key and all its sessions (its next message gets -404)."""
        state = self._keys.pop(key_id, None)
        if state is not None:
            for session in state.sessions.values():
                session.alive = False
            state.sessions.clear()
            state.temp_key_id = None  # a permanent key's temporary key acts for nobody any more
        return state

    def session(self, key: KeyState, session_id: int) -> SessionState:
        """The session ``session_id`` of ``key``; an unknown one is new and not stored until :meth:`keep`."""
        state = key.sessions.get(session_id)
        if state is not None:
            key.sessions.move_to_end(session_id)
            return state
        session = ServerSession(
            key.auth_key,
            session_id,
            salts=key.salts,
            random=self._random,
            msg_ids=key.msg_ids,
            replay_floor=key.replay_floor,
            leniency=TELEGRAM_LENIENCY,
        )
        return SessionState(key, session)

    def keep(self, state: SessionState) -> None:
        """Store a new session once it has accepted a message (evicting the least recently used one)."""
        key = state.key
        if not state.session.created or state.session_id in key.sessions:
            return
        key.sessions[state.session_id] = state
        while len(key.sessions) > self.max_sessions:
            _, evicted = key.sessions.popitem(last=False)
            _forget(evicted)

    def destroy_session(self, key: KeyState, session_id: int) -> bool:
        """destroy_session: forget one session of ``key``; False if it was unknown."""
        state = key.sessions.pop(session_id, None)
        if state is None:
            return False
        _forget(state)
        return True


def _forget(state: SessionState) -> None:
    """A session is forgotten: the msg_ids it saw stay refused for sessions created after (``replay_floor``)."""
    state.alive = False
    key = state.key
    key.replay_floor = max(key.replay_floor, state.session.newest_msg_id)
