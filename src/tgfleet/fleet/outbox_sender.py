"""``OutboxSender``: the worker's sending for one connected account, simply: claim the due messages (fenced, the head
of each chat), send each with its pinned random_id, write the outcome (``outbox_outcomes``), one at a time, at most
one every ``interval`` seconds. It never sleeps on a flood wait: the message goes to ``retry_wait`` until the wait's
end, the wait goes to the flood ledger (``flood_ledger``) in the same transaction, and the sender reads the
account's waits before each batch: the account's sends pause until a FLOOD_WAIT's end, a chat in slow mode is
skipped until its own (a new holder reads the same rows: a restart keeps every wait). Claimed messages it does not
send now are given back at once: nothing waits while holding one.

When nothing is due it waits for a wake-up (``wake``: a message became due, in this process or by NOTIFY) or the
poll interval, whichever comes first. A held message's error is raised after it is written, so the runner reports
it to the health seam. Seams for what comes next: ``Pacing`` (one interval per account today; token buckets, budgets
and warm-up later) and ``takes_pool`` (which pool messages this account takes: today any, when it is healthy).

``hooks`` are for tests that crash a worker at the worst moments: ``after_begin`` runs once the ``sending`` commit is
done and before the call, ``after_call`` once the call returned and before the ``sent`` commit.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tgfleet.client import Client
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.flood_ledger import account_wait, chat_waits
from tgfleet.fleet.outbox_holder import HolderOutbox, Outcome
from tgfleet.fleet.outbox_outcomes import holds_account, outcome_of
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.records import Account, AccountState
from tgfleet.net.timeouts import within

log = logging.getLogger("tgfleet.fleet")
Hook = Callable[[OutboxMessage], Awaitable[None]]
_NUMERIC = re.compile(r"-?\d+")


@dataclass(frozen=True)
class SendHooks:
    after_begin: Hook | None = None
    after_call: Hook | None = None


class Pacing:
    """When the account may send next: ``interval`` seconds apart, and not before a flood wait's end."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.time) -> None:
        self.interval, self._clock = interval, clock
        self._next = 0.0

    def delay(self) -> float:
        return max(0.0, self._next - self._clock())

    def sent(self) -> None:
        self._next = max(self._next, self._clock() + self.interval)

    def wait_until(self, when: float) -> None:
        self._next = max(self._next, when)


def takes_pool(account: Account) -> bool:
    """Whether the account takes its pool's unassigned messages: a healthy account of the pool does."""
    return account.state in (AccountState.ACTIVE, AccountState.NEW)


def chat_id(peer: str) -> int | str:
    """The peer as ``send_message`` takes it: a numeric id as an int, a username or phone as it is."""
    return int(peer) if _NUMERIC.fullmatch(peer) else peer


class OutboxSender:
    def __init__(
        self,
        holder: HolderOutbox,
        client: Client,
        account: Account,
        *,
        wake: asyncio.Event,
        pacing: Pacing,
        poll_interval: float = 1.0,
        call_timeout: float = 30.0,
        hooks: SendHooks = SendHooks(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._slowed: dict[str, float] = {}
        self._holder, self._client, self._account = holder, client, account
        self._wake, self._pacing, self._poll, self._timeout, self._hooks = (
            wake,
            pacing,
            poll_interval,
            call_timeout,
            hooks,
        )

    async def run(self) -> None:
        """Send until cancelled (StaleEpoch and a held message's error end it; the runner handles both)."""
        while True:
            if (delay := self._pacing.delay()) > 0:
                await self._idle(delay)
                continue
            waits = await self._holder.flood_waits(self._clock())
            self._pacing.wait_until(account_wait(waits))
            if self._pacing.delay() > 0:
                continue
            self._slowed = chat_waits(waits)
            pool = takes_pool(self._account)
            batch = (
                await self._holder.claim(limit=10, take_pool=pool)
                if await self._holder.has_work(take_pool=pool)
                else []
            )
            if not batch:
                await self._idle(self._poll)
                continue
            await self._send_batch(batch)

    async def _idle(self, seconds: float) -> None:
        try:
            await within(self._wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    async def _send_batch(self, batch: list[OutboxMessage]) -> None:
        rest = list(batch)
        try:
            while rest and self._pacing.delay() == 0:
                if self._slowed.get(rest[0].chat, 0.0) > self._clock():
                    break  # the chat is in slow mode (the ledger says until when): given back below
                await self._send(rest.pop(0))
        finally:
            if rest:
                await asyncio.shield(self._give_back(rest))

    async def _give_back(self, messages: list[OutboxMessage]) -> None:
        try:
            await self._holder.release(messages)
        except Exception as exc:  # the next holder's claim recovers them
            log.info("%s: claimed messages not given back: %r", self._account.label, exc)

    async def _send(self, claimed: OutboxMessage) -> None:
        message, attempt = await self._holder.begin(claimed, self._client.new_random_id())
        assert message.random_id is not None
        if self._hooks.after_begin is not None:
            await self._hooks.after_begin(message)
        try:
            sent = await within(
                self._client.send_message(chat_id(message.peer), message.text, random_id=message.random_id),
                self._timeout,
            )
        except asyncio.CancelledError:
            await asyncio.shield(self._finish_cancelled(message, attempt))
            raise
        except Exception as exc:
            await self._failed(message, attempt, exc)
            return
        if self._hooks.after_call is not None:
            await self._hooks.after_call(message)
        await self._holder.finish(message.id, attempt, Outcome(OutboxState.SENT, tg_message_id=sent.id))
        self._pacing.sent()

    async def _failed(self, message: OutboxMessage, attempt: int, error: BaseException) -> None:
        outcome = outcome_of(error, message.attempts, message.chat, self._clock)
        await self._holder.finish(message.id, attempt, outcome)
        log.info("%s: outbox message %d %s: %r", self._account.label, message.id, outcome.state.value, error)
        if outcome.state is OutboxState.RETRY_WAIT and outcome.not_before is not None:
            self._pacing.wait_until(outcome.not_before)
        if holds_account(error):
            raise error

    async def _finish_cancelled(self, message: OutboxMessage, attempt: int) -> None:
        """Stopped during the call: ``unknown`` (same random_id next time), if the lease still lets us write."""
        try:
            await self._holder.finish(message.id, attempt, Outcome(OutboxState.UNKNOWN))
        except (StaleEpoch, LookupError, Exception) as exc:  # the next holder's claim recovers it
            log.info("%s: outbox message %d left sending: %r", self._account.label, message.id, exc)
