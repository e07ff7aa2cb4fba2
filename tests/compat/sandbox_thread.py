"""A sandbox serving on loopback from a thread of its own, so scripts in other processes can use it while the
tests (synchronous) drive it: ``call(fn, ...)`` runs a control function on the sandbox's loop and returns its
result, ``run(coro)`` awaits a coroutine there."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from tgfleet.sandbox import Sandbox

T = TypeVar("T")
TIMEOUT = 60.0


class SandboxThread:
    """``Sandbox(**options)`` running in a daemon thread until ``close()``."""

    def __init__(self, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready: concurrent.futures.Future[Sandbox] = concurrent.futures.Future()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, args=(options,), name="compat-sandbox", daemon=True)
        self._thread.start()
        self.tg = self._ready.result(TIMEOUT)
        self.code_listeners: dict[str, Callable[[str], None]] = {}
        """phone (digits) -> what gets each login code the sandbox issues for it (called on the sandbox's loop)."""
        self.call(setattr, self.tg.world.codes, "on_issue", self._issued)

    def _issued(self, login: Any) -> None:
        listener = self.code_listeners.get(login.phone)
        if listener is not None:
            listener(login.code)

    def _main(self, options: dict[str, Any]) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve(options))
        self._loop.close()

    async def _serve(self, options: dict[str, Any]) -> None:
        self._stop = asyncio.Event()
        try:
            async with Sandbox(**options) as tg:
                self._ready.set_result(tg)
                await self._stop.wait()
        except BaseException as e:
            if not self._ready.done():
                self._ready.set_exception(e)
            raise

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        async def call() -> T:
            return fn(*args, **kwargs)

        return self.run(call())

    def close(self) -> None:
        stop = self._stop
        if stop is not None:
            self._loop.call_soon_threadsafe(stop.set)
        self._thread.join(TIMEOUT)
