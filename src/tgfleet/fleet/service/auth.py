"""Who may call: ``require(scope)``, a FastAPI dependency, and the ``/login`` form that sets the session cookie.

A caller proves a token (``tgfleet fleet token create``) with ``Authorization: Bearer <token>`` or with the
HttpOnly cookie ``tgfleet_token`` that ``POST /login`` sets (the browser's way: the dashboard uses the same
dependency). The cookie is ``SameSite=Strict``, so another site's page cannot make the browser send it (no
cross-site request forgery); ``secure_cookie`` keeps it to HTTPS. No token: 401 ``unauthorized``; a token whose scope
is too low: 403 ``forbidden``. A token's use is recorded at most once a minute (``last_used_at``).
"""

from __future__ import annotations

import html
import time
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tgfleet.fleet.service.errors import ApiError
from tgfleet.fleet.service.state import service_of
from tgfleet.fleet.tokens import Scope, TokenInfo

COOKIE = "tgfleet_token"
_USE_EVERY = 60.0
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tgfleet"'}


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is not None:
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "the Authorization header must be 'Bearer <token>'", _CHALLENGE)
        return token.strip()
    return request.cookies.get(COOKIE)


def require(scope: Scope | str) -> Callable[[Request], Awaitable[TokenInfo]]:
    """A dependency: the caller's token, which grants at least ``scope`` (401 / 403 otherwise)."""
    needed = Scope(scope)

    async def check(request: Request) -> TokenInfo:
        token = _presented(request)
        if token is None:
            raise ApiError(401, "unauthorized", "a bearer token is required (tgfleet fleet token create)", _CHALLENGE)
        service = service_of(request)
        info = await service.fleet.tokens.verify(token)
        if info is None:
            raise ApiError(401, "unauthorized", "the token is unknown or revoked", _CHALLENGE)
        if not info.scope.allows(needed):
            raise ApiError(403, "forbidden", f"this needs a token of scope {needed.value} or higher;"
                           f" this one is {info.scope.value}")  # fmt: skip
        now = time.monotonic()
        if now - service.token_used.get(info.id, -_USE_EVERY) >= _USE_EVERY:
            service.token_used[info.id] = now
            await service.fleet.tokens.used(info.id)
        return info

    check.__name__ = f"require_{needed.value}"
    return check


Read = Annotated[TokenInfo, Depends(require(Scope.READ))]
Send = Annotated[TokenInfo, Depends(require(Scope.SEND))]
Operate = Annotated[TokenInfo, Depends(require(Scope.OPERATE))]
Admin = Annotated[TokenInfo, Depends(require(Scope.ADMIN))]

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tgfleet: sign in</title>
<style>
body{{font:16px system-ui,sans-serif;background:#f4f5f7;color:#1d2430;display:grid;place-items:center;
min-height:100vh;margin:0}}
form{{background:#fff;padding:2rem;border-radius:10px;box-shadow:0 2px 12px #0002;width:min(26rem,90vw)}}
h1{{font-size:1.3rem;margin:0 0 1rem}} label{{display:block;margin-bottom:.4rem}}
input{{width:100%;box-sizing:border-box;padding:.6rem;font:inherit;border:1px solid #9aa3b2;border-radius:6px}}
button{{margin-top:1rem;padding:.6rem 1.2rem;font:inherit;border:0;border-radius:6px;background:#2563eb;color:#fff}}
.error{{color:#b91c1c;margin:.5rem 0 0}} .hint{{color:#5b6472;font-size:.9rem}}
</style></head><body>
<form method="post" action="/login">
<h1>tgfleet</h1>
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
<input type="hidden" name="next" value="{next}">
{error}
<button type="submit">Sign in</button>
<p class="hint">Make one with <code>tgfleet fleet token create --scope read</code>.</p>
</form></body></html>
"""


def _local(target: str | None) -> str:
    """Only a path of this site (never ``//other.example`` or a scheme): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(next_path: str = "/", error: str | None = None, status: int = 200) -> HTMLResponse:
    shown = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return HTMLResponse(_PAGE.format(next=html.escape(_local(next_path)), error=shown), status_code=status)


@router.get("/login")
async def login_form(next: str = "/") -> HTMLResponse:
    return login_page(next)


@router.post("/login")
async def login(request: Request) -> Response:
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=4)
    token = (fields.get("token") or [""])[0].strip()
    target = _local((fields.get("next") or ["/"])[0])
    service = service_of(request)
    if not token or await service.fleet.tokens.verify(token) is None:
        return login_page(target, "That token is unknown or revoked.", status=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=service.settings.secure_cookie,
                        max_age=30 * 86400)  # fmt: skip
    return response


@router.post("/logout")
async def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
