"""``FaultInjector``: the sandbox's fault controls, a part of :class:`~tgfleet.sandbox.server.Sandbox`.

Each method changes what real clients see on the wire: connections dropped, answers delayed or held,
keys revoked, calls answered with forced errors (FLOOD_WAIT_X, *_MIGRATE_X, anything), salts rotated
(bad_server_salt), the server clock skewed (bad_msg_notification 16/17). The state it switches lives in
``faults.py``, where the connections (latency, freeze, drop-after counts) and the dispatcher (forced
errors) consult it. ``Sandbox`` forwards its fault methods (``tg.freeze(2)``, ...) here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tgfleet.sandbox.connection import ServerConnection
from tgfleet.sandbox.context import DcState
from tgfleet.sandbox.contract import WorldAPI
from tgfleet.sandbox.faults import Faults

MIGRATE_KINDS = ("USER", "PHONE", "FILE", "NETWORK", "STATS")


class FaultInjector:
    """Switches faults on and off: over the DCs (their connections, keys and connection faults), the
    fault state (forced errors, clock skew), the world (who a key is, revocation) and the server clock."""

    def __init__(self, dcs: Mapping[int, DcState], faults: Faults, world: WorldAPI, now: Callable[[], float]) -> None:
        self._dcs = dcs
        self._faults = faults
        self._world = world
        self._now = now

    def _select(self, dc: int | None) -> list[DcState]:
        return [self._dcs[d] for d in self._faults.select(dc)]

    def connections(self, dc: int | None = None) -> list[ServerConnection]:
        """The open connections (of one DC, or of all)."""
        return [c for state in self._select(dc) for c in state.connections if not c.closed]

    def drop_connections(self, dc: int | None = None, user_id: int | None = None) -> int:
        """Close connections now (of ``dc``; of ``user_id``: those that used one of its keys). Returns how many."""
        victims = self.connections(dc)
        if user_id is not None:
            victims = [c for c in victims if any(self._world.user_of(k) == user_id for k in c.keys_seen)]
        for conn in victims:
            conn.abort("drop_connections fault")
        return len(victims)

    def drop_after(self, n_messages: int | None, dc: int | None = None, *, sticky: bool = False) -> None:
        """Close each open connection after ``n_messages`` more incoming packets (the last one is handled,
        its answers are lost with the connection). ``sticky``: connections opened later too, until
        ``drop_after(None)`` or ``clear_faults()``."""
        if n_messages is not None and n_messages < 1:
            raise ValueError("n_messages must be at least 1")
        for state in self._select(dc):
            for conn in state.connections:
                conn.drop_after = n_messages
            if sticky or n_messages is None:
                state.faults.drop_after = n_messages

    def set_latency(self, seconds: float, dc: int | None = None) -> None:
        """Hold every outgoing packet back ``seconds`` (0 switches it off)."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        for state in self._select(dc):
            state.faults.latency = seconds

    def freeze(self, dc: int | None = None) -> None:
        """The DC keeps accepting connections and reading requests but sends nothing until ``thaw``."""
        for state in self._select(dc):
            state.faults.thawed.clear()

    def thaw(self, dc: int | None = None) -> None:
        """Undo ``freeze``: everything held back goes out now."""
        for state in self._select(dc):
            state.faults.thawed.set()

    def revoke(self, user_id: int | None = None, auth_key_id: int | None = None) -> int:
        """The world forgets authorizations (one key, or every key of ``user_id``): the next authorized
        call on them gets 401 AUTH_KEY_UNREGISTERED. Returns how many keys were revoked."""
        if (user_id is None) == (auth_key_id is None):
            raise ValueError("pass exactly one of user_id and auth_key_id")
        if auth_key_id is not None:
            self._world.revoke(auth_key_id)
            return 1
        keys = {k.key_id for state in self._dcs.values() for k in state.keys.all()}
        victims = [k for k in keys if self._world.user_of(k) == user_id]
        for key_id in victims:
            self._world.revoke(key_id)
        return len(victims)

    def force_error(
        self, method_type: type, code: int, message: str, times: int = 1, user_id: int | None = None
    ) -> None:
        """The next ``times`` calls of ``method_type`` (e.g. ``functions.messages.SendMessage``; by ``user_id``
        only, when given) are answered ``rpc_error(code, message)`` instead of being handled."""
        self._faults.force(method_type, code, message, times, user_id)

    def force_flood(self, method_type: type, seconds: int, times: int = 1, user_id: int | None = None) -> None:
        """The next ``times`` calls of ``method_type`` (by ``user_id`` only, when given) get 420
        FLOOD_WAIT_<seconds>."""
        self.force_error(method_type, 420, f"FLOOD_WAIT_{int(seconds)}", times, user_id)

    def force_migrate(self, method_type: type, dc: int, kind: str = "USER", times: int = 1) -> None:
        """The next ``times`` calls of ``method_type`` get 303 <kind>_MIGRATE_<dc> (USER, PHONE, FILE, ...)."""
        kind = kind.upper()
        if kind not in MIGRATE_KINDS:
            raise ValueError(f"kind must be one of {MIGRATE_KINDS}")
        self._faults.select(dc)
        self.force_error(method_type, 303, f"{kind}_MIGRATE_{dc}", times)

    def rotate_salts(self, dc: int | None = None) -> None:
        """Replace every auth key's salts now: the next message with an old salt gets bad_server_salt."""
        now = self._now()
        for state in self._select(dc):
            for key in state.keys.all():
                key.salts.rotate(now)

    def skew_clock(self, seconds: float) -> None:
        """Set the server clock's offset. msg_id checks, server msg_ids, salts and ``CallContext.now`` use it:
        a skew beyond +300 s makes clients' msg_ids too old (bad_msg_notification 16), beyond -30 s too new
        (17), and the client resynchronizes. Server msg_ids never decrease, so a negative skew shows on keys
        created after it (existing keys keep numbering from their latest msg_id)."""
        self._faults.skew = float(seconds)

    def clear_faults(self) -> None:
        """Switch every fault off (thaw, no latency, no forced errors, no drop-after, no skew)."""
        self._faults.clear()
        for state in self._dcs.values():
            for conn in state.connections:
                conn.drop_after = None
