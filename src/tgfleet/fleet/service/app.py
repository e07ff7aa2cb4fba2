"""``create_app(fleet, settings=...)``: the service's ASGI app (FastAPI) on an open fleet.

The app serves the API (``/v1``), ``/healthz``, ``/readyz``, ``/metrics``, ``/login``, the OpenAPI document
(``/openapi.json``) and its docs (``/docs``); the dashboard adds its routers with ``app.include_router``. Every request
passes ``BodyLimits`` first; every error is JSON (``errors``). While it runs, the change journal is pruned every
``prune_every`` seconds. The fleet stays the caller's: the app never closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from fastapi import FastAPI

from tgfleet.errors import TgfleetError
from tgfleet.fleet import Fleet
from tgfleet.fleet.service import auth, dashboard, errors, health, metrics
from tgfleet.fleet.service.api import router as api_router
from tgfleet.fleet.service.body_limits import BodyLimits
from tgfleet.fleet.service.settings import ServiceSettings
from tgfleet.fleet.service.state import Service
from tgfleet.version import __version__

log = logging.getLogger("tgfleet.service")
DESCRIPTION = """The tgfleet fleet's HTTP API. Authenticate with `Authorization: Bearer <token>` (make one with
`tgfleet fleet token create --scope read|send|operate|admin`). Errors are `{"error": {"code", "message"}}`."""


def create_app(fleet: Fleet, *, settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pruning = asyncio.create_task(_prune(fleet, settings), name="tgfleet journal pruning")
        try:
            yield
        finally:
            pruning.cancel()
            await asyncio.gather(pruning, return_exceptions=True)

    app = FastAPI(title="tgfleet", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")  # fmt: skip
    app.state.service = Service(fleet, settings)
    errors.install(app)
    for router in (api_router, health.router, metrics.router, auth.router):
        app.include_router(router)
    dashboard.mount(app)
    app.add_middleware(BodyLimits, max_body=settings.max_body, max_json_depth=settings.max_json_depth)
    return app


async def _prune(fleet: Fleet, settings: ServiceSettings) -> None:
    while True:
        try:
            await fleet.changes.prune(time.time() - settings.retention)
        except TgfleetError as exc:
            log.warning("pruning the change journal failed (next try in %.0f s): %s", settings.prune_every, exc)
        await asyncio.sleep(settings.prune_every)
