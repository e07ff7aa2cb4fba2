"""``FleetClient``: a ``tgfleet.Client`` whose session is a storage it is given (a leased account's
``FencedStorage``) instead of a session file or memory: ``Client(..., storage=...)``; and, with ``observer``, one
that tells the fleet the outcome of every call it makes (every API method goes through ``invoke``), so the account's
own traffic shows its health (``account_health``); with ``counters``, every call counted by method and error and
timed (``Counters.rpc``: the metrics). Everything else is the Client as it is."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tgfleet.client import Client
from tgfleet.fleet.counters import Counters
from tgfleet.storage import Storage
from tgfleet.tl import TLFunction

R = TypeVar("R")
Observer = Callable[[TLFunction[Any], BaseException | None], Awaitable[None]]
"""``await observer(query, error)`` after each call (``error`` None when it worked); it must not raise."""


class FleetClient(Client):
    """``FleetClient(storage, name, api_id=..., api_hash=..., network=..., observer=..., counters=..., ...)``: the other
    options are Client's."""

    def __init__(
        self,
        storage: Storage,
        name: str,
        *,
        observer: Observer | None = None,
        counters: Counters | None = None,
        **options: Any,
    ) -> None:
        super().__init__(name, storage=storage, **options)
        self._observer, self._counters = observer, counters

    async def invoke(
        self,
        query: TLFunction[R],
        *,
        timeout: float | None = None,
        sleep_threshold: float | None = None,
        dc_id: int | None = None,
        media: bool = False,
        lane: int = 0,
    ) -> R:
        call = super().invoke(
            query, timeout=timeout, sleep_threshold=sleep_threshold, dc_id=dc_id, media=media, lane=lane
        )
        if self._observer is None and self._counters is None:
            return await call
        started = time.perf_counter()
        try:
            result = await call
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._seen(query, exc, started)
            raise
        await self._seen(query, None, started)
        return result

    async def _seen(self, query: TLFunction[Any], error: Exception | None, started: float) -> None:
        if self._counters is not None:
            self._counters.rpc(str(getattr(query, "QUALNAME", type(query).__name__)), error,
                               time.perf_counter() - started)  # fmt: skip
        if self._observer is not None:
            await self._observer(query, error)
