"""The dashboard's two assets (``static/app.css``, ``static/live.js``), served from the package: no CDN."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)
_TYPES = {"app.css": "text/css; charset=utf-8", "live.js": "text/javascript; charset=utf-8"}
_FILES = {name: (resources.files("tgfleet.fleet.service.dashboard") / "static" / name).read_bytes() for name in _TYPES}


@router.get("/static/{name}")
async def asset(name: str) -> Response:
    if name not in _FILES:
        return Response("no such file", status_code=404, media_type="text/plain")
    return Response(_FILES[name], media_type=_TYPES[name], headers={"Cache-Control": "max-age=300"})
