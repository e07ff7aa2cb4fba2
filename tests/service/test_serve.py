"""The service under a real uvicorn on a loopback port: bodies bounded as they stream in (chunked, no length), a
lying Content-Length, every answer JSON; `tgfleet fleet api` refuses a bad --listen and warns about a public one."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.settings import ServiceSettings

from ..fleet.helpers import populate
from .helpers import ServiceProcess, on_loopback


async def chunks(size: int, piece: int = 4096) -> AsyncIterator[bytes]:
    for _ in range(size // piece):
        yield b" " * piece


async def test_bodies_bounded_on_the_wire(tmp_path: Path) -> None:
    settings = ServiceSettings(max_body=8192)
    async with Fleet.open(f"sqlite:///{tmp_path / 'f.db'}") as fleet, on_loopback(fleet, settings) as api:
        await populate(fleet, 1)
        headers = {**api.auth("send"), "Idempotency-Key": "k", "Content-Type": "application/json"}
        streamed = await api.client.post("/v1/outbox", content=chunks(64 * 1024), headers=headers)
        assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "body_too_large"
        # a declared length over the bound is answered before a byte of the body is read (httpx will not lie about
        # the length, so this one is written by hand)
        url = httpx.URL(str(api.client.base_url))
        reader, writer = await asyncio.open_connection(url.host, url.port)
        writer.write(b"POST /v1/outbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 99999999\r\n\r\n{")  # fmt: skip
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
        writer.close()
        assert status_line.split()[1] == b"413", status_line
        body = {"peer": "@x", "text": "t", "account": "acct0"}
        fine = await api.client.post("/v1/outbox", json=body, headers=headers)
        assert fine.status_code == 201, fine.text
        listed = await api.client.get("/v1/accounts", headers=api.auth("read"))
        assert [a["label"] for a in listed.json()["items"]] == ["acct0"]


async def test_api_command_listen(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'f.db'}"
    bad = await asyncio.create_subprocess_exec(sys.executable, "-m", "tgfleet.cli", "fleet", "api", "--store", store,
                                               "--listen", "nowhere", stderr=asyncio.subprocess.PIPE)  # fmt: skip
    _, err = await bad.communicate()
    assert bad.returncode == 2 and b"HOST:PORT" in err
    async with Fleet.open(store):
        pass
    service = await ServiceProcess.start("api", "--store", store, "--listen", "0.0.0.0:0")
    try:
        port = service.url.rsplit(":", 1)[1]
        async with httpx.AsyncClient(timeout=30) as client:
            assert (await client.get(f"http://127.0.0.1:{port}/readyz")).json()["status"] == "ready"
        service.proc.send_signal(signal.SIGTERM)
        assert await service.exited() == 0
        assert service.proc.stderr is not None
        assert b"warning: listening on 0.0.0.0" in await service.proc.stderr.read()
    finally:
        await service.close()
