"""The dashboard's forms (POST, each with its CSRF token): send a message, retry or cancel one. Each answers with a
redirect back to the outbox (303: a reload never posts twice) carrying a notice of what happened."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse

from tgfleet.fleet.errors import FleetError
from tgfleet.fleet.service.dashboard.render import back
from tgfleet.fleet.service.dashboard.session import form_of, viewer
from tgfleet.fleet.service.state import service_of
from tgfleet.fleet.tokens import TokenInfo

router = APIRouter(include_in_schema=False)
MessageId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_LIMITS = {"account": 64, "peer": 64, "text": 16384, "key": 256}


def _back(notice: str, message_id: int | None = None) -> RedirectResponse:
    return back("/outbox", notice, f"m{message_id}" if message_id is not None else "")


@router.post("/outbox/send")
async def send(request: Request, who: Annotated[TokenInfo, Depends(viewer("send"))]) -> RedirectResponse:
    """The send form: ``account``, ``peer``, ``text`` and the form's own idempotency ``key`` (drawn when the page
    was rendered, so posting the same form twice stores one message)."""
    form = await form_of(request)
    values = {name: form.get(name, "").strip() for name in _LIMITS}
    missing = [name for name, value in values.items() if not value]
    too_long = [name for name, most in _LIMITS.items() if len(values[name]) > most]
    if missing or too_long:
        return _back(f"not sent: {'missing ' + ', '.join(missing) if missing else 'too long: ' + ', '.join(too_long)}")
    try:
        message, created = await service_of(request).fleet.outbox.submit(
            peer=values["peer"], text=form.get("text", ""), account=values["account"],
            idempotency_key=f"dashboard:{values['key']}")  # fmt: skip
    except FleetError as exc:
        return _back(f"not sent: {exc}")
    return _back(f"message {message.id} queued" if created else f"message {message.id} was queued already",
                 message.id)  # fmt: skip


@router.post("/outbox/{message_id}/{action}")
async def act(request: Request, who: Annotated[TokenInfo, Depends(viewer("operate"))], message_id: MessageId,
              action: Annotated[str, Path(pattern="^(retry|cancel)$")]) -> RedirectResponse:  # fmt: skip
    await form_of(request)
    outbox = service_of(request).fleet.outbox
    try:
        message = await (outbox.retry(message_id) if action == "retry" else outbox.cancel(message_id))
    except FleetError as exc:
        return _back(f"not done: {exc}", message_id)
    return _back(f"message {message.id} {'queued again' if action == 'retry' else 'cancelled'}", message.id)
