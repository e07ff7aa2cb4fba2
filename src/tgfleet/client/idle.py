"""``tgfleet.idle()`` and ``tgfleet.compose(clients)`` (Pyrogram's): wait for SIGINT/SIGTERM; run several
clients until then. Both work awaited, or called outside a running loop (the synchronous style: they run on
this thread's loop, where such clients live)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Any

from tgfleet.client.sync import run_on, running_loop, thread_loop

log = logging.getLogger("tgfleet.client")
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def idle() -> Any:
    """Wait until the process gets SIGINT (Ctrl-C) or SIGTERM, then return (the handlers keep running
    meanwhile). ``await idle()`` in a coroutine; ``idle()`` alone in the synchronous style."""
    coro = _idle()
    return coro if running_loop() is not None else run_on(thread_loop(), coro)


async def _idle() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    previous = {s: signal.getsignal(s) for s in SIGNALS}

    def received(signum: int, _: Any) -> None:
        log.info("%s received; stopping", signal.Signals(signum).name)
        loop.call_soon_threadsafe(stop.set)

    for s in SIGNALS:
        signal.signal(s, received)  # (not loop.add_signal_handler: it exists on Unix loops only)
    log.info("idle: waiting for SIGINT or SIGTERM")
    try:
        await stop.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def compose(clients: Sequence[Any], sequential: bool = False) -> Any:
    """Start every client (at once, or one after the other with ``sequential``), ``idle()``, then stop them."""
    coro = _compose(list(clients), sequential)
    return coro if running_loop() is not None else run_on(thread_loop(), coro)


async def _compose(clients: list[Any], sequential: bool) -> None:
    if sequential:
        for c in clients:
            await c.start()
    else:
        await asyncio.gather(*(c.start() for c in clients))
    try:
        await _idle()
    finally:
        if sequential:
            for c in clients:
                await c.stop()
        else:
            await asyncio.gather(*(c.stop() for c in clients))
