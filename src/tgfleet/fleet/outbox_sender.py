"""``OutboxSender``: the worker's sending for one connected account, simply: claim the due messages (fenced,
the head of each chat), send each with its pinned random_id, write the outcome (``outbox_outcomes``), one at a
time, as fast as its ``Throttle`` lets it (the account's policy: token buckets per account and per chat, daily
budgets of messages and new peers, a circuit breaker whose cool-down is a ledger wait too). It never sleeps on a
flood wait: the message goes to ``retry_wait`` until the wait's end, the wait goes to the flood ledger
(``flood_ledger``) in the same transaction, and the sender reads the account's waits when it starts: the
account's sends pause until a FLOOD_WAIT's end, a chat in slow mode is skipped until its own (a new holder reads
the same rows: a restart keeps every wait; within one holder it keeps the waits it writes). Claimed messages it
does not send now are given back at once: nothing waits while holding one.

When nothing is due it waits for a wake-up (``wake``: a message became due, in this process or by NOTIFY) or the
poll interval, whichever comes first. A held message's error is raised after it is written, so the runner reports
it to the health seam. Pool messages: an account takes them while it is healthy
(``takes_pool``) and has budget left (its throttle lets it send now); which ones, ``outbox_pool`` says (sticky per
peer, else the least-loaded account).

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
from tgfleet.fleet.flood_ledger import ANY_METHOD, Wait, account_wait, chat_waits
from tgfleet.fleet.outbox_holder import HolderOutbox, Outcome
from tgfleet.fleet.outbox_outcomes import holds_account, outcome_of
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.records import Account, AccountState, Evidence
from tgfleet.fleet.throttle import DAY, Throttle
from tgfleet.net.timeouts import within

log = logging.getLogger("tgfleet.fleet")
Hook = Callable[[OutboxMessage], Awaitable[None]]
_NUMERIC = re.compile(r"-?\d+")


@dataclass(frozen=True)
class SendHooks:
    after_begin: Hook | None = None
    after_call: Hook | None = None


def takes_pool(account: Account) -> bool:
    """Whether the account may take its pool's unassigned messages (``outbox_pool`` says which): a healthy one."""
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
        throttle: Throttle,
        poll_interval: float = 1.0,
        call_timeout: float = 30.0,
        hooks: SendHooks = SendHooks(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._slowed: dict[str, float] = {}
        self._holder, self._client, self._account = holder, client, account
        self._wake, self._throttle, self._poll, self._timeout, self._hooks = (
            wake,
            throttle,
            poll_interval,
            call_timeout,
            hooks,
        )

    async def run(self) -> None:
        """Send until cancelled (StaleEpoch and a held message's error end it; the runner handles both).

        The ledger is read once, when the holder starts: while it holds the lease no one else writes the account's
        waits (every write is fenced by its epoch), and the waits it writes itself it also keeps here. The claim
        goes to the store when there may be work: after a batch that sent, after a wake-up, or when ``has_work``
        (a read) says so after a poll."""
        day = self._clock() // DAY * DAY
        self._throttle.seed(*await self._holder.history(day))
        waits = await self._holder.flood_waits(self._clock())
        self._throttle.wait_until(account_wait(waits))
        self._slowed = chat_waits(waits)
        maybe_work = True
        while True:
            if (delay := self._throttle.delay()) > 0:
                maybe_work = await self._idle(min(delay, self._poll)) or maybe_work
                continue
            pool = takes_pool(self._account)
            if maybe_work or await self._holder.has_work(take_pool=pool):
                batch = await self._holder.claim(limit=self._throttle.allowance(10), take_pool=pool)
                maybe_work = bool(batch) and await self._send_batch(batch) > 0
            if not maybe_work:
                maybe_work = await self._idle(self._poll)

    async def _idle(self, seconds: float) -> bool:
        """Wait for a wake-up or ``seconds``; whether it was a wake-up."""
        try:
            await within(self._wake.wait(), seconds)
        except asyncio.TimeoutError:
            return False
        finally:
            self._wake.clear()
        return True

    async def _send_batch(self, batch: list[OutboxMessage]) -> int:
        """Send what the gates let through now (how many); the rest is given back at once."""
        rest, sent = [], 0
        try:
            while batch:
                message = batch.pop(0)
                if self._throttle.delay() > 0 or not self._may_go(message):
                    rest.append(message)
                    continue
                await self._send(message)
                sent += 1
        finally:
            rest += batch
            if rest:
                await asyncio.shield(self._give_back(rest))
        return sent

    def _may_go(self, message: OutboxMessage) -> bool:
        """The chat's gates: its slow-mode wait in the ledger, its bucket, the new-peer budget."""
        if self._slowed.get(message.chat, 0.0) > self._clock():
            return False
        return self._throttle.chat_delay(message.chat, message.peer) == 0.0

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
        self._throttle.sent(message.chat, message.peer)
        await self._holder.finish(message.id, attempt, Outcome(OutboxState.SENT, tg_message_id=sent.id))

    async def _failed(self, message: OutboxMessage, attempt: int, error: BaseException) -> None:
        outcome = outcome_of(error, message.attempts, message.chat, self._clock)
        await self._holder.finish(message.id, attempt, outcome)
        log.info("%s: outbox message %d %s: %r", self._account.label, message.id, outcome.state.value, error)
        if outcome.wait is not None and outcome.wait.chat:
            self._slowed[outcome.wait.chat] = max(self._slowed.get(outcome.wait.chat, 0.0), outcome.wait.until)
        elif outcome.wait is not None:
            self._throttle.wait_until(outcome.wait.until)
        if outcome.wait is not None and (cool_until := self._throttle.flooded()) is not None:
            self._throttle.wait_until(cool_until)
            why = Evidence(name="CIRCUIT_BREAKER", message=f"{self._throttle.policy.breaker_floods} flood waits within"
                           f" {self._throttle.policy.breaker_window:.0f} s; the last: {outcome.error}")  # fmt: skip
            await self._holder.cool_down(Wait(ANY_METHOD, cool_until), why)
            log.warning("%s: cooling down until %.0f (%s)", self._account.label, cool_until, why.message)
        if holds_account(error):
            raise error

    async def _finish_cancelled(self, message: OutboxMessage, attempt: int) -> None:
        """Stopped during the call: ``unknown`` (same random_id next time), if the lease still lets us write."""
        try:
            await self._holder.finish(message.id, attempt, Outcome(OutboxState.UNKNOWN))
        except (StaleEpoch, LookupError, Exception) as exc:  # the next holder's claim recovers it
            log.info("%s: outbox message %d left sending: %r", self._account.label, message.id, exc)
