"""What the pages show, read from the store in a few queries (never one per account): accounts with their flood
waits and today's sends, one account's timeline, and the outbox's filter."""

from __future__ import annotations

from dataclasses import dataclass, field

from tgfleet.fleet import Account, AccountState, Event, Fleet
from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.flood_ledger import FloodWait
from tgfleet.fleet.outbox_records import OutboxState
from tgfleet.fleet.send_policy import SendPolicy

DAY = 86400
STATE_FILTERS: tuple[str, ...] = ("all", *(s.value for s in OutboxState))
"""The outbox's filters in the order of their keys (``0`` all, ``1`` queued, ...)."""
ACCOUNT_FILTERS: tuple[str, ...] = ("all", *(s.value for s in AccountState))


@dataclass(frozen=True)
class AccountRow:
    account: Account
    waits: list[FloodWait] = field(default_factory=list)  # its running flood waits, the longest first
    sent_today: int = 0
    daily_limit: int = 0

    @property
    def paused_until(self) -> float | None:
        """When the account may send again: its longest flood wait, or a limited state's end."""
        ends = [w.wait.until for w in self.waits]
        if self.account.state is AccountState.LIMITED and self.account.state_until:
            ends.append(self.account.state_until)
        return max(ends, default=None)


def daily_limit(account: Account) -> int:
    """The account's daily message budget (its ``policy["sending"]`` over the defaults; the defaults if it is bad)."""
    try:
        return SendPolicy().override(account.policy.get("sending")).daily_messages
    except FleetValueError:
        return SendPolicy().daily_messages


async def account_rows(fleet: Fleet, accounts: list[Account], now: float) -> list[AccountRow]:
    """The rows of ``accounts``: three queries whatever their number."""
    waits: dict[int, list[FloodWait]] = {}
    for wait in await fleet.floods.active(now):
        waits.setdefault(wait.account_id, []).append(wait)
    sent = await fleet.outbox.sent_since(now - now % DAY)
    return [AccountRow(a, waits.get(a.id, []), sent.get(a.id, 0), daily_limit(a)) for a in accounts]


def pause_reason(events: list[Event], state: AccountState) -> Event | None:
    """The event that moved the account into its current state (its raw error says why)."""
    return next((e for e in reversed(events) if e.to_state == state.value), None)


def choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    """A filter's value if it is one of ``allowed`` (``all`` and anything else: no filter)."""
    return value if value in allowed and value != "all" else None
