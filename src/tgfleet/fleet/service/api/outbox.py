"""``/v1/outbox``: send (``Idempotency-Key`` required: the outbox's idempotency key), list, show, cancel, retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tgfleet.fleet.outbox_records import Attempt, OutboxMessage, OutboxState
from tgfleet.fleet.service.api.common import Page, cut, errors, page_size
from tgfleet.fleet.service.auth import Operate, Read, Send
from tgfleet.fleet.service.state import service_of

router = APIRouter(prefix="/outbox", tags=["outbox"])
_KEY_HELP = "The same key and body: the same message (200); the same key with another body: 409."
MessageId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class SendBody(BaseModel):
    """A message to ``peer`` (username, phone or user id) from ``account`` (a label) or an account of ``pool``."""

    model_config = ConfigDict(extra="forbid")

    peer: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=16384)
    account: str | None = Field(default=None, min_length=1, max_length=64)
    pool: str | None = Field(default=None, min_length=1, max_length=64)
    not_before: float | None = Field(default=None, ge=0, le=1e11)
    deadline: float | None = Field(default=None, ge=0, le=1e11)

    @model_validator(mode="after")
    def one_sender(self) -> SendBody:
        if (self.account is None) == (self.pool is None):
            raise ValueError("give exactly one of account and pool")
        return self


class MessageDetail(BaseModel):
    message: OutboxMessage
    attempts: list[Attempt]


@router.post("", response_model=OutboxMessage, status_code=201, responses=errors(404, 409))
async def send(
    request: Request,
    response: Response,
    token: Send,
    body: SendBody,
    idempotency_key: Annotated[str, Header(min_length=1, max_length=256, description=_KEY_HELP)],
) -> OutboxMessage:
    """Store a message (``queued``, 201). A repeat with the same key and body answers the stored message (200)."""
    outbox = service_of(request).fleet.outbox
    message, created = await outbox.submit(peer=body.peer, text=body.text, account=body.account, pool=body.pool,
                                           idempotency_key=idempotency_key, not_before=body.not_before,
                                           deadline=body.deadline)  # fmt: skip
    if not created:
        response.status_code = 200
    return message


@router.get("", response_model=Page[OutboxMessage], responses=errors())
async def list_messages(
    request: Request,
    token: Read,
    state: OutboxState | None = None,
    account: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1, description="The id the previous page ended with.")] = None,
    limit: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> Page[OutboxMessage]:
    service = service_of(request)
    size = page_size(limit, service.settings.default_page, service.settings.max_page)
    found = await service.fleet.outbox.list(state=state, account=account, after=after, limit=size + 1)
    items, following = cut(found, size, lambda m: str(m.id))
    return Page[OutboxMessage](items=items, next=following)


@router.get("/{message_id}", response_model=MessageDetail, responses=errors(404))
async def show_message(request: Request, token: Read, message_id: MessageId) -> MessageDetail:
    outbox = service_of(request).fleet.outbox
    message = await outbox.get(message_id)
    return MessageDetail(message=message, attempts=await outbox.attempts(message_id))


@router.post("/{message_id}/cancel", response_model=OutboxMessage, responses=errors(404, 409))
async def cancel_message(request: Request, token: Operate, message_id: MessageId) -> OutboxMessage:
    """Never send it (from queued, retry_wait, held, unknown); 409 ``invalid_state`` otherwise."""
    return await service_of(request).fleet.outbox.cancel(message_id)


@router.post("/{message_id}/retry", response_model=OutboxMessage, responses=errors(404, 409))
async def retry_message(request: Request, token: Operate, message_id: MessageId) -> OutboxMessage:
    """Queue it again now (same random_id, same account); 409 ``invalid_state`` from a state that does not allow it."""
    return await service_of(request).fleet.outbox.retry(message_id)
