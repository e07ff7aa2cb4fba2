"""``/v1/logins``: log an account in through the fleet (``fleet.logins``): start a code or QR flow, submit the code (or
have it sent again), the 2FA password and a new account's name from any API process, read its state, its QR code as
SVG, cancel it.

The worker holding the flow's lease talks to Telegram; these routes only write the flow's inputs into the store.
The password is turned into its one-time SRP proof in this process (``Logins.submit_password``) and never stored.
Every state change of a flow is also on ``/v1/events`` (``event: login``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tgfleet.fleet.login_records import LoginFlow, LoginState
from tgfleet.fleet.service.api.common import errors
from tgfleet.fleet.service.auth import Operate, Read
from tgfleet.fleet.service.errors import ApiError
from tgfleet.fleet.service.state import service_of

router = APIRouter(prefix="/logins", tags=["logins"])
LoginId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class StartBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=4, max_length=32, description="The number in international form, +15551234567.")
    method: str = Field(default="code", pattern="^(code|qr)$")
    label: str | None = Field(default=None, min_length=1, max_length=64)
    pool: str | None = Field(default=None, min_length=1, max_length=64, description="Default: ``default`` (a re-login"
                             " keeps the account's).")  # fmt: skip


class CodeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=32)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1024)


class NameBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: str = Field(min_length=1, max_length=256)
    last_name: str = Field(default="", max_length=256)


class LoginOut(BaseModel):
    """A login flow: ``state`` says what it waits for (``code_sent``: a code; ``password_needed``: the 2FA
    password; ``sign_up_needed``: a name for the new account; ``qr_waiting``: the QR code scanned); ``error`` is its
    last refusal (code, name, message)."""

    id: int
    phone: str
    method: str
    label: str
    pool: str
    state: LoginState
    created_at: float
    updated_at: float
    expires_at: float
    account_id: int | None = None
    worker: str | None = None
    error: dict[str, Any] | None = None
    code_type: str | None = None
    next_type: str | None = None
    resend_after: int | None = None
    qr_url: str | None = None
    qr_expires: float | None = None
    password_hint: str | None = None

    @staticmethod
    def of(flow: LoginFlow) -> LoginOut:
        return LoginOut(**flow.to_json())


class LoginList(BaseModel):
    items: list[LoginOut]


@router.post("", response_model=LoginOut, status_code=201, responses=errors(409, 429))
async def start(request: Request, token: Operate, body: StartBody) -> LoginOut:
    """Start a login (state ``starting``; a worker sends the code or exports the QR token next). For the phone of an
    account the store has (not banned or deleted) the flow logs that account in again: ``account_id`` is set, and a
    ``label`` or ``pool`` other than the account's is refused (422)."""
    logins = service_of(request).fleet.logins
    return LoginOut.of(await logins.start(phone=body.phone, method=body.method, label=body.label, pool=body.pool))


@router.get("", response_model=LoginList, responses=errors())
async def list_logins(
    request: Request,
    token: Read,
    state: LoginState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> LoginList:
    flows = await service_of(request).fleet.logins.list(state=state, limit=limit)
    return LoginList(items=[LoginOut.of(f) for f in flows])


@router.get("/{login_id}", response_model=LoginOut, responses=errors(404))
async def show(request: Request, token: Read, login_id: LoginId) -> LoginOut:
    return LoginOut.of(await service_of(request).fleet.logins.get(login_id))


@router.post("/{login_id}/code", response_model=LoginOut, responses=errors(404, 409))
async def submit_code(request: Request, token: Operate, login_id: LoginId, body: CodeBody) -> LoginOut:
    """The code Telegram sent (409 when the flow does not wait for one)."""
    return LoginOut.of(await service_of(request).fleet.logins.submit_code(login_id, body.code))


@router.post("/{login_id}/password", response_model=LoginOut, responses=errors(404, 409))
async def submit_password(request: Request, token: Operate, login_id: LoginId, body: PasswordBody) -> LoginOut:
    """The 2FA password: used here for its one-time proof, never stored (409 before it is asked for)."""
    return LoginOut.of(await service_of(request).fleet.logins.submit_password(login_id, body.password))


@router.post("/{login_id}/resend", response_model=LoginOut, responses=errors(404, 409))
async def resend_code(request: Request, token: Operate, login_id: LoginId) -> LoginOut:
    """Send the code again (``code_sent``; 409 otherwise): the worker calls ``auth.resendCode`` and the flow shows the
    new ``code_type``, ``next_type`` and ``resend_after``, or Telegram's refusal on ``error`` (SEND_CODE_UNAVAILABLE,
    FLOOD_WAIT_X: the code sent last still works)."""
    return LoginOut.of(await service_of(request).fleet.logins.resend_code(login_id))


@router.post("/{login_id}/name", response_model=LoginOut, responses=errors(404, 409))
async def submit_name(request: Request, token: Operate, login_id: LoginId, body: NameBody) -> LoginOut:
    """The new account's name when the number has none (``sign_up_needed``; 409 otherwise): the worker signs it up."""
    logins = service_of(request).fleet.logins
    return LoginOut.of(await logins.submit_name(login_id, body.first_name, body.last_name))


@router.post("/{login_id}/cancel", response_model=LoginOut, responses=errors(404, 409))
async def cancel(request: Request, token: Operate, login_id: LoginId) -> LoginOut:
    return LoginOut.of(await service_of(request).fleet.logins.cancel(login_id))


@router.get("/{login_id}/qr.svg", responses={**errors(404, 409), 200: {"content": {"image/svg+xml": {}}}},
            response_class=Response)  # fmt: skip
async def qr_svg(request: Request, token: Read, login_id: LoginId) -> Response:
    """The flow's current QR code (``tg://login?token=...``) as SVG; it changes at each refresh (``qr_expires``)."""
    flow = await service_of(request).fleet.logins.get(login_id)
    if flow.qr_url is None or flow.state is not LoginState.QR_WAITING:
        raise ApiError(409, "no_qr_code", f"login {login_id} is {flow.state.value}: it shows no QR code")
    return Response(qr_svg_of(flow.qr_url), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def qr_svg_of(url: str) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=4, xmldecl=False)
    return out.getvalue().decode()
