"""The flood ledger (docs/fleet.md, "Scheduler"): durable waits, so no fleet client ever sleeps on a flood wait and a
restart forgets none of them.

A wait is scoped by account and method (``FLOOD_WAIT_X``: every send of the account), narrowed to one chat for slow
mode (``SLOWMODE_WAIT_X``), or ``ANY_METHOD`` for the circuit breaker's cool-down (every send). It holds the raw
error and the time it ends. The holder writes it in the transaction that records the flooded attempt
(``outbox_holder``: fenced by its epoch); the sender reads the account's waits before each batch, so a new holder
of the account waits out exactly what the old one was told. A longer wait already held is never shortened.
(Per-phone login waits join when logins exist.)
"""

from __future__ import annotations

from dataclasses import dataclass

from tgfleet.fleet.records import Evidence
from tgfleet.fleet.store import Store, Tx

SEND_METHOD = "messages.sendMessage"
ANY_METHOD = "*"
_COLUMNS = (
    "SELECT account_id, method, chat, until, error_code, error_name, error_message, recorded_at, epoch, worker"
    " FROM flood_waits"
)


@dataclass(frozen=True)
class Wait:
    """What a wait covers and when it ends: ``chat`` is ``""`` for every chat of the account."""

    method: str
    until: float
    chat: str = ""


@dataclass(frozen=True)
class FloodWait:
    """A ledger row: the wait, the raw error that set it, and who recorded it when (under which lease epoch)."""

    account_id: int
    wait: Wait
    error: Evidence
    recorded_at: float
    epoch: int
    worker: str | None


async def hold(tx: Tx, account_id: int, epoch: int, worker: str, wait: Wait, error: Evidence) -> None:
    """Record ``wait`` in the caller's (fenced) transaction; a wait of the same scope that ends later stays."""
    await tx.execute(
        "INSERT INTO flood_waits (account_id, method, chat, until, error_code, error_name, error_message,"
        " recorded_at, epoch, worker) VALUES (:account, :method, :chat, :until, :code, :name, :message, {now},"
        " :epoch, :worker) ON CONFLICT (account_id, method, chat) DO UPDATE SET until = excluded.until,"
        " error_code = excluded.error_code, error_name = excluded.error_name,"
        " error_message = excluded.error_message, recorded_at = excluded.recorded_at, epoch = excluded.epoch,"
        " worker = excluded.worker WHERE flood_waits.until < excluded.until",
        {"account": account_id, "method": wait.method, "chat": wait.chat, "until": wait.until, "code": error.code,
         "name": error.name, "message": error.message, "epoch": epoch, "worker": worker},
    )  # fmt: skip


async def read(tx: Tx, *, account_id: int | None, now: float) -> list[FloodWait]:
    """The waits still running at ``now`` (of one account, or all), the longest first."""
    where = "until > :now" + (" AND account_id = :account" if account_id is not None else "")
    rows = await tx.fetch(f"{_COLUMNS} WHERE {where} ORDER BY until DESC", {"now": now, "account": account_id})
    return [
        FloodWait(int(a), Wait(method, float(until), chat), Evidence(code, name, message), float(at), int(e), worker)
        for a, method, chat, until, code, name, message, at, e, worker in rows
    ]


def account_wait(waits: list[FloodWait], method: str = SEND_METHOD) -> float:
    """When every send of ``method`` by the account may go again (0: now): its own and the breaker's waits."""
    return max((w.wait.until for w in waits if not w.wait.chat and w.wait.method in (method, ANY_METHOD)), default=0.0)


def chat_waits(waits: list[FloodWait], method: str = SEND_METHOD) -> dict[str, float]:
    """chat -> when ``method`` may go to it again, for the chats under a slow-mode wait."""
    return {w.wait.chat: w.wait.until for w in waits if w.wait.chat and w.wait.method == method}


class FloodLedger:
    """``fleet.floods``: the ledger as operators and dashboards read it (writes are the holders', fenced)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def active(self, now: float, account_id: int | None = None) -> list[FloodWait]:
        """The waits still running at ``now`` (unix seconds), of one account or of the fleet."""
        async with self._store.transaction(readonly=True) as tx:
            return await read(tx, account_id=account_id, now=now)
