"""``Service``: what every route of one app reads (the fleet handle, the settings, small per-process memos)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request

from tgfleet.fleet import Fleet
from tgfleet.fleet.service.settings import ServiceSettings


@dataclass
class Service:
    fleet: Fleet
    settings: ServiceSettings
    token_used: dict[int, float] = field(default_factory=dict)  # token id -> when its use was last recorded
    streams: int = 0  # event streams open now
    closing: asyncio.Event = field(default_factory=asyncio.Event)  # set when the server stops: event streams end


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service
