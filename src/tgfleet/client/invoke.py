"""``Invoker``: the call path of a client: remembered flood waits, rate limits, DC migration, flood-wait
retries, the permanent errors that end in FAILED, and every result handed on. Every call stays within its
timeout budget.

Its inputs are narrow: ``senders`` (the DC pool: a sender per DC, and moving the home DC), the client's rate
limiter and flood-wait memory (they outlive a connection), ``on_result`` (every call's result with the call as
the caller made it: the client caches its peers and feeds its updates, and the pts of its change, to the
updates machinery, so a raw ``invoke`` keeps pts in step as ``send_message`` does), ``user_id`` (who is logged
in, if anyone) and ``takeout_id`` (the client's takeout session, if any: every call goes wrapped in
``invokeWithTakeout``, https://core.telegram.org/api/takeout).

FLOOD_WAIT_X (and SLOWMODE_WAIT_X, FLOOD_PREMIUM_WAIT_X): X ≤ ``sleep_threshold`` and within the budget ->
sleep and retry; otherwise raise. The wait is remembered per method, so the next call of that method
waits (or raises) before it reaches the server again. Every wait is reported (``floods.py``).
PHONE/NETWORK/USER_MIGRATE_X move the home DC and repeat; FILE/STATS_MIGRATE_X repeat on DC X only (a
``media`` call on DC X's media sender of the same ``lane``: file transfers never use a main connection).
AUTH_KEY_UNREGISTERED, SESSION_REVOKED, USER_DEACTIVATED(_BAN) on a logged-in session and
AUTH_KEY_DUPLICATED always: the sender goes FAILED (no reconnect loop follows) and the error is raised.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from typing import Any, Protocol

from tgfleet import errors
from tgfleet.client.floods import FloodWaitEvent, FloodWaits
from tgfleet.client.ratelimit import RateLimiter
from tgfleet.errors import RequestTimeout, RPCError
from tgfleet.tl import TLFunction, functions, innermost

log = logging.getLogger("tgfleet.client")
MAX_MIGRATIONS = 3


class Callee(Protocol):
    """What the call path needs of a sender (``tgfleet.net.sender.Sender`` is one)."""

    async def invoke(self, function: TLFunction[Any], *, timeout: float) -> Any: ...

    def fail(self, reason: BaseException) -> None: ...


class Senders(Protocol):
    """What the call path needs of the DC pool (``tgfleet.client.dcs.DcPool`` is one)."""

    async def sender(self, dc_id: int | None, timeout: float, *, media: bool = False, lane: int = 0) -> Callee: ...

    async def switch_home(self, dc_id: int, timeout: float) -> None: ...


def method_name(query: TLFunction[Any]) -> str:
    """The TL name of the call inside any invokeWithLayer / initConnection / ... wrappers."""
    return str(innermost(query).QUALNAME)


def chat_key(query: TLFunction[Any]) -> bytes | None:
    """The target chat of a message-sending call, as a hashable key (for the per-chat limit)."""
    peer = getattr(query, "peer", None)
    return peer.to_bytes() if peer is not None and hasattr(peer, "to_bytes") else None


def _flood_types() -> tuple[type[RPCError], ...]:
    return (errors.FloodWait, errors.SlowmodeWait, errors.FloodPremiumWait)


def _permanent_types() -> tuple[type[RPCError], ...]:
    return (errors.AuthKeyUnregistered, errors.SessionRevoked, errors.UserDeactivated, errors.UserDeactivatedBan)


class Invoker:
    """``await invoker.invoke(query, timeout=..., sleep_threshold=..., dc_id=...)``."""

    __slots__ = ("floods", "limiter", "on_result", "senders", "takeout_id", "user_id")

    def __init__(
        self,
        senders: Senders,
        *,
        limiter: RateLimiter,
        floods: FloodWaits,
        on_result: Callable[[Any, TLFunction[Any]], None],
        user_id: Callable[[], int | None],
        takeout_id: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.senders = senders
        self.limiter = limiter
        self.floods = floods
        self.on_result = on_result
        self.user_id = user_id
        self.takeout_id = takeout_id

    async def invoke(
        self, query: TLFunction[Any], *, timeout: float, sleep_threshold: float, dc_id: int | None, media: bool = False,
        lane: int = 0,
    ) -> Any:  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        method = method_name(query)
        chat = chat_key(query) if self.limiter.per_chat(method) else None  # serialized only when it counts
        call = query
        if (takeout_id := self.takeout_id()) is not None:
            query = functions.InvokeWithTakeout(takeout_id=takeout_id, query=query)
        migrations = 0
        while True:
            await self._honour_remembered(method, deadline, sleep_threshold)
            await self._rate_limit(method, chat, deadline)
            sender = await self.senders.sender(dc_id, timeout=max(deadline - loop.time(), 0), media=media, lane=lane)
            try:
                result = await sender.invoke(query, timeout=max(deadline - loop.time(), 0))
            except _flood_types() as e:
                await self._server_flood(method, e, deadline, sleep_threshold)
                continue
            except (errors.PhoneMigrate, errors.NetworkMigrate, errors.UserMigrate) as e:
                migrations += 1
                if dc_id is not None or migrations > MAX_MIGRATIONS or e.value is None:
                    raise
                await self.senders.switch_home(e.value, timeout=max(deadline - loop.time(), 0))
                continue
            except (errors.FileMigrate, errors.StatsMigrate) as e:
                migrations += 1
                if migrations > MAX_MIGRATIONS or e.value is None:
                    raise
                dc_id = e.value
                continue
            except errors.AuthKeyDuplicated as e:
                sender.fail(e)
                raise
            except _permanent_types() as e:
                if dc_id is None and self.user_id() is not None:
                    sender.fail(e)
                raise
            self.on_result(result, call)
            return result

    async def _honour_remembered(self, method: str, deadline: float, threshold: float) -> None:
        loop = asyncio.get_running_loop()
        wait = self.floods.remaining(method, loop.time())
        if wait <= 0:
            return
        fits = wait <= threshold and loop.time() + wait < deadline
        self.floods.report(FloodWaitEvent(method, wait, fits, "remembered", f"FLOOD_WAIT_{math.ceil(wait)}"))
        if not fits:
            raise errors.FloodWait(math.ceil(wait))
        await asyncio.sleep(wait)

    async def _server_flood(self, method: str, e: RPCError, deadline: float, threshold: float) -> None:
        loop = asyncio.get_running_loop()
        seconds = float(e.value or 0)
        if not isinstance(e, errors.SlowmodeWait):  # slow mode holds back one chat, and only until an admin lifts it
            self.floods.remember(method, loop.time() + seconds)
        fits = seconds <= threshold and loop.time() + seconds < deadline
        self.floods.report(FloodWaitEvent(method, seconds, fits, "server", e.error_message))
        if not fits:
            raise e
        await asyncio.sleep(seconds)

    async def _rate_limit(self, method: str, chat: bytes | None, deadline: float) -> None:
        budget = deadline - asyncio.get_running_loop().time()
        try:
            waited = await self.limiter.acquire(method, chat, budget)
        except asyncio.TimeoutError:
            raise RequestTimeout(f"{method}: the rate limit would delay it past its timeout") from None
        if waited > 0.5:
            log.debug("%s waited %.2f s for the rate limit", method, waited)
