"""What ``fleet.logins`` hands out: ``LoginFlow`` (one login flow as stored, without secrets) and its states.

Times are unix seconds by the store's clock. Nothing here carries a secret: the flow's temporary auth key and
``phone_code_hash`` stay sealed in the store, the code and the SRP proof are consumed by the worker, the password
never reaches the store at all.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from typing import Any


class LoginState(str, enum.Enum):
    """The states of a login flow (docs/fleet.md, "Logins")."""

    STARTING = "starting"  # stored; no worker has talked to Telegram for it yet
    CODE_SENT = "code_sent"  # waiting for submit_code
    PASSWORD_NEEDED = "password_needed"  # waiting for submit_password (2FA)
    SIGN_UP_NEEDED = "sign_up_needed"  # the number has no account: waiting for submit_name (auth.signUp)
    QR_WAITING = "qr_waiting"  # the QR code is shown (qr_url), waiting for another session to accept it
    AUTHORIZED = "authorized"  # logged in: the account is in the store (account_id)
    FAILED = "failed"  # ended by an error that another try of the same input cannot fix, or cancelled
    EXPIRED = "expired"  # not finished within its lifetime

    @property
    def open(self) -> bool:
        return self in OPEN


OPEN = frozenset({LoginState.STARTING, LoginState.CODE_SENT, LoginState.PASSWORD_NEEDED, LoginState.SIGN_UP_NEEDED,
                  LoginState.QR_WAITING})  # fmt: skip
OPEN_SQL = ", ".join(f"'{state.value}'" for state in sorted(OPEN, key=lambda s: s.value))
"""The open states as an SQL list (``state IN (...)``)."""
METHODS = ("code", "qr")


@dataclass(frozen=True)
class LoginFlow:
    """One login flow. ``info``'s public fields are spread out: ``code_type``, ``next_type``, ``resend_after``,
    ``qr_url``, ``qr_expires``, ``password_hint``; ``error`` is the last refusal (code, name, message)."""

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
    """The account the flow logs in again (set at ``start`` for the phone of an account the store has), or the one it
    made once ``authorized``."""
    worker: str | None = None
    error: dict[str, Any] | None = None
    code_type: str | None = None
    next_type: str | None = None
    resend_after: int | None = None
    qr_url: str | None = None
    qr_expires: float | None = None
    password_hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    """Other public fields the worker stored (the SRP parameters while a password is needed)."""

    def to_json(self) -> dict[str, Any]:
        """The flow as JSON-ready values (``state`` as its text), without ``extra``."""
        data = asdict(self)
        data.pop("extra")
        data["state"] = self.state.value
        return data


@dataclass(frozen=True)
class LoginSettings:
    """``daily_logins``: flows one phone may start in 24 hours (Telegram limits codes per number a day: keep it
    low); ``lifetime``: seconds a flow may take before it is ``expired``; ``tokens_per_phone``: future auth tokens
    kept per phone (Telegram's clients keep 20)."""

    daily_logins: int = 5
    lifetime: float = 900.0
    tokens_per_phone: int = 20


def flow_from_row(row: tuple[Any, ...]) -> LoginFlow:
    """A ``LoginFlow`` from ``SELECT {FLOW_COLUMNS}``."""
    (id_, phone, method, label, pool, state, info, error, account_id, worker, created, updated, expires) = row
    public = json.loads(info)
    return LoginFlow(
        id=int(id_), phone=phone, method=method, label=label, pool=pool, state=LoginState(state),
        created_at=float(created), updated_at=float(updated), expires_at=float(expires),
        account_id=None if account_id is None else int(account_id), worker=worker,
        error=None if error is None else json.loads(error),
        **{name: public.pop(name, None) for name in PUBLIC_INFO}, extra=public,
    )  # fmt: skip


PUBLIC_INFO = ("code_type", "next_type", "resend_after", "qr_url", "qr_expires", "password_hint")
FLOW_COLUMNS = ("id, phone, method, label, pool, state, info, error, account_id, worker, created_at, updated_at,"
                " expires_at")  # fmt: skip
