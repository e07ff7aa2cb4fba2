"""From an API call to its answer: unwrap, check the connection init, rate limits, faults, the handler.

https://core.telegram.org/api/invoking (``docs/protocol.md`` §9). The wrappers ``invokeAfterMsg(s)``,
``invokeWithLayer``, ``initConnection``, ``invokeWithoutUpdates`` and ``invokeWithTakeout`` are peeled off in any
order; the layer and the ``initConnection`` parameters are remembered per auth key, a takeout id is checked
(``takeouts.py``, which also answers the takeout session's init and finish). A key whose client never sent
``initConnection`` gets ``CONNECTION_NOT_INITED``; an unknown or too old layer
``CONNECTION_LAYER_INVALID``; another ``api_id`` than the sandbox's ``API_ID_INVALID``. Calls run one at a
time per connection, in the order they arrived, which is all ``invokeAfterMsg`` needs here. A call on a
bound temporary key acts for its permanent key (https://core.telegram.org/api/pfs: ``CallContext.auth_key_id``
is that key's); on a temporary key not bound (yet, or any more) only the methods of :data:`UNBOUND_METHODS`
are answered, the rest get ``AUTH_KEY_PERM_EMPTY``.

Then: the per-account rate limits (``FLOOD_WAIT_X``), forced errors (fault injection), and the handler —
the network side's own (``help.getConfig``...) first, then the world's. A method nobody implements gets
``400 METHOD_NOT_IMPLEMENTED_IN_SANDBOX``; a handler that raises something other than ``RPCError`` is
logged and answered ``500 INTERNAL_SERVER_ERROR``; one that runs too long ``-503 Timeout``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tgfleet import errors
from tgfleet.errors import RPCError, rpc_error
from tgfleet.net.timeouts import within
from tgfleet.sandbox.contract import CallContext, MethodHandler, WorldAPI
from tgfleet.sandbox.faults import Faults
from tgfleet.sandbox.flood import FloodGuard
from tgfleet.sandbox.keys import ClientInfo, KeyState
from tgfleet.sandbox.takeouts import Takeouts
from tgfleet.tl import LAYER, TLFunction, TLObject, functions
from tgfleet.tl.core.writer import BOOL_FALSE, BOOL_TRUE, write_vector_int, write_vector_long, write_vector_object

log = logging.getLogger("tgfleet.sandbox")

MIN_LAYER = 150
"""The oldest layer the sandbox accepts in ``invokeWithLayer`` (it speaks :data:`~tgfleet.tl.LAYER`)."""
NOT_IMPLEMENTED = (400, "METHOD_NOT_IMPLEMENTED_IN_SANDBOX")
INTERNAL = (500, "INTERNAL_SERVER_ERROR")
TIMEOUT = (-503, "Timeout")

CallReply = TLObject | bytes | RPCError | tuple[int, str]
"""The answer to one call, as ``ServerSession.reply`` takes it."""

_WRAPPERS = (
    functions.InvokeAfterMsg,
    functions.InvokeAfterMsgs,
    functions.InvokeWithLayer,
    functions.InitConnection,
    functions.InvokeWithoutUpdates,
    functions.InvokeWithMessagesRange,  # the sandbox's one range holds every message (messages.getSplitRanges)
    functions.InvokeWithTakeout,
)
_MAX_WRAPPERS = 8
UNBOUND_METHODS = (functions.help.GetConfig, functions.help.GetNearestDc)
"""What a temporary key may call before it is bound (besides auth.bindTempAuthKey, answered in ``inbound``)."""


@dataclass
class Unwrapped:
    """An API call without its wrappers, and what the wrappers said."""

    query: TLFunction[Any]
    layer: int | None = None
    init: functions.InitConnection[Any] | None = None
    updates: bool = True
    takeout_id: int | None = None


def unwrap(obj: TLObject) -> Unwrapped:
    """Peel the invoke/init wrappers off ``obj``; RPCError 400 if what is left is no API function."""
    layer: int | None = None
    init: functions.InitConnection[Any] | None = None
    updates = True
    takeout_id: int | None = None
    for _ in range(_MAX_WRAPPERS):
        if not isinstance(obj, _WRAPPERS):
            break
        if isinstance(obj, functions.InvokeWithLayer):
            layer = obj.layer
        elif isinstance(obj, functions.InitConnection):
            init = obj
        elif isinstance(obj, functions.InvokeWithoutUpdates):
            updates = False
        elif isinstance(obj, functions.InvokeWithTakeout):
            takeout_id = obj.takeout_id
        obj = obj.query
    if isinstance(obj, _WRAPPERS) or not isinstance(obj, TLFunction):
        raise rpc_error(400, "INPUT_METHOD_INVALID")
    if str(obj.QUALNAME).startswith("upload."):
        updates = False  # file queries never subscribe (https://core.telegram.org/method/invokeWithoutUpdates)
    return Unwrapped(obj, layer, init, updates, takeout_id)


def record_connection(key: KeyState, call: Unwrapped, api_id: int) -> ClientInfo:
    """Check and remember ``invokeWithLayer`` / ``initConnection``; CONNECTION_NOT_INITED without them."""
    if call.layer is not None:
        if not MIN_LAYER <= call.layer <= LAYER:
            raise rpc_error(400, "CONNECTION_LAYER_INVALID")
        key.layer = call.layer
    init = call.init
    if init is not None:
        if init.api_id != api_id:
            raise rpc_error(400, "API_ID_INVALID")
        for value, error in (
            (init.device_model, "CONNECTION_DEVICE_MODEL_EMPTY"),
            (init.system_version, "CONNECTION_SYSTEM_EMPTY"),
            (init.app_version, "CONNECTION_APP_VERSION_EMPTY"),
        ):
            if not value:
                raise rpc_error(400, error)
        key.client = ClientInfo(
            init.api_id,
            init.device_model,
            init.system_version,
            init.app_version,
            init.system_lang_code,
            init.lang_pack,
            init.lang_code,
        )
    if key.client is None:
        raise rpc_error(400, "CONNECTION_NOT_INITED")
    return key.client


def to_reply(request: TLFunction[Any], result: Any) -> TLObject | bytes:
    """A handler's answer as a boxed result: TLObject / bytes as is, bool -> Bool, list -> Vector."""
    if isinstance(result, bool):
        return BOOL_TRUE if result else BOOL_FALSE
    if isinstance(result, TLObject):
        return result
    if isinstance(result, bytes | bytearray):
        return bytes(result)
    if isinstance(result, list):
        out = bytearray()
        if result and all(isinstance(x, int) for x in result):
            kind = getattr(request, "_RESULT", "")
            (write_vector_int if kind == "Vector<int>" else write_vector_long)(out, result)
        else:
            write_vector_object(out, result)
        return bytes(out)
    raise TypeError(f"a handler of {type(request).__name__} returned {type(result).__name__}")


class CallDispatcher:
    """Answers API calls for every connection of the sandbox."""

    def __init__(
        self,
        *,
        world: WorldAPI,
        api_id: int,
        limiter: FloodGuard,
        faults: Faults,
        handlers: dict[type, MethodHandler],
        limit_clock: Callable[[], float],
        call_timeout: float,
        takeouts: Takeouts,
    ) -> None:
        self.world = world
        self.api_id = api_id
        self.limiter = limiter
        self.faults = faults
        self.takeouts = takeouts
        self.handlers = {**handlers, **takeouts.handlers()}
        self._limit_clock = limit_clock
        self.call_timeout = call_timeout

    def handler(self, method: type) -> MethodHandler | None:
        return self.handlers.get(method) or self.world.handler(method)

    async def call(
        self, dc_id: int, key: KeyState, session_id: int, obj: TLObject, now: float
    ) -> tuple[CallReply, CallContext | None]:
        """The answer to one call (never raises but CancelledError) and its context, if it got that far."""
        ctx: CallContext | None = None
        try:
            call = unwrap(obj)
            client = record_connection(key, call, self.api_id)
            if key.temporary and not key.bound and not isinstance(call.query, UNBOUND_METHODS):
                raise errors.AuthKeyPermEmpty()
            user_id = self.world.user_of(key.acts_for)
            ctx = CallContext(
                dc_id=dc_id,
                auth_key_id=key.acts_for,
                session_id=session_id,
                user_id=user_id,
                api_id=client.api_id,
                layer=key.layer if key.layer is not None else LAYER,
                now=now,
                updates=call.updates,
                device_model=client.device_model,
                system_version=client.system_version,
                app_version=client.app_version,
                takeout_id=call.takeout_id,
            )
            self.takeouts.check(ctx)
            return await self._run(ctx, call.query), ctx
        except RPCError as e:
            return e, ctx
        except Exception:
            log.exception("dc%d: the handler of %s failed", dc_id, _name(obj))
            return INTERNAL, ctx

    async def _run(self, ctx: CallContext, query: TLFunction[Any]) -> CallReply:
        method = type(query)
        new = ctx.user_id is not None and self.world.is_new_account(ctx.user_id)
        self.limiter.check(
            method, user_id=ctx.user_id, auth_key_id=ctx.auth_key_id, new_account=new, now=self._limit_clock()
        )
        forced = self.faults.take_forced(method, ctx.user_id)
        if forced is not None:
            return forced.code, forced.message
        handler = self.handler(method)
        if handler is None:
            log.info("dc%d: %s is not implemented in the sandbox", ctx.dc_id, method.QUALNAME)
            return NOT_IMPLEMENTED
        try:
            result = await within(handler(ctx, query), self.call_timeout)
        except asyncio.TimeoutError:
            log.warning("dc%d: %s took longer than %s s", ctx.dc_id, method.QUALNAME, self.call_timeout)
            return TIMEOUT
        return to_reply(query, result)


def _name(obj: TLObject) -> str:
    while isinstance(obj, _WRAPPERS):
        obj = obj.query
    return getattr(obj, "QUALNAME", type(obj).__name__)
