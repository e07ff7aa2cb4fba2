"""The service's errors: always ``{"error": {"code": "...", "message": "..."}}`` with a stable ``code``.

``ApiError`` is raised by the routes; a fleet error is mapped by its class (``register``: the nearest registered
class in its MRO wins, so a family such as the logins' ``LoginError`` is one line each for its members); FastAPI's
validation errors become 422 ``invalid_request``; anything else is a 500 ``internal`` whose message never carries
a traceback (it is logged).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tgfleet.errors import TgfleetError
from tgfleet.fleet.errors import (
    AccountNotFound,
    DuplicateAccountError,
    ExportError,
    FleetError,
    FleetValueError,
    IdempotencyConflict,
    LeaseHeldError,
    LoginBudgetExceeded,
    LoginNotFound,
    LoginStateError,
    MessageNotFound,
    OutboxStateError,
    SessionImportError,
    StaleLoginEpoch,
    StoreError,
    TokenNotFound,
)

log = logging.getLogger("tgfleet.service")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


_MAPPED: dict[type[BaseException], tuple[int, str]] = {}


def register(error: type[BaseException], status: int, code: str) -> None:
    """Answer ``error`` (and its subclasses without a registration of their own) with ``status`` and ``code``."""
    _MAPPED[error] = (status, code)


for _error, _status, _code in (
    (FleetError, 400, "fleet_error"),
    (FleetValueError, 422, "invalid_value"),
    (SessionImportError, 422, "invalid_session"),
    (ExportError, 422, "export_failed"),
    (AccountNotFound, 404, "account_not_found"),
    (MessageNotFound, 404, "message_not_found"),
    (TokenNotFound, 404, "token_not_found"),
    (DuplicateAccountError, 409, "duplicate_account"),
    (IdempotencyConflict, 409, "idempotency_conflict"),
    (OutboxStateError, 409, "invalid_state"),
    (LeaseHeldError, 409, "lease_held"),
    (LoginNotFound, 404, "login_not_found"),
    (LoginStateError, 409, "invalid_login_state"),
    (StaleLoginEpoch, 409, "stale_login"),
    (LoginBudgetExceeded, 429, "login_budget_exceeded"),
    (StoreError, 503, "store_unavailable"),
):
    register(_error, _status, _code)

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "body_too_large", 415: "unsupported_media_type",
               422: "invalid_request", 429: "too_many_requests"}  # fmt: skip


def mapped(exc: BaseException) -> tuple[int, str] | None:
    for cls in type(exc).__mro__:
        if cls in _MAPPED:
            return _MAPPED[cls]
    return None


def body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def respond(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body(code, message), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """The handlers that give every error the JSON form."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return respond(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        found = list(exc.errors())
        if any(error.get("type") == "json_invalid" for error in found):
            return respond(400, "malformed_json", "the body is not valid JSON")
        return respond(422, "invalid_request", _describe(found))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return respond(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(TgfleetError)
    async def tgfleet_error(request: Request, exc: TgfleetError) -> JSONResponse:
        found = mapped(exc)
        if found is not None:
            return respond(found[0], found[1], str(exc))
        return _internal(request, exc)

    @app.exception_handler(Exception)
    async def other(request: Request, exc: Exception) -> JSONResponse:
        return _internal(request, exc)


def _internal(request: Request, exc: BaseException) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return respond(500, "internal", f"internal error ({type(exc).__name__}); the service log has the details")


def _describe(errors: Any) -> str:
    parts = []
    for error in list(errors)[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"
