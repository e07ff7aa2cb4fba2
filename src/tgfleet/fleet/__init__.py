"""tgfleet.fleet: many Telegram accounts, kept by one store and run by workers under fenced leases (docs/fleet.md).

Owns, so far: the store (``store/``: one schema on SQLite or PostgreSQL, numbered migrations), accounts (``accounts``:
import from Pyrogram / Telethon strings and ``.session`` files and tgfleet's own files, export, states and their
events), auth keys sealed at rest (``seal``), leases with fencing (``leases``; ``takeover``: a grant never waits on a
stale holder's locks), workers (``workers``), and a leased account's session (``leased_sessions``, ``fenced_storage``: a
``tgfleet.storage.Storage`` whose every write is fenced; ``client.FleetClient`` runs a Client on it), and the worker
that runs the accounts (``worker``, ``lease_keeper``, ``account_runner``, ``pacer``, ``worker_events``;
``leased_client``: ``fleet.lease()``), health (``health_rules``: the states from their evidence, pure; ``health``: the
seam that writes the moves; ``account_health``: one account's traffic and probes; ``probes``: the probe calls and their
schedule), and the outbox (``outbox``: ``fleet.outbox``, its concurrent sends stored together by ``outbox_sends``;
``outbox_holder``: the holder's fenced transitions, grouped per worker by ``group_commit``, ``outbox_statements`` their
SQL; ``outbox_sender``, ``outbox_outcomes``: the worker's sending, its idle senders woken (``sender_wake``) by one sweep
per worker (``outbox_watch``); ``outbox_pool``: which pool messages an account takes), and the scheduler's gates
(``flood_ledger``: durable waits, ``fleet.floods``; ``send_policy``, ``throttle``: an account's pacing, budgets, request
bucket and warm-up; ``pools``: a pool's policy, ``fleet.pools``), the inbox, and login flows (``logins``:
``fleet.logins``; ``login_records``; ``login_holder``: the holder's fenced writes; ``login_runner``: one flow's Client;
``logins_driver``: a worker's ``login:<id>`` leases; ``login_secrets``: the flow's sealed session and future auth
tokens). May import ``tgfleet.client``, the Pyrogram model it hands on (``tgfleet.handlers``, ``tgfleet.filters``,
``tgfleet.types``), ``tgfleet.storage``, ``tgfleet.net`` (addresses, timeouts, proxy forms), ``tgfleet.crypto``,
``tgfleet.tl`` and ``tgfleet.errors``; never ``tgfleet.sandbox`` or ``tgfleet.cli``.
"""

from __future__ import annotations

from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import (
    AccountNotFound,
    DuplicateAccountError,
    ExportError,
    FleetError,
    FleetValueError,
    LeaseHeldError,
    SchemaTooNewError,
    SealedDataError,
    SealKeyError,
    SessionImportError,
    StaleEpoch,
    StoreError,
    StoreMissingError,
    StoreUrlError,
)
from tgfleet.fleet.fenced_storage import FencedStorage
from tgfleet.fleet.fleet import Fleet
from tgfleet.fleet.records import (
    Account,
    AccountState,
    Event,
    Evidence,
    Lease,
    LeaseInfo,
    LeaseSettings,
    RenewResult,
    Worker,
    WorkerState,
    account_resource,
)

__all__ = [
    "Account",
    "AccountNotFound",
    "AccountState",
    "Counters",
    "DuplicateAccountError",
    "Event",
    "Evidence",
    "ExportError",
    "FencedStorage",
    "Fleet",
    "FleetError",
    "FleetValueError",
    "Lease",
    "LeaseHeldError",
    "LeaseInfo",
    "LeaseSettings",
    "RenewResult",
    "SchemaTooNewError",
    "SealKeyError",
    "SealedDataError",
    "SessionImportError",
    "StaleEpoch",
    "StoreError",
    "StoreMissingError",
    "StoreUrlError",
    "Worker",
    "WorkerState",
    "account_resource",
]
