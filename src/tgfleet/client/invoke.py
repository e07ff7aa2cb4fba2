"""The call path of a client: remembered flood waits, rate limits, DC migration, flood-wait retries and
the permanent errors that end in FAILED. Every call stays within its timeout budget.

FLOOD_WAIT_X (and SLOWMODE_WAIT_X, FLOOD_PREMIUM_WAIT_X): X ≤ ``sleep_threshold`` and within the budget ->
sleep and retry; otherwise raise. The wait is remembered per method, so the next call of that method
waits (or raises) before it reaches the server again. Every wait is reported (log + ``on_flood_wait``).
PHONE/NETWORK/USER_MIGRATE_X move the home DC and repeat; FILE/STATS_MIGRATE_X repeat on DC X only.
AUTH_KEY_UNREGISTERED, SESSION_REVOKED, USER_DEACTIVATED(_BAN) on a logged-in session and
AUTH_KEY_DUPLICATED always: the client goes FAILED (no reconnect loop follows) and the error is raised.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tgfleet import errors
from tgfleet.client.ratelimit import RateLimiter, RateLimits
from tgfleet.errors import RequestTimeout, RPCError
from tgfleet.tl import TLFunction

if TYPE_CHECKING:
    from tgfleet.client.core import ClientCore as Client

log = logging.getLogger("tgfleet.client")
MAX_MIGRATIONS = 3


@dataclass(frozen=True)
class FloodWaitEvent:
    """A wait that held a call back. ``source``: "server" (a FLOOD_WAIT answer) or "remembered" (a wait
    the server asked for earlier, honoured before sending). ``slept``: False when it was raised instead."""

    method: str
    seconds: float
    slept: bool
    source: str
    error: str


def method_name(query: TLFunction[Any]) -> str:
    """The TL name of the call inside any invokeWithLayer / initConnection / ... wrappers."""
    inner: Any = query
    while hasattr(inner, "query") and isinstance(inner.query, TLFunction):
        inner = inner.query
    return str(inner.QUALNAME)


def _flood_types() -> tuple[type[RPCError], ...]:
    return (errors.FloodWait, errors.SlowmodeWait, errors.FloodPremiumWait)


def _permanent_types() -> tuple[type[RPCError], ...]:
    return (errors.AuthKeyUnregistered, errors.SessionRevoked, errors.UserDeactivated, errors.UserDeactivatedBan)


class Invoker:
    def __init__(self, client: Client, limits: RateLimits, on_flood_wait: Callable[[FloodWaitEvent], None] | None):
        self.client = client
        self.limiter = RateLimiter(limits)
        self.on_flood_wait = on_flood_wait
        self._flood_until: dict[str, float] = {}

    async def invoke(self, query: TLFunction[Any], *, timeout: float, sleep_threshold: float, dc_id: int | None) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        method = method_name(query)
        chat = _chat_key(query) if self.limiter.per_chat(method) else None  # serialized only when it counts
        migrations = 0
        while True:
            await self._honour_remembered(method, deadline, sleep_threshold)
            await self._rate_limit(method, chat, deadline)
            sender = await self.client.dcs.sender(dc_id, timeout=max(deadline - loop.time(), 0))
            try:
                result = await sender.invoke(query, timeout=max(deadline - loop.time(), 0))
                self.client._remember_peers(result)
                return result
            except _flood_types() as e:
                await self._server_flood(method, e, deadline, sleep_threshold)
            except (errors.PhoneMigrate, errors.NetworkMigrate, errors.UserMigrate) as e:
                migrations += 1
                if dc_id is not None or migrations > MAX_MIGRATIONS or e.value is None:
                    raise
                await self.client.dcs.switch_home(e.value, timeout=max(deadline - loop.time(), 0))
            except (errors.FileMigrate, errors.StatsMigrate) as e:
                migrations += 1
                if migrations > MAX_MIGRATIONS or e.value is None:
                    raise
                dc_id = e.value
            except errors.AuthKeyDuplicated as e:
                sender.fail(e)
                raise
            except _permanent_types() as e:
                if dc_id is None and self.client.storage is not None and self.client.storage.get_user_id():
                    sender.fail(e)
                raise

    async def _honour_remembered(self, method: str, deadline: float, threshold: float) -> None:
        loop = asyncio.get_running_loop()
        wait = self._flood_until.get(method, 0.0) - loop.time()
        if wait <= 0:
            return
        fits = wait <= threshold and loop.time() + wait < deadline
        self._report(FloodWaitEvent(method, wait, fits, "remembered", f"FLOOD_WAIT_{math.ceil(wait)}"))
        if not fits:
            raise errors.FloodWait(math.ceil(wait))
        await asyncio.sleep(wait)

    async def _server_flood(self, method: str, e: RPCError, deadline: float, threshold: float) -> None:
        loop = asyncio.get_running_loop()
        seconds = float(e.value or 0)
        self._flood_until[method] = loop.time() + seconds
        fits = seconds <= threshold and loop.time() + seconds < deadline
        self._report(FloodWaitEvent(method, seconds, fits, "server", e.ID))
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

    def _report(self, event: FloodWaitEvent) -> None:
        action = "sleeping" if event.slept else "raising FloodWait"
        log.warning("%s: %s (%s), %s %.1f s", event.method, event.error, event.source, action, event.seconds)
        if self.on_flood_wait is not None:
            try:
                self.on_flood_wait(event)
            except Exception:
                log.exception("on_flood_wait callback failed")


def _chat_key(query: TLFunction[Any]) -> bytes | None:
    """The target chat of a message-sending call, as a hashable key (for the per-chat limit)."""
    peer = getattr(query, "peer", None)
    return peer.to_bytes() if peer is not None and hasattr(peer, "to_bytes") else None
