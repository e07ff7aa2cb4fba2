"""``run_service``: the app under uvicorn on ``host:port``, optionally with a worker in the same process, until
``stop()`` (the CLI wires SIGTERM and Ctrl-C to it).

Stopping is graceful: the server stops accepting, event streams end, requests in flight get
``graceful_timeout`` seconds, and the worker (if any) drains: every account is handed back so other workers take
them at once. Signals are the caller's (uvicorn's own handlers would re-raise the signal and end the process before
the worker has drained).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import uvicorn

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.app import create_app
from tgfleet.fleet.service.settings import ServiceSettings
from tgfleet.fleet.service.state import Service

if TYPE_CHECKING:
    from tgfleet.fleet.worker import Worker

log = logging.getLogger("tgfleet.service")


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6) -> (host, port); ValueError naming what is wrong."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--listen must be HOST:PORT (e.g. 127.0.0.1:8080), got {text!r}")
    return host.strip("[]"), int(port)


def is_public(host: str) -> bool:
    """Whether ``host`` listens beyond this machine (every interface, or a non-loopback address)."""
    return host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127.")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the caller's handlers call ServiceRun.stop()


class ServiceRun:
    """One run of the service; ``await run()``, ``stop()`` from a signal handler, ``address`` once it listens."""

    def __init__(
        self,
        fleet: Fleet,
        host: str,
        port: int,
        *,
        settings: ServiceSettings | None = None,
        worker: Worker | None = None,
        graceful_timeout: float = 5.0,
        on_listening: Callable[[str, int], None] | None = None,
    ) -> None:
        self.app = create_app(fleet, settings=settings)
        config = uvicorn.Config(self.app, host=host, port=port, lifespan="on", access_log=False, log_config=None,
                                timeout_graceful_shutdown=int(max(1, graceful_timeout)))  # fmt: skip
        self._server = _Server(config)
        self._worker, self._on_listening = worker, on_listening
        self.address: tuple[str, int] | None = None
        self._stops = 0

    def stop(self) -> None:
        """The first call stops gracefully; a second one stops at once (no waiting for requests, the worker stops
        without draining: its leases expire)."""
        self._stops += 1
        service: Service = self.app.state.service
        service.closing.set()
        self._server.should_exit = True
        if self._stops > 1:
            self._server.force_exit = True
        if self._worker is not None:
            self._worker.drain() if self._stops == 1 else self._worker.stop_now()

    async def run(self) -> None:
        serving = asyncio.create_task(self._server.serve(), name="tgfleet service")
        working = None if self._worker is None else asyncio.create_task(self._worker.run(), name="tgfleet worker")
        announce = asyncio.create_task(self._announce())
        try:
            pending = [t for t in (serving, working) if t is not None]
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if working is not None and working in done and not self._server.should_exit:
                log.error("the worker ended; stopping the service")
            self.stop() if self._stops == 0 else None
            await asyncio.gather(*pending)
        finally:
            announce.cancel()

    async def _announce(self) -> None:
        while not self._server.started:
            await asyncio.sleep(0.05)
        sockets = [s for server in self._server.servers for s in server.sockets]
        host, port = sockets[0].getsockname()[:2]
        self.address = (str(host), int(port))
        if self._on_listening is not None:
            self._on_listening(*self.address)
