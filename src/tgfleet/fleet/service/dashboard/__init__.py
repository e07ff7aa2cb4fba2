"""tgfleet.fleet.service.dashboard: the fleet's pages in the browser, served by the API's app (``mount(app)``).

Server-rendered HTML (Jinja2 templates in ``templates/``, package data) with one hand-written stylesheet and one
small script (``static/``, served from here: no CDN, no build step). The script follows the API's event stream
(``/v1/events``, ``EventSource``) and reloads the page's live region when something changes, ticks the flood-wait
countdowns, and gives the keyboard shortcuts. Pages: accounts (``/accounts``), one account (``/accounts/{label}``),
the outbox with its send form (``/outbox``), logins with their code, password and QR forms (``/logins``), workers
and leases (``/workers``). Sign-in is the service's ``/login``
form (its cookie, ``auth.require``); every form posts back here with a CSRF token (``session``).

May import ``tgfleet.fleet`` and the service's modules (``auth``, ``state``, ``errors``), FastAPI/Starlette and
Jinja2; like the rest of the service, never ``tgfleet.sandbox``, ``tgfleet.cli`` nor ``tgfleet.client``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from tgfleet.fleet.service.dashboard import actions, logins, pages, static
from tgfleet.fleet.service.dashboard.session import SignInNeeded


def mount(app: FastAPI) -> None:
    """Add the dashboard's routes to ``app``; a page asked for without a valid token redirects to ``/login``."""
    for module in (pages, actions, logins, static):
        app.include_router(module.router)

    @app.exception_handler(SignInNeeded)
    async def sign_in(request: Request, exc: SignInNeeded) -> RedirectResponse:
        return RedirectResponse(exc.login_url, status_code=303)


__all__ = ["mount"]
