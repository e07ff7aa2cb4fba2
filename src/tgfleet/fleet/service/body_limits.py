"""``BodyLimits``: an ASGI middleware that bounds every request before a route sees it.

A body longer than ``max_body`` bytes (by its Content-Length, or counted as it streams in) is answered 413
``body_too_large`` without keeping any more of it (up to ``DRAIN`` more bytes are read and dropped, so a client
still sending reads the answer); a JSON body nested deeper than ``max_json_depth`` is answered 422
``json_too_deep`` before any parser recurses into it (Python's ``json`` would raise RecursionError on a deep
enough one). The body, once read, is handed on to the app unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tgfleet.fleet.service.errors import body

DRAIN = 1024 * 1024


class BodyLimits:
    def __init__(self, app: ASGIApp, *, max_body: int, max_json_depth: int) -> None:
        self.app, self.max_body, self.max_depth = app, max_body, max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _answer(send, 413, "body_too_large", f"the body may be at most {self.max_body} bytes")
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _drain(receive, more and message.get("more_body", False))
                await _answer(send, 413, "body_too_large", f"the body may be at most {self.max_body} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        data = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and json_depth(data) > self.max_depth:
            await _answer(send, 422, "json_too_deep", f"the JSON body may nest at most {self.max_depth} levels")
            return
        await self.app(scope, _replay(data, receive), send)


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[`` / ``{`` in a JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def _drain(receive: Receive, more: bool) -> None:
    """Read (and drop) up to ``DRAIN`` more bytes of an oversized body, so the client, still sending, reads the 413
    instead of a reset connection; a longer one is cut off (the connection closes after the answer)."""
    dropped = 0
    while more and dropped < DRAIN:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        dropped += len(message.get("body", b""))
        more = message.get("more_body", False)


def _replay(data: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    payload: Any = json.dumps(body(code, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": payload})
