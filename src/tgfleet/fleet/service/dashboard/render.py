"""The pages' templates (``templates/``, Jinja2 with escaping on), the filters they format times with, and the
redirect a form answers with."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from tgfleet.fleet.service.dashboard.session import csrf_token


def when(at: float | None) -> str:
    """A moment as UTC wall time (``2026-12-02 04:12:03``), ``—`` for none."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at)) if at else "—"


def ago(at: float | None, now: float) -> str:
    """How long ago, in one unit: ``12 s``, ``4 min``, ``3 h``, ``2 d`` (``—`` for none)."""
    if not at:
        return "—"
    return f"{span(now - at)} ago" if now >= at else f"in {span(at - now)}"


def span(seconds: float) -> str:
    seconds = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def countdown(seconds: float) -> str:
    """What a countdown shows before the script ticks it: ``1:02:03`` or ``2:03`` (the script uses the same form)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


ENV = Environment(
    loader=PackageLoader("tgfleet.fleet.service.dashboard", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(when=when, ago=ago, countdown=countdown, span=span)


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context``, the moment it was rendered (``now``: the countdowns' clock) and the
    forms' CSRF token."""
    context.setdefault("now", time.time())
    html = ENV.get_template(template).render(path=request.url.path, csrf=csrf_token(request), **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def back(path: str, notice: str, anchor: str = "") -> RedirectResponse:
    """A form's answer: back to ``path`` (303, so a reload never posts twice) with ``notice`` shown, at ``#anchor``."""
    return RedirectResponse(f"{path}?{urlencode({'notice': notice[:200]})}{'#' + anchor if anchor else ''}",
                            status_code=303)  # fmt: skip
