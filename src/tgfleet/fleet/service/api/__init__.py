"""The versioned JSON API under ``/v1`` (``router``): accounts, outbox, logins, leases and workers, the event
stream."""

from __future__ import annotations

from fastapi import APIRouter

from tgfleet.fleet.service.api import accounts, events, fleet_state, logins, outbox

router = APIRouter(prefix="/v1")
for _module in (accounts, outbox, logins, fleet_state, events):
    router.include_router(_module.router)
