"""The fault-injection control API of :class:`~tgfleet.sandbox.server.Sandbox` (a mixin).

Each method changes what real clients see on the wire: connections dropped, answers delayed or held,
keys revoked, calls answered with forced errors (FLOOD_WAIT_X, *_MIGRATE_X, anything), salts rotated
(bad_server_salt), the server clock skewed (bad_msg_notification 16/17). State lives in ``faults.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tgfleet.sandbox.connection import ServerConnection
from tgfleet.sandbox.context import DcState, ServerContext
from tgfleet.sandbox.contract import WorldAPI

if TYPE_CHECKING:
    from tgfleet.sandbox.accounts import SandboxUser
    from tgfleet.sandbox.mailbox import SandboxDialog, SandboxMessage
    from tgfleet.sandbox.world import World

MIGRATE_KINDS = ("USER", "PHONE", "FILE", "NETWORK", "STATS")


class FaultControls:
    """Mixed into ``Sandbox``; expects ``_dcs``, ``_ctx``, ``world`` and ``now``."""

    _dcs: dict[int, DcState]
    _ctx: ServerContext
    world: WorldAPI
    now: Callable[[], float]

    def _select(self, dc: int | None) -> list[DcState]:
        return [self._dcs[d] for d in self._ctx.faults.select(dc)]

    def connections(self, dc: int | None = None) -> list[ServerConnection]:
        """The open connections (of one DC, or of all)."""
        return [c for state in self._select(dc) for c in state.connections if not c.closed]

    def drop_connections(self, dc: int | None = None, user_id: int | None = None) -> int:
        """Close connections now (of ``dc``; of ``user_id``: those that used one of its keys). Returns how many."""
        victims = self.connections(dc)
        if user_id is not None:
            victims = [c for c in victims if any(self.world.user_of(k) == user_id for k in c.keys_seen)]
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
            self.world.revoke(auth_key_id)
            return 1
        keys = {k.key_id for state in self._dcs.values() for k in state.keys.all()}
        victims = [k for k in keys if self.world.user_of(k) == user_id]
        for key_id in victims:
            self.world.revoke(key_id)
        return len(victims)

    def force_error(self, method_type: type, code: int, message: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method_type`` (e.g. ``functions.messages.SendMessage``) are answered
        ``rpc_error(code, message)`` instead of being handled."""
        self._ctx.faults.force(method_type, code, message, times)

    def force_flood(self, method_type: type, seconds: int, times: int = 1) -> None:
        """The next ``times`` calls of ``method_type`` get 420 FLOOD_WAIT_<seconds>."""
        self.force_error(method_type, 420, f"FLOOD_WAIT_{int(seconds)}", times)

    def force_migrate(self, method_type: type, dc: int, kind: str = "USER", times: int = 1) -> None:
        """The next ``times`` calls of ``method_type`` get 303 <kind>_MIGRATE_<dc> (USER, PHONE, FILE, ...)."""
        kind = kind.upper()
        if kind not in MIGRATE_KINDS:
            raise ValueError(f"kind must be one of {MIGRATE_KINDS}")
        self._ctx.faults.select(dc)
        self.force_error(method_type, 303, f"{kind}_MIGRATE_{dc}", times)

    def rotate_salts(self, dc: int | None = None) -> None:
        """Replace every auth key's salts now: the next message with an old salt gets bad_server_salt."""
        now = self.now()
        for state in self._select(dc):
            for key in state.keys.all():
                key.salts.rotate(now)

    def skew_clock(self, seconds: float) -> None:
        """Set the server clock's offset. msg_id checks, server msg_ids, salts and ``CallContext.now`` use it:
        a skew beyond +300 s makes clients' msg_ids too old (bad_msg_notification 16), beyond -30 s too new
        (17), and the client resynchronizes. Server msg_ids never decrease, so a negative skew shows on keys
        created after it (existing keys keep numbering from their latest msg_id)."""
        self._ctx.faults.skew = float(seconds)

    def clear_faults(self) -> None:
        """Switch every fault off (thaw, no latency, no forced errors, no drop-after, no skew)."""
        self._ctx.faults.clear()
        for state in self._dcs.values():
            for conn in state.connections:
                conn.drop_after = None


class WorldShortcuts:
    """Mixed into ``Sandbox``: the world's most used control methods (``tg.world`` has them all)."""

    world: WorldAPI

    def _world(self) -> World:
        from tgfleet.sandbox.world import World

        if not isinstance(self.world, World):
            raise TypeError(f"this sandbox runs a custom world ({type(self.world).__name__}); use tg.world")
        return self.world

    def add_user(
        self,
        phone: str,
        first_name: str = "",
        last_name: str = "",
        username: str | None = None,
        password: str | None = None,
        dc: int | None = None,
        *,
        hint: str | None = None,
        new_account: bool = False,
    ) -> SandboxUser:
        """Register an account (see ``World.add_user``); ``password`` turns on 2FA."""
        world = self._world()
        return world.add_user(phone, first_name, last_name, username, password, dc, hint=hint, new_account=new_account)

    def login_code(self, phone: str) -> str:
        """The live login code auth.sendCode produced for ``phone``."""
        return self._world().login_code(phone)

    def messages_of(self, user_id: int, peer_id: int | None = None) -> list[SandboxMessage]:
        """Every message in ``user_id``'s box (or only the chat with ``peer_id``), oldest first."""
        return self._world().messages_of(user_id, peer_id)

    def dialogs_of(self, user_id: int) -> list[SandboxDialog]:
        """``user_id``'s chats, the most recent first."""
        return self._world().dialogs_of(user_id)
