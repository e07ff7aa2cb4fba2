"""The dashboard's logins page (``/logins``): start a code or QR login, type the code (or have it sent again), the 2FA
password and a new account's name (a number with no account yet), watch the QR code refresh
(``/v1/logins/{id}/qr.svg``, reloaded with the page's live region on every ``login`` event), cancel.
Forms post back here with the CSRF token and answer with a redirect carrying a notice (303: a reload never posts
twice). The password goes to ``fleet.logins.submit_password`` (its one-time proof is made here) and is never stored.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tgfleet.fleet.errors import FleetError
from tgfleet.fleet.service.dashboard.pages import Position, Viewer
from tgfleet.fleet.service.dashboard.render import back, page
from tgfleet.fleet.service.dashboard.session import form_of, viewer
from tgfleet.fleet.service.state import service_of
from tgfleet.fleet.tokens import TokenInfo

router = APIRouter(include_in_schema=False)
Operator = Annotated[TokenInfo, Depends(viewer("operate"))]
LoginId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_LIMITS = {"phone": 32, "method": 4, "label": 64, "pool": 64, "code": 32, "password": 1024, "first_name": 256,
           "last_name": 256}  # fmt: skip


def _back(notice: str, login_id: int | None = None) -> RedirectResponse:
    return back("/logins", notice, f"l{login_id}" if login_id is not None else "")


def _fields(form: dict[str, str], names: tuple[str, ...]) -> dict[str, str] | str:
    """The named fields, or a notice saying which one is missing or too long."""
    values = {name: form.get(name, "").strip() if name != "password" else form.get(name, "") for name in names}
    too_long = [name for name in names if len(values[name]) > _LIMITS[name]]
    return f"too long: {', '.join(too_long)}" if too_long else values


@router.get("/logins")
async def logins(request: Request, who: Viewer, at: Position,
                 notice: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:  # fmt: skip
    flows = await service_of(request).fleet.logins.list(limit=200)
    return page(request, "logins.html", flows=flows, notice=notice, now=time.time(), who=who, position=at)


@router.post("/logins/start")
async def start(request: Request, who: Operator) -> RedirectResponse:
    values = _fields(await form_of(request), ("phone", "method", "label", "pool"))
    if isinstance(values, str):
        return _back(f"not started: {values}")
    try:
        flow = await service_of(request).fleet.logins.start(
            phone=values["phone"], method=values["method"] or "code", label=values["label"] or None,
            pool=values["pool"] or None)  # fmt: skip
    except FleetError as exc:
        return _back(f"not started: {exc}")
    return _back(f"login {flow.id} started: a worker asks Telegram next", flow.id)


_STEPS = "^(code|resend|password|name|cancel)$"


@router.post("/logins/{login_id}/{step}")
async def submit(request: Request, who: Operator, login_id: LoginId,
                 step: Annotated[str, Path(pattern=_STEPS)]) -> RedirectResponse:  # fmt: skip
    form = await form_of(request)
    logins = service_of(request).fleet.logins
    try:
        if step == "cancel":
            await logins.cancel(login_id)
            return _back(f"login {login_id} cancelled", login_id)
        if step == "resend":
            await logins.resend_code(login_id)
            return _back(f"login {login_id}: the code is sent again", login_id)
        names = ("first_name", "last_name") if step == "name" else (step,)
        values = _fields(form, names)
        if isinstance(values, str) or not values[names[0]]:
            empty = "the " + names[0].replace("_", " ") + " is empty"
            return _back(f"not sent: {values if isinstance(values, str) else empty}", login_id)
        if step == "code":
            await logins.submit_code(login_id, values["code"])
        elif step == "name":
            await logins.submit_name(login_id, values["first_name"], values["last_name"])
        else:
            await logins.submit_password(login_id, values["password"])
    except FleetError as exc:
        return _back(f"not done: {exc}", login_id)
    return _back(f"login {login_id}: {step} sent", login_id)
