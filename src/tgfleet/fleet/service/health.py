"""``/healthz`` (the process answers) and ``/readyz`` (the store answers and its schema is this tgfleet's), for load
balancers and orchestrators: no token needed, nothing about the fleet shown."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tgfleet.errors import TgfleetError
from tgfleet.fleet.service.api.common import ErrorBody
from tgfleet.fleet.service.errors import respond
from tgfleet.fleet.service.state import service_of
from tgfleet.fleet.store import SCHEMA_VERSION
from tgfleet.fleet.store.schema import read_version

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"model": ErrorBody, "description": "Not ready: the store or its schema."}})
async def readyz(request: Request) -> Any:
    store = service_of(request).fleet.store
    try:
        async with store.transaction(readonly=True) as tx:
            version = await read_version(tx)
    except (TgfleetError, OSError) as exc:
        return respond(503, "store_unavailable", f"the store does not answer: {exc}")
    if version != SCHEMA_VERSION:
        return respond(503, "schema_mismatch", f"the store's schema is version {version}, this tgfleet's"
                       f" {SCHEMA_VERSION} (run `tgfleet fleet init`)")  # fmt: skip
    return JSONResponse({"status": "ready", "schema_version": version})
