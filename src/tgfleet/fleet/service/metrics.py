"""``GET /metrics``: the fleet's numbers as Prometheus text (exposition format 0.0.4), read from the store per scrape.

Hand-written rather than ``prometheus-client``: every number comes from the store at scrape time (the workers'
counters from their rows, the states counted by SQL), so a stateless API process shows the whole fleet, and there
is no process-local registry to keep. Low cardinality: labels are states, results, and RPC method/error pairs
(bounded by ``Counters.MAX_PAIRS``), never account labels or ids. Needs a ``read`` token.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from tgfleet.fleet import AccountState
from tgfleet.fleet.counters import RPC_BUCKETS, Counters
from tgfleet.fleet.outbox_records import DUE, OutboxState, sql_states
from tgfleet.fleet.service.api.common import errors
from tgfleet.fleet.service.auth import Read
from tgfleet.fleet.service.state import service_of
from tgfleet.fleet.store import Store

router = APIRouter(tags=["metrics"])
_FAMILIES = (
    ("tgfleet_rpc_calls_total", "counter", "Telegram calls by method and error (ok when it worked)."),
    ("tgfleet_rpc_duration_seconds", "histogram", "Telegram call durations."),
    ("tgfleet_accounts", "gauge", "Accounts by state."),
    ("tgfleet_outbox_messages", "gauge", "Outbox messages by state."),
    ("tgfleet_outbox_oldest_ready_age_seconds", "gauge", "Age of the oldest message ready to send (0: none)."),
    ("tgfleet_flood_wait_seconds_total", "counter", "Seconds of flood and slow-mode waits Telegram asked for."),
    ("tgfleet_lease_grants_total", "counter", "Leases granted."),
    ("tgfleet_lease_losses_total", "counter", "Leases a renewal found taken over or gone."),
    ("tgfleet_lease_claim_lock_timeouts_total", "counter", "Claims that gave up waiting for a lease's locked row."),
    ("tgfleet_self_fences_total", "counter", "Accounts a worker fenced itself on."),
    ("tgfleet_stale_writes_refused_total", "counter", "Fenced writes refused because a newer lease owned the account."),
    ("tgfleet_login_attempts_total", "counter", "Login attempts by result."),
)


@router.get("/metrics", response_class=PlainTextResponse, responses=errors())
async def metrics(request: Request, token: Read) -> PlainTextResponse:
    fleet = service_of(request).fleet
    counters = await fleet.workers.counters()
    accounts, outbox, oldest = await _states(fleet.store)
    text = render(counters, accounts, outbox, oldest)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")


async def _states(store: Store) -> tuple[dict[str, int], dict[str, int], float]:
    async with store.transaction(readonly=True) as tx:
        accounts = {str(s): int(n) for s, n in await tx.fetch("SELECT state, count(*) FROM accounts GROUP BY state")}
        outbox = {str(s): int(n) for s, n in
                  await tx.fetch("SELECT state, count(*) FROM outbox_messages GROUP BY state")}  # fmt: skip
        oldest = await tx.scalar(
            "SELECT min(CASE WHEN not_before > created_at THEN not_before ELSE created_at END) FROM outbox_messages"
            f" WHERE state IN ({sql_states(DUE)}) AND (not_before IS NULL OR not_before <= :now)",
            {"now": time.time()},
        )
    return accounts, outbox, 0.0 if oldest is None else max(0.0, time.time() - float(oldest))


def render(counters: Counters, accounts: dict[str, int], outbox: dict[str, int], oldest_age: float) -> str:
    """The text; each sample is written after its family's name: ``{labels} value``, ``_bucket{...} n``, `` value``."""
    samples: dict[str, list[str]] = {name: [] for name, _, _ in _FAMILIES}
    for key, value in sorted(counters.rpc_calls.items()):
        method, _, error = key.partition(" ")
        samples["tgfleet_rpc_calls_total"].append(f"{_labels(method=method, error=error)} {value}")
    samples["tgfleet_rpc_duration_seconds"] = list(_histogram(counters))
    samples["tgfleet_accounts"] = [f"{_labels(state=s.value)} {accounts.get(s.value, 0)}" for s in AccountState]
    samples["tgfleet_outbox_messages"] = [f"{_labels(state=s.value)} {outbox.get(s.value, 0)}" for s in OutboxState]
    samples["tgfleet_outbox_oldest_ready_age_seconds"] = [f" {oldest_age:.6f}"]
    totals: tuple[tuple[str, float], ...] = (("tgfleet_flood_wait_seconds_total", counters.flood_wait_seconds),
                        ("tgfleet_lease_grants_total", counters.grants), ("tgfleet_lease_losses_total", counters.lost),
                        ("tgfleet_lease_claim_lock_timeouts_total", counters.claim_lock_timeouts),
                        ("tgfleet_self_fences_total", counters.self_fences),
                        ("tgfleet_stale_writes_refused_total", counters.fence_refusals))  # fmt: skip
    for name, total in totals:
        samples[name] = [f" {total}"]
    samples["tgfleet_login_attempts_total"] = [f"{_labels(result=r)} {n}" for r, n in sorted(counters.logins.items())]
    lines = []
    for name, kind, help_text in _FAMILIES:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{sample}" for sample in samples[name]]
    return "\n".join(lines) + "\n"


def _histogram(counters: Counters) -> Iterable[str]:
    running = 0
    for bound, count in zip(RPC_BUCKETS, counters.rpc_buckets, strict=True):
        running += count
        yield f'_bucket{{le="{bound}"}} {running}'
    yield f'_bucket{{le="+Inf"}} {counters.rpc_count}'
    yield f"_sum {counters.rpc_seconds_sum:.6f}"
    yield f"_count {counters.rpc_count}"


def _labels(**labels: str) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
    return f"{{{inner}}}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
