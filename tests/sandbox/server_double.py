"""A test double of the world (the other half of the sandbox), for the network-side tests.

It implements :class:`~tgfleet.sandbox.contract.WorldAPI` with a handful of handlers; tests log keys in by
writing ``world.users[auth_key_id] = user_id`` and add handlers to ``world.handlers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tgfleet import errors
from tgfleet.sandbox.contract import CallContext, MethodHandler, MethodResult, Pusher
from tgfleet.tl import TLObject, functions, types


@dataclass
class DoubleWorld:
    users: dict[int, int] = field(default_factory=dict)
    """auth_key_id -> user_id (what ``user_of`` answers)."""
    new_users: set[int] = field(default_factory=set)
    home: dict[int, int] = field(default_factory=dict)
    handlers: dict[type, MethodHandler] = field(default_factory=dict)
    calls: list[tuple[CallContext, Any]] = field(default_factory=list)
    delivery: Pusher | None = None
    revoked: list[int] = field(default_factory=list)
    _sent: int = 0

    def __post_init__(self) -> None:
        self.handlers.setdefault(functions.users.GetUsers, self._get_users)
        self.handlers.setdefault(functions.messages.SendMessage, self._send_message)
        self.handlers.setdefault(functions.help.GetAppConfig, self._echo_context)

    # --- WorldAPI --------------------------------------------------------------------------------
    def handler(self, function_type: type) -> MethodHandler | None:
        return self.handlers.get(function_type)

    def user_of(self, auth_key_id: int) -> int | None:
        return self.users.get(auth_key_id)

    def is_new_account(self, user_id: int) -> bool:
        return user_id in self.new_users

    def home_dc(self, user_id: int) -> int:
        return self.home.get(user_id, 2)

    def revoke(self, auth_key_id: int) -> None:
        self.revoked.append(auth_key_id)
        self.users.pop(auth_key_id, None)

    def set_delivery(self, delivery: Pusher) -> None:
        self.delivery = delivery

    # --- handlers --------------------------------------------------------------------------------
    def _authorized(self, ctx: CallContext, request: Any) -> int:
        self.calls.append((ctx, request))
        if ctx.user_id is None:
            raise errors.AuthKeyUnregistered()
        return ctx.user_id

    async def _get_users(self, ctx: CallContext, request: Any) -> MethodResult:
        user_id = self._authorized(ctx, request)
        return [types.UserEmpty(id=user_id) for _ in request.id]

    async def _send_message(self, ctx: CallContext, request: Any) -> MethodResult:
        """Sends to ``request.peer``'s user (InputPeerUser) and pushes it to the recipient's sessions and
        to the sender's other keys."""
        user_id = self._authorized(ctx, request)
        self._sent += 1
        date = int(ctx.now)
        peer = getattr(request.peer, "user_id", user_id)
        update = types.UpdateShortMessage(
            id=self._sent, user_id=user_id, message=request.message, pts=self._sent, pts_count=1, date=date
        )
        if self.delivery is not None:
            for user in {peer, user_id}:  # the sender's own key got its answer instead
                self.delivery.push(user, update, except_auth_key_id=ctx.auth_key_id)
        return types.UpdateShortSentMessage(out=True, id=self._sent, pts=self._sent, pts_count=1, date=date)

    async def _echo_context(self, ctx: CallContext, request: Any) -> MethodResult:
        """help.getAppConfig answers with the call context in a JSON object (for context assertions)."""
        self.calls.append((ctx, request))
        fields = {"dc_id": ctx.dc_id, "user_id": ctx.user_id or 0, "layer": ctx.layer, "updates": int(ctx.updates)}
        value = types.JsonObject(
            value=[types.JsonObjectValue(key=k, value=types.JsonNumber(value=float(v))) for k, v in fields.items()]
        )
        return types.help.AppConfig(hash=0, config=value)


def context_of(answer: TLObject) -> dict[str, int]:
    """The call context ``help.getAppConfig`` reported."""
    config: Any = answer
    return {item.key: int(item.value.value) for item in config.config.value}
