"""``GET /v1/events``: a server-sent event stream of every state change of accounts, outbox messages and login flows
(and of what a flow shows in the same state), in the order the store numbered them, as the change journal
(``tgfleet.fleet.changes``) records them.

Each event is ``event: <kind>`` (``account``, ``outbox``, ``login``), ``id: <position>`` and ``data:`` the change as
JSON (its own ``id`` among them). A client that reconnects with ``Last-Event-ID`` (browsers do it by themselves) or
``?after=`` resumes from there: the position never passes a change that may still commit, so nothing is missed; a
change may come twice after a reconnect (compare ``data.id``). Without either it starts with the changes after now.
Idle streams get a comment every ``event_keepalive`` seconds; every stream ends when the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from tgfleet.fleet.changes import Follower
from tgfleet.fleet.service.api.common import errors
from tgfleet.fleet.service.auth import Read
from tgfleet.fleet.service.errors import ApiError
from tgfleet.fleet.service.state import Service, service_of

router = APIRouter(tags=["events"])
Position = Annotated[int | None, Query(ge=0, le=2**63 - 1, description="Resume after this position.")]


@router.get("/events", responses={**errors(429), 200: {"content": {"text/event-stream": {}},
            "description": "The stream of changes."}}, response_class=StreamingResponse)  # fmt: skip
async def events(
    request: Request,
    token: Read,
    after: Position = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    service = service_of(request)
    start = after
    if last_event_id is not None:
        if not last_event_id.isdigit():
            raise ApiError(400, "bad_last_event_id", "Last-Event-ID must be a position this stream sent")
        start = int(last_event_id)
    if service.streams >= service.settings.max_streams:
        raise ApiError(429, "too_many_streams", f"{service.settings.max_streams} event streams are open already")
    if start is None:
        start = await service.fleet.changes.last_id()
    follower = Follower(service.fleet.changes, start, gap_wait=service.settings.gap_wait)
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(_stream(service, follower), media_type="text/event-stream", headers=headers)


async def _stream(service: Service, follower: Follower) -> AsyncIterator[str]:
    service.streams += 1
    settings = service.settings
    try:
        yield f"retry: 2000\nid: {follower.position}\n\n"
        idle = 0.0
        while not service.closing.is_set():
            found = await follower.poll()
            for change in found:
                data = json.dumps(dataclasses.asdict(change), separators=(",", ":"))
                yield f"event: {change.kind}\nid: {follower.position}\ndata: {data}\n\n"
            idle = 0.0 if found else idle + settings.event_poll
            if idle >= settings.event_keepalive:
                idle = 0.0
                yield ": keep-alive\n\n"
            if not found:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(service.closing.wait(), settings.event_poll)
    finally:
        service.streams -= 1
