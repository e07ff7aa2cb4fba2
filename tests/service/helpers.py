"""Pieces of the service tests: an app on an open fleet with one token per scope, called in process (httpx's ASGI
transport) or through a real uvicorn on a loopback port, and the service as a child process (``tgfleet fleet serve``
/ ``api``) whose first line names its port."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.app import create_app
from tgfleet.fleet.service.server import ServiceRun
from tgfleet.fleet.service.settings import ServiceSettings
from tgfleet.net.timeouts import within

TIMEOUT = 60.0
SCOPES = ("read", "send", "operate", "admin")


@dataclass
class Api:
    client: httpx.AsyncClient
    tokens: dict[str, str]

    def auth(self, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[scope]}"}


async def make_tokens(fleet: Fleet) -> dict[str, str]:
    return {scope: (await fleet.tokens.create(scope))[0] for scope in SCOPES}


@asynccontextmanager
async def in_process(fleet: Fleet, settings: ServiceSettings | None = None) -> AsyncIterator[Api]:
    """The app called in process (no sockets): for the many small requests of the input tests."""
    app = create_app(fleet, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tgfleet.test", timeout=TIMEOUT) as client:
        yield Api(client, await make_tokens(fleet))


@asynccontextmanager
async def on_loopback(fleet: Fleet, settings: ServiceSettings | None = None) -> AsyncIterator[Api]:
    """The app under a real uvicorn on 127.0.0.1 (a free port), stopped gracefully at the end."""
    listening: asyncio.Future[tuple[str, int]] = asyncio.get_running_loop().create_future()
    run = ServiceRun(fleet, "127.0.0.1", 0, settings=settings,
                     on_listening=lambda host, port: listening.set_result((host, port)))  # fmt: skip
    task = asyncio.create_task(run.run())
    try:
        host, port = await within(asyncio.shield(listening), TIMEOUT)
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=TIMEOUT) as client:
            yield Api(client, await make_tokens(fleet))
    finally:
        run.stop()
        await within(task, TIMEOUT)


class ServiceProcess:
    """``tgfleet fleet serve|api ...`` in a child process; ``url`` once it printed where it listens."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc, self.url = proc, ""

    @classmethod
    async def start(cls, *args: str) -> ServiceProcess:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tgfleet.cli", "fleet", *args,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                    env=env)  # fmt: skip
        service = cls(proc)
        assert proc.stdout is not None
        line = (await within(proc.stdout.readline(), TIMEOUT)).decode()
        found = re.search(r"listening on (http://\S+)", line)
        if found is None:
            assert proc.stderr is not None
            raise AssertionError(f"no 'listening on' line: {line!r}; {(await proc.stderr.read()).decode()}")
        service.url = found.group(1)
        return service

    async def exited(self) -> int:
        return await within(self.proc.wait(), TIMEOUT)

    async def close(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()
