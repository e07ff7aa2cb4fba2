"""``Takeouts``: takeout sessions (https://core.telegram.org/api/takeout), at most one per auth key.

``account.initTakeoutSession`` (logged in) opens one and answers ``account.takeout`` with its id; a new one
replaces the key's earlier one. A call wrapped in ``invokeWithTakeout`` (``dispatch.py`` peels it off and
asks :meth:`Takeouts.check`) whose id is not the key's open session gets 400 ``TAKEOUT_INVALID``.
``account.finishTakeoutSession`` must come wrapped in the session it finishes (else 403 ``TAKEOUT_REQUIRED``);
the id is invalid from then on. The network side owns this state, as it owns the layer a key announced: it is
per key, not per account.

Not modelled: ``TAKEOUT_INIT_DELAY_X`` (Telegram documents the error, not when it applies: a fresh session
gets one init at once here), what the init's flags allow a session to fetch, and the methods that work only
inside a takeout session (``inputTakeoutFileLocation``, ``channels.getLeftChannels``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgfleet import errors
from tgfleet.errors import rpc_error
from tgfleet.sandbox.contract import CallContext, MethodHandler
from tgfleet.tl import functions
from tgfleet.tl.types import account as t_account


class Takeouts:
    """``check(ctx)`` for a wrapped call; ``handlers()`` answers the init and the finish."""

    __slots__ = ("_open", "_random")

    def __init__(self, random: Callable[[int], bytes]) -> None:
        self._random = random
        self._open: dict[int, int] = {}  # auth key id -> its takeout session's id (one entry per key at most)

    def check(self, ctx: CallContext) -> None:
        """A call wrapped in ``invokeWithTakeout``: TAKEOUT_INVALID unless its id is the key's open session."""
        if ctx.takeout_id is not None and self._open.get(ctx.auth_key_id) != ctx.takeout_id:
            raise rpc_error(400, "TAKEOUT_INVALID")

    def handlers(self) -> dict[type, MethodHandler]:
        return {functions.account.InitTakeoutSession: self._init, functions.account.FinishTakeoutSession: self._finish}

    async def _init(self, ctx: CallContext, request: Any) -> t_account.Takeout:
        if ctx.user_id is None:
            raise errors.AuthKeyUnregistered()
        takeout_id = self._open[ctx.auth_key_id] = int.from_bytes(self._random(8), "little", signed=True)
        return t_account.Takeout(id=takeout_id)

    async def _finish(self, ctx: CallContext, request: Any) -> bool:
        if ctx.takeout_id is None:
            raise rpc_error(403, "TAKEOUT_REQUIRED")
        del self._open[ctx.auth_key_id]  # check() has seen it is the open one
        return True
