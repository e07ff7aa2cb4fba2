"""``Takeouts``: takeout sessions (https://core.telegram.org/api/takeout), at most one per auth key.

``account.initTakeoutSession`` (logged in) opens one and answers ``account.takeout`` with its id; a new one
replaces the key's earlier one. A call wrapped in ``invokeWithTakeout`` (``dispatch.py`` peels it off and
asks :meth:`Takeouts.check`) whose id is not the key's open session gets 400 ``TAKEOUT_INVALID``.
``account.finishTakeoutSession`` must come wrapped in the session it finishes (else 403 ``TAKEOUT_REQUIRED``);
the id is invalid from then on. The network side owns this state, as it owns the layer a key announced: it is
per key, not per account.

With ``Limits.takeout_delay`` set, an account's first init starts its wait: until it is over, every init is
answered 420 ``TAKEOUT_INIT_DELAY_X`` (X: the seconds left, rounded up), and after it the account's inits are
granted at once (Telegram documents the error, not its length or when it applies again; this is per account,
since Telegram's notice goes to all of the account's devices).

Not modelled: what the init's flags allow a session to fetch, and the methods that work only inside a takeout
session (``inputTakeoutFileLocation``, ``channels.getLeftChannels``...).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from tgfleet import errors
from tgfleet.errors import rpc_error
from tgfleet.sandbox.contract import CallContext, MethodHandler
from tgfleet.tl import functions
from tgfleet.tl.types import account as t_account


class Takeouts:
    """``check(ctx)`` for a wrapped call; ``handlers()`` answers the init and the finish."""

    __slots__ = ("_clock", "_delay", "_open", "_random", "_waits")

    def __init__(
        self, random: Callable[[int], bytes], *, delay: float = 0.0, clock: Callable[[], float] = time.time
    ) -> None:
        self._random = random
        self._delay, self._clock = delay, clock
        self._open: dict[int, int] = {}  # auth key id -> its takeout session's id (one entry per key at most)
        self._waits: dict[int, float] = {}  # user id -> when its first takeout may start (only with a delay)

    def check(self, ctx: CallContext) -> None:
        """A call wrapped in ``invokeWithTakeout``: TAKEOUT_INVALID unless its id is the key's open session."""
        if ctx.takeout_id is not None and self._open.get(ctx.auth_key_id) != ctx.takeout_id:
            raise rpc_error(400, "TAKEOUT_INVALID")

    def handlers(self) -> dict[type, MethodHandler]:
        return {functions.account.InitTakeoutSession: self._init, functions.account.FinishTakeoutSession: self._finish}

    async def _init(self, ctx: CallContext, request: Any) -> t_account.Takeout:
        if ctx.user_id is None:
            raise errors.AuthKeyUnregistered()
        if self._delay:  # Limits checked it is not negative
            now = self._clock()
            left = self._waits.setdefault(ctx.user_id, now + self._delay) - now
            if left > 0:
                raise rpc_error(420, f"TAKEOUT_INIT_DELAY_{math.ceil(left)}")
        takeout_id = self._open[ctx.auth_key_id] = int.from_bytes(self._random(8), "little", signed=True)
        return t_account.Takeout(id=takeout_id)

    async def _finish(self, ctx: CallContext, request: Any) -> bool:
        if ctx.takeout_id is None:
            raise rpc_error(403, "TAKEOUT_REQUIRED")
        del self._open[ctx.auth_key_id]  # check() has seen it is the open one
        return True
