"""The versioned JSON API under ``/v1`` (``router``): accounts, outbox, leases and workers, the event stream.
The logins' routes (``logins``) are added by the lead beside these, mapping the ``LoginError`` family through
``service.errors.register``."""

from __future__ import annotations

from fastapi import APIRouter

from tgfleet.fleet.service.api import accounts, events, fleet_state, outbox

router = APIRouter(prefix="/v1")
for _module in (accounts, outbox, fleet_state, events):
    router.include_router(_module.router)
