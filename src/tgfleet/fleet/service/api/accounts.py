"""``/v1/accounts``: list (filters, pages), show (with its recent events), import a session string, disable, enable,
check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tgfleet.fleet import AccountState, Event
from tgfleet.fleet.service.api.common import AccountOut, Page, cut, errors, page_size
from tgfleet.fleet.service.auth import Operate, Read
from tgfleet.fleet.service.errors import ApiError
from tgfleet.fleet.service.state import service_of

router = APIRouter(prefix="/accounts", tags=["accounts"])
Label = Annotated[str, Path(min_length=1, max_length=64, description="The account's label.")]


class SessionOut(BaseModel):
    """One session of the account as account.getAuthorizations listed it (no ip, region or hash)."""

    current: bool = Field(description="The fleet's own session.")
    unconfirmed: bool = Field(description="A new login waiting for confirmation.")
    device_model: str
    platform: str
    api_id: int
    app_name: str
    app_version: str
    date_created: int
    date_active: int
    country: str


class SessionsOut(BaseModel):
    listed_at: float = Field(description="When the probe listed them.")
    count: int = Field(description="How many sessions there were (at most 100 are kept).")
    sessions: list[SessionOut]


class AccountDetail(AccountOut):
    authorizations: SessionsOut | None = Field(
        description="The account's sessions as the last probe that listed them found them (None: never listed)."
    )
    events: list[Event] = Field(description="The account's last events, oldest first (with the raw errors).")


class ImportBody(BaseModel):
    """A session string (Pyrogram, Telethon or tgfleet's own), never a path."""

    model_config = ConfigDict(extra="forbid")

    session: str = Field(min_length=1, max_length=4096)
    label: str | None = Field(default=None, min_length=1, max_length=64)
    pool: str = Field(default="default", min_length=1, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    proxy: str | None = Field(default=None, max_length=512)


class DisableBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


@router.get("", response_model=Page[AccountOut], responses=errors())
async def list_accounts(
    request: Request,
    token: Read,
    pool: Annotated[str | None, Query(max_length=64)] = None,
    state: AccountState | None = None,
    after: Annotated[str | None, Query(max_length=64, description="The label the previous page ended with.")] = None,
    limit: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> Page[AccountOut]:
    service = service_of(request)
    size = page_size(limit, service.settings.default_page, service.settings.max_page)
    found = await service.fleet.accounts.list(pool=pool, state=state, after=after, limit=size + 1)
    items, following = cut(found, size, lambda a: a.label)
    return Page[AccountOut].model_validate({"items": items, "next": following}, from_attributes=True)


@router.post("", status_code=201, response_model=AccountOut, responses=errors(409))
async def import_account(request: Request, token: Operate, body: ImportBody) -> AccountOut:
    """Import a session string as a new account (state ``new``)."""
    account = await service_of(request).fleet.accounts.import_session(
        body.session, label=body.label, pool=body.pool, phone=body.phone, proxy=body.proxy, files=False
    )
    return AccountOut.of(account)


@router.get("/{label}", response_model=AccountDetail, responses=errors(404))
async def show_account(
    request: Request, token: Read, label: Label, events: Annotated[int, Query(ge=0, le=200)] = 50
) -> AccountDetail:
    fleet = service_of(request).fleet
    account = await fleet.accounts.get(label)
    recent = await fleet.accounts.events(account.id, limit=events) if events else []
    listed = await fleet.accounts.sessions(account.id)
    sessions = None if listed is None else SessionsOut.model_validate(listed, from_attributes=True)
    return AccountDetail(**AccountOut.of(account).model_dump(), authorizations=sessions, events=recent)


@router.post("/{label}/disable", response_model=AccountOut, responses=errors(404))
async def disable_account(
    request: Request, token: Operate, label: Label, body: DisableBody | None = None
) -> AccountOut:
    fleet = service_of(request).fleet
    return AccountOut.of(await fleet.accounts.disable(label, reason=body.reason if body else None))


@router.post("/{label}/enable", response_model=AccountOut, responses=errors(404))
async def enable_account(request: Request, token: Operate, label: Label) -> AccountOut:
    return AccountOut.of(await service_of(request).fleet.accounts.enable(label))


@router.post("/{label}/check", responses=errors(404, 409))
async def check_account(request: Request, token: Operate, label: Label) -> dict[str, Any]:
    """Lease the account briefly and probe it as a worker does (409 ``lease_held`` while a worker holds it)."""
    service = service_of(request)
    await service.fleet.accounts.get(label)
    if service.settings.check is None:
        raise ApiError(409, "check_unavailable", "this API process has no Telegram to reach (start it with"
                       " --sandbox-info or --api-id/--api-hash)")  # fmt: skip
    return await service.settings.check(service.fleet, label)
