"""What the fleet store hands out: accounts, leases, workers, events (small frozen dataclasses), and the settings.

Times are unix seconds. On PostgreSQL the lease times come from the database's clock, on SQLite from this process's.
Nothing here carries a secret: auth keys stay sealed in the store until a session is loaded or exported.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class AccountState(str, enum.Enum):
    """The health states of docs/fleet.md, "Account health" (``health_rules`` says what moves an account between
    them, ``health`` writes the moves)."""

    NEW = "new"  # imported, not probed yet
    ACTIVE = "active"  # a probe or real traffic succeeded
    LIMITED = "limited"  # PEER_FLOOD, or a FLOOD_WAIT over the threshold: until a time, then a success ends it
    FROZEN = "frozen"  # FROZEN_METHOD_INVALID / FROZEN_PARTICIPANT_MISSING, help.getAppConfig's freeze fields
    NEEDS_LOGIN = "needs_login"  # AUTH_KEY_UNREGISTERED, AUTH_KEY_INVALID, SESSION_EXPIRED
    REVOKED = "revoked"  # SESSION_REVOKED, AUTH_KEY_DUPLICATED, our authorization gone from the list
    BANNED = "banned"  # USER_DEACTIVATED_BAN, PHONE_NUMBER_BANNED
    DELETED = "deleted"  # USER_DEACTIVATED
    UNREACHABLE = "unreachable"  # timeouts, proxy or network errors: never terminal
    DISABLED = "disabled"  # by an operator

    @property
    def runnable(self) -> bool:
        """Whether a worker should hold the account (connect it): the claim query takes only these."""
        return self in RUNNABLE

    @property
    def terminal(self) -> bool:
        """No automatic way back: only an operator (``enable``) or a new login moves the account on."""
        return self in TERMINAL

    @property
    def enableable(self) -> bool:
        """An operator may ``enable`` it (it becomes ``new`` and is probed afresh); ``deleted`` never comes back."""
        return self in ENABLEABLE


RUNNABLE = frozenset({AccountState.NEW, AccountState.ACTIVE, AccountState.LIMITED, AccountState.FROZEN,
                      AccountState.UNREACHABLE})  # fmt: skip
TERMINAL = frozenset({AccountState.NEEDS_LOGIN, AccountState.REVOKED, AccountState.BANNED, AccountState.DELETED,
                      AccountState.DISABLED})  # fmt: skip
ENABLEABLE = TERMINAL - {AccountState.DELETED}


@dataclass(frozen=True)
class LeaseSettings:
    """Lease timing (seconds): a lease lives ``ttl`` after its last renewal; holders renew every ``renew_interval``;
    a new holder may take an expired lease only ``grace`` seconds after it expired. A holder that could not renew
    for ``fence_after`` (ttl - renew_interval) on its monotonic clock must fence itself.

    ``idle_transaction_limit`` (PostgreSQL): the server ends a store session of this process that sits idle inside a
    transaction for longer (``idle_in_transaction_session_timeout``), so a process stopped there frees its locks;
    None: the grace period, but at least 1 s (a loaded event loop may pause a healthy transaction that long); 0: never.
    (Measured on PostgreSQL 15: the server does not end a session that went idle right after a pipeline, as a
    transaction's first round trip is; the takeover does not depend on it, see ``tgfleet.fleet.takeover``.)
    """

    ttl: float = 30.0
    renew_interval: float = 10.0
    grace: float = 10.0
    idle_transaction_limit: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.renew_interval < self.ttl or self.grace < 0:
            raise ValueError(f"lease settings need 0 < renew_interval < ttl and grace >= 0, got {self}")
        if self.idle_transaction_limit is not None and not self.idle_transaction_limit >= 0:
            raise ValueError(f"lease settings need idle_transaction_limit >= 0 (0: off) or None, got {self}")

    @property
    def idle_limit(self) -> float:
        """The idle-in-transaction limit in force (seconds; 0: none)."""
        if self.idle_transaction_limit is None:
            return max(self.grace, 1.0)
        return self.idle_transaction_limit

    @property
    def fence_after(self) -> float:
        return self.ttl - self.renew_interval


def account_resource(account_id: int) -> str:
    """The lease resource of an account: ``account:<id>``."""
    return f"account:{account_id}"


@dataclass(frozen=True)
class Account:
    """One account of the fleet. ``holder`` is the worker holding a live lease on it, or None."""

    id: int
    label: str
    pool: str
    state: AccountState
    phone: str | None = None
    user_id: int | None = None
    is_bot: bool | None = None
    dc_id: int | None = None
    test_mode: bool = False
    api_id: int | None = None
    auth_key_id: int | None = None  # of the home DC's key (an identifier, sent in clear on every packet; not a secret)
    policy: dict[str, Any] = field(default_factory=dict, repr=False)  # limits, proxy (may hold a password), device
    origin_format: str = ""
    origin_at: float = 0.0
    state_since: float = 0.0
    state_until: float | None = None  # until when the state holds, when known (limited: the wait; frozen: the freeze)
    created_at: float = 0.0
    updated_at: float = 0.0
    exported_at: float | None = None
    exported_format: str | None = None
    holder: str | None = None
    epoch: int = 0  # the account's fence epoch: the epoch of the last lease granted on it
    last_probe_at: float | None = None  # when a probe (a worker's or ``accounts check``) last looked at it
    last_probe_result: str | None = None  # its outcome: ``ok`` or the error's name (FLOOD_WAIT_30, NetworkError...)

    @property
    def resource(self) -> str:
        return account_resource(self.id)


@dataclass(frozen=True)
class ListedSession:
    """One session of the account as account.getAuthorizations listed it (https://core.telegram.org/constructor/authorization),
    without its ip, region and hash (``probes._SUMMARY`` says why); ``current``: the fleet's own."""

    current: bool = False
    unconfirmed: bool = False
    device_model: str = ""
    platform: str = ""
    api_id: int = 0
    app_name: str = ""
    app_version: str = ""
    date_created: int = 0
    date_active: int = 0
    country: str = ""


@dataclass(frozen=True)
class AccountSessions:
    """The account's sessions as the last probe that listed them found them: when (``listed_at``), how many there
    were (``count``), and the ones kept (at most ``probes.MAX_SESSIONS``: ours and the unconfirmed ones first)."""

    listed_at: float
    count: int
    sessions: tuple[ListedSession, ...]


@dataclass(frozen=True)
class Lease:
    """A granted lease: ``epoch`` is the fencing token every write made under it carries."""

    resource: str
    holder: str
    epoch: int
    expires_at: float
    account_id: int | None = None
    host: str = ""
    pid: int = 0


@dataclass(frozen=True)
class LeaseInfo:
    """A lease row as the ``leases`` listing shows it (``live``: not expired, by the store's clock)."""

    resource: str
    account_id: int | None
    label: str | None
    holder: str | None
    host: str | None
    pid: int | None
    epoch: int
    acquired_at: float | None
    renewed_at: float | None
    expires_at: float
    live: bool


@dataclass(frozen=True)
class RenewResult:
    """What one batch renewal did: the leases still held (with their new expiry), those lost, and the renewed account
    leases whose account is no longer ready to run (disabled, or a state no worker runs)."""

    renewed: list[Lease]
    lost: list[Lease]
    unready: list[Lease] = field(default_factory=list)


class WorkerState(str, enum.Enum):
    STARTING = "starting"
    RUNNING = "running"
    DRAINING = "draining"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Worker:
    """A worker process: its id is the lease holder name; ``live`` when its heartbeat is younger than the lease TTL."""

    id: str
    host: str
    pid: int
    capacity: int
    state: WorkerState
    started_at: float
    heartbeat: float
    live: bool = True
    leases: int = 0


@dataclass(frozen=True)
class Evidence:
    """Why an account changed state: the raw RPC error (code, name, message) or a note, and free-form detail."""

    code: int | None = None
    name: str | None = None
    message: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_error(cls, error: BaseException, **detail: Any) -> Evidence:
        """From a typed RPC error (``code`` and what the server sent, ``error_message``: ``FLOOD_WAIT_3600``) or any
        exception."""
        code = getattr(error, "code", None)
        name = getattr(error, "error_message", None) or type(error).__name__
        return cls(code if isinstance(code, int) else None, str(name), str(error), dict(detail))


@dataclass(frozen=True)
class Event:
    """One row of an account's timeline: a state transition (``kind='state'``), a finding that changes no state
    (``kind='evidence'``: freeze dates of a frozen account, a limit extended, a login waiting for confirmation), an
    import or an export."""

    id: int
    account_id: int
    at: float
    kind: str
    from_state: str | None
    to_state: str | None
    evidence: Evidence
    worker: str | None
    epoch: int | None
