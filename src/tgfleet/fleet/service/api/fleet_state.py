"""``/v1/leases`` and ``/v1/workers``: who holds what, and the workers' liveness."""

from __future__ import annotations

from fastapi import APIRouter, Request

from tgfleet.fleet import LeaseInfo, Worker
from tgfleet.fleet.service.api.common import errors
from tgfleet.fleet.service.auth import Read
from tgfleet.fleet.service.state import service_of

router = APIRouter(tags=["fleet"])


@router.get("/leases", response_model=list[LeaseInfo], responses=errors())
async def leases(request: Request, token: Read) -> list[LeaseInfo]:
    """Every lease: resource, account, holder (worker, host, pid), epoch, expiry, live."""
    return await service_of(request).fleet.leases.list()


@router.get("/workers", response_model=list[Worker], responses=errors())
async def workers(request: Request, token: Read) -> list[Worker]:
    """Every registered worker: host, pid, capacity, state, heartbeat, live, leases held."""
    return await service_of(request).fleet.workers.list()
