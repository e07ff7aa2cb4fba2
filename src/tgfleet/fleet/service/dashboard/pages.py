"""The dashboard's pages (GET): accounts, one account, the outbox with its send form, workers and leases."""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tgfleet.fleet import AccountState
from tgfleet.fleet.errors import AccountNotFound
from tgfleet.fleet.outbox_records import CANCELLABLE, RETRYABLE
from tgfleet.fleet.service.dashboard import rows
from tgfleet.fleet.service.dashboard.render import page
from tgfleet.fleet.service.dashboard.session import viewer
from tgfleet.fleet.service.state import service_of
from tgfleet.fleet.tokens import TokenInfo

router = APIRouter(include_in_schema=False)
Viewer = Annotated[TokenInfo, Depends(viewer("read"))]


async def journal_position(request: Request) -> int:
    """The change journal's position before the page reads anything: the page's script follows the event stream
    from there, so no change between this read and the stream's start is missed."""
    return await service_of(request).fleet.changes.last_id()


Position = Annotated[int, Depends(journal_position)]
PAGE = 1000  # rows of one accounts or outbox page
Filter = Annotated[str | None, Query(max_length=32)]
Label = Annotated[str | None, Query(max_length=64)]


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/accounts", status_code=303)


@router.get("/accounts")
async def accounts(request: Request, who: Viewer, at: Position, state: Filter = None, pool: Label = None,
                   after: Label = None) -> HTMLResponse:  # fmt: skip
    fleet, now = service_of(request).fleet, time.time()
    shown = rows.choice(state, rows.ACCOUNT_FILTERS)
    found = await fleet.accounts.list(pool=pool or None, state=shown, after=after or None, limit=PAGE + 1)
    listed = await rows.account_rows(fleet, found[:PAGE], now)
    more = listed[-1].account.label if len(found) > PAGE else None
    return page(request, "accounts.html", rows=listed, state=shown or "all", pool=pool or "", next=more,
                choices=rows.ACCOUNT_FILTERS, now=now, who=who, position=at)  # fmt: skip


@router.get("/accounts/{label}")
async def account(
    request: Request, who: Viewer, at: Position, label: Annotated[str, Path(max_length=64)]
) -> HTMLResponse:
    fleet, now = service_of(request).fleet, time.time()
    try:
        found = await fleet.accounts.get(label)
    except AccountNotFound:
        return page(request, "missing.html", status=404, what=f"account {label}", who=who, position=at)
    [row] = await rows.account_rows(fleet, [found], now)
    events = await fleet.accounts.events(found.id, limit=200)
    messages = await fleet.outbox.list(account=found.label, limit=PAGE)
    return page(request, "account.html", row=row, a=found, events=events, now=now, who=who, position=at,
                reason=rows.pause_reason(events, found.state) if found.state is not AccountState.ACTIVE else None,
                sessions=await fleet.accounts.sessions(found.id), messages=messages[-50:])  # fmt: skip


@router.get("/outbox")
async def outbox(request: Request, who: Viewer, at: Position, state: Filter = None, account: Label = None,
                 after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
                 notice: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:  # fmt: skip
    fleet = service_of(request).fleet
    shown = rows.choice(state, rows.STATE_FILTERS)
    found = await fleet.outbox.list(state=shown, account=account or None, after=after, limit=PAGE + 1)
    more = found[PAGE - 1].id if len(found) > PAGE else None
    return page(request, "outbox.html", messages=found[:PAGE], state=shown or "all", account=account or "",
                next=more, choices=rows.STATE_FILTERS, notice=notice, key=secrets.token_urlsafe(16), who=who,
                position=at, cancellable={s.value for s in CANCELLABLE},
                retryable={s.value for s in RETRYABLE})  # fmt: skip


@router.get("/workers")
async def workers(request: Request, who: Viewer, at: Position) -> HTMLResponse:
    fleet = service_of(request).fleet
    return page(request, "workers.html", workers=await fleet.workers.list(), leases=await fleet.leases.list(),
                who=who, position=at)  # fmt: skip
