"""The seam between the sandbox's network side and its world.

The network side (``server.py``, ``connection.py``, ``dispatch.py``, ``faults.py``, ``server_limits.py``,
``flood.py``) speaks MTProto: it accepts connections, runs handshakes and sessions, unwraps ``invokeWithLayer`` /
``initConnection`` / ``invokeWithoutUpdates`` / ``invokeAfterMsg(s)``, applies limits and faults, and calls
the world's handler for the inner function with a :class:`CallContext`. The world (``world.py``,
``services/``) owns accounts, codes, authorizations, chats, messages and update sequences, answers API
calls, and hands updates for online users back through :class:`Pusher`.

Handlers return the result object (or pre-serialized bytes for results that are not boxed objects, e.g.
``Vector<long>``; a ``list`` of TL objects is serialized as a boxed Vector, a ``bool`` as Bool) and raise
``tgfleet.errors.RPCError`` subclasses (``errors.PhoneNumberInvalid()``, ``errors.FloodWait(5)``) for
errors; the dispatcher turns those into ``rpc_error`` with the error's ``code`` and ``ID``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tgfleet.tl import TLObject

MethodResult = TLObject | bytes | bool | list[Any]
"""What a :data:`MethodHandler` returns (the dispatcher serializes it into the ``rpc_result``)."""


@dataclass
class CallContext:
    """Everything a handler may know about the call it answers."""

    dc_id: int
    """The DC whose listener received the call (1-based)."""
    auth_key_id: int
    """The permanent auth key's id (signed int64)."""
    session_id: int
    user_id: int | None
    """The account this auth key is logged in as (``None`` before sign-in)."""
    api_id: int
    """From ``initConnection`` of this auth key."""
    layer: int
    now: float
    """The server clock (unix seconds), after any skew the faults apply."""
    updates: bool = True
    """False under ``invokeWithoutUpdates``: this session must not be subscribed to updates."""
    device_model: str = ""
    system_version: str = ""
    app_version: str = ""
    """What ``initConnection`` of this auth key said about the app (the sessions list shows it)."""
    takeout_id: int | None = None
    """The ``invokeWithTakeout`` the call came wrapped in (https://core.telegram.org/api/takeout), if any."""


MethodHandler = Callable[[CallContext, Any], Awaitable[MethodResult]]
"""The handler of one API method: ``async def handler(ctx, request) -> MethodResult``; raises RPCError
subclasses."""


class Pusher(Protocol):
    """What the network side offers the world for pushing updates to online sessions."""

    def push(self, user_id: int, updates: TLObject, *, except_auth_key_id: int | None = None) -> None:
        """Push ``updates`` (an ``Updates`` constructor) to every online, subscribed session of ``user_id``
        (except those of ``except_auth_key_id``, typically the sender's own key, which got its answer)."""
        ...

    def push_key(self, auth_key_id: int, updates: TLObject) -> None:
        """Push ``updates`` to the latest online session of a key that is not logged in (``updateLoginToken`` to
        the key that exported a QR login token)."""
        ...


class WorldAPI(Protocol):
    """What the network side needs from the world."""

    def handler(self, function_type: type) -> MethodHandler | None:
        """The handler of an API function class, or ``None`` if the sandbox does not implement it."""
        ...

    def user_of(self, auth_key_id: int) -> int | None:
        """The user an auth key is logged in as (``None``: not authorized or revoked)."""
        ...

    def is_new_account(self, user_id: int) -> bool:
        """True for accounts created recently (the stricter rate-limit profile applies)."""
        ...

    def home_dc(self, user_id: int) -> int: ...

    def revoke(self, auth_key_id: int) -> None:
        """Forget the authorization of ``auth_key_id``: its next authorized call gets AUTH_KEY_UNREGISTERED."""
        ...

    def set_delivery(self, delivery: Pusher) -> None: ...
