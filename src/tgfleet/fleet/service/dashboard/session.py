"""Who is looking at the dashboard: ``viewer(scope)``, a FastAPI dependency on top of ``auth.require`` that sends a
browser without a valid token to the ``/login`` form (and back afterwards) instead of answering JSON; and the CSRF
token of the forms.

The CSRF token is an HMAC of the caller's own API token (which the page's script cannot read: the cookie is
HttpOnly), so every API process derives the same one and nothing is stored; a form posted without it, or from
another origin, is refused (403). The cookie's ``SameSite=Strict`` is the first fence, this is the second.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Request

from tgfleet.fleet.service import auth
from tgfleet.fleet.service.errors import ApiError
from tgfleet.fleet.tokens import Scope, TokenInfo

MAX_FIELDS = 16
_PURPOSE = b"tgfleet dashboard form"


class SignInNeeded(Exception):
    """A page needs a token: the browser is sent to ``login_url``."""

    def __init__(self, login_url: str) -> None:
        super().__init__(login_url)
        self.login_url = login_url


def viewer(scope: Scope | str) -> Callable[[Request], Awaitable[TokenInfo]]:
    """A dependency: the caller's token (at least ``scope``); no token or an unknown one: to ``/login``; a token of
    too low a scope: 403 (signing in again would not help)."""
    check = auth.require(scope)

    async def page_viewer(request: Request) -> TokenInfo:
        try:
            return await check(request)
        except ApiError as exc:
            if exc.status != 401:
                raise
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInNeeded(f"/login?next={quote(here, safe='/')}") from None

    page_viewer.__name__ = f"viewer_{Scope(scope).value}"
    return page_viewer


def presented_token(request: Request) -> str:
    """The token this request carries (the dependency has checked it already)."""
    header = request.headers.get("authorization", "")
    return header.partition(" ")[2].strip() if header else request.cookies.get(auth.COOKIE, "")


def csrf_token(request: Request) -> str:
    return hmac.new(presented_token(request).encode(), _PURPOSE, hashlib.sha256).hexdigest()


async def form_of(request: Request) -> dict[str, str]:
    """The posted form's fields (first value of each), after the CSRF and origin checks (403 otherwise)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise ApiError(403, "cross_origin", f"a form posted from {origin} is refused")
    raw = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=MAX_FIELDS)
    fields = {name: values[0] for name, values in raw.items()}
    if not hmac.compare_digest(fields.get("csrf", ""), csrf_token(request)):
        raise ApiError(403, "csrf", "the form's CSRF token is missing or wrong: reload the page and try again")
    return fields
