"""What the API's routes share: the error body and the documented error answers, pages, the masked account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tgfleet.fleet import Account, AccountState
from tgfleet.fleet.account_fields import shown_policy

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error: ``code`` is stable (scripts compare it), ``message`` is for people."""

    error: ErrorDetail


_MEANING = {400: "The request is malformed.", 401: "No token, or an unknown or revoked one.",
            403: "The token's scope is too low.", 404: "No such thing.", 409: "It conflicts with the current state.",
            413: "The body is too large.", 422: "The body or a parameter is invalid.",
            503: "The store is unreachable."}  # fmt: skip


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of the given error statuses (400, 401, 403, 413, 422 and 503 on every route)."""
    every = sorted({400, 401, 403, 413, 422, 503, *statuses})
    return {status: {"model": ErrorBody, "description": _MEANING.get(status, "error")} for status in every}


class Page(BaseModel, Generic[T]):
    """One page: ``next`` is the ``after`` of the next page (None on the last)."""

    items: list[T]
    next: str | None = None


def page_size(limit: int | None, default: int, most: int) -> int:
    return min(limit or default, most)


def cut(found: list[T], size: int, cursor: Callable[[T], str]) -> tuple[list[T], str | None]:
    """A page from ``size + 1`` rows read: its items and the cursor of the next page (None when none is left)."""
    return found[:size], cursor(found[size - 1]) if len(found) > size else None


class AccountOut(BaseModel):
    """An account as the API shows it (a proxy's password masked)."""

    # validated from an ``Account`` record's attributes in pydantic's core, so a page of them is one validation
    # (``Page[AccountOut].model_validate(..., from_attributes=True)``), not a Python loop building each one

    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    pool: str
    state: str
    phone: str | None
    user_id: int | None
    is_bot: bool | None
    dc_id: int | None
    test_mode: bool
    auth_key_id: int | None
    policy: dict[str, Any]
    origin_format: str
    origin_at: float
    state_since: float
    state_until: float | None
    created_at: float
    updated_at: float
    exported_at: float | None
    exported_format: str | None
    holder: str | None
    epoch: int
    last_probe_at: float | None = Field(description="When a probe last looked at the account (None: never).")
    last_probe_result: str | None = Field(description="Its outcome: ``ok`` or the raw error's name.")

    @field_validator("state", mode="before")
    @classmethod
    def _state_name(cls, value: Any) -> Any:
        return value.value if isinstance(value, AccountState) else value

    @field_validator("policy", mode="before")
    @classmethod
    def _masked(cls, value: Any) -> Any:
        return shown_policy(value) if isinstance(value, dict) else value

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls.model_validate(account)
