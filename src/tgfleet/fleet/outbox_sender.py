"""``OutboxSender``: the worker's sending for one connected account, simply: one message at a time, each begun (fenced:
the due head of a chat, its pinned random_id and the attempt committed) in the transaction that writes the previous
one's outcome (``HolderOutbox.step``, ``outbox_outcomes``), sent with its random_id, as fast as its ``Throttle``
lets it (the account's policy: token buckets per account and per chat, daily budgets of messages and new peers, a
circuit breaker whose cool-down is a ledger wait too). It never sleeps on a flood wait: the message goes to
``retry_wait`` until the wait's end, the wait goes to the flood ledger (``flood_ledger``) in the same transaction,
and the sender reads the account's waits when it starts: the account's sends pause until a FLOOD_WAIT's end, a chat
in slow mode is skipped until its own (a new holder reads the same rows: a restart keeps every wait; within one
holder it keeps the waits it writes). Nothing is claimed that is not begun at once, so nothing waits while held by a
sender. An outcome that stops the account's sending (held, the breaker tripped) is written on its own, at once.

When nothing is due it waits, without asking the store, for a wake-up (``wake``, a ``SenderWake``: from its worker's
``OutboxWatch``, which hears the notices and sweeps the store once for all the worker's accounts) or for the first
of its own times: its throttle's, and the end of a gate that kept a due chat back (slow mode, the chat's bucket, the
new-peer budget's next day); ``poll_interval`` adds a poll of its own (none by default). A held message's error is
raised after it is written, so the runner reports it to the health seam. Pool messages: an account takes them while
it is healthy (``takes_pool``) and has budget left (its throttle lets it send now); which ones, ``outbox_pool`` says
(sticky per peer, else the least-loaded account).

``hooks`` are for tests that crash a worker at the worst moments: ``after_begin`` runs once the ``sending`` commit
is done and before the call, ``after_call`` once the call returned and before the ``sent`` commit.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tgfleet.client import Client
from tgfleet.fleet.errors import StaleEpoch
from tgfleet.fleet.flood_ledger import ANY_METHOD, Wait, account_wait, chat_waits
from tgfleet.fleet.outbox_holder import Ended, HolderOutbox, Outcome
from tgfleet.fleet.outbox_outcomes import holds_account, outcome_of
from tgfleet.fleet.outbox_records import OutboxMessage, OutboxState
from tgfleet.fleet.records import Account, AccountState, Evidence
from tgfleet.fleet.sender_wake import SenderWake
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
        wake: SenderWake,
        throttle: Throttle,
        poll_interval: float = math.inf,
        call_timeout: float = 30.0,
        hooks: SendHooks = SendHooks(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._slowed: dict[str, float] = {}
        self._gate = math.inf  # when the first chat the last step kept back may go
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
        waits (every write is fenced by its epoch), and the waits it writes itself it also keeps here. A step goes
        to the store when there is an outcome to write or may be work: after a message went, after a wake-up that
        says so, or when ``has_work`` (a read) says so after a hint or one of its own times; it begins the next
        message only while the account's throttle lets one go now, a chat's only while its gates do (``_may_go``)."""
        day = self._clock() // DAY * DAY
        self._throttle.seed(*await self._holder.history(day))
        waits = await self._holder.flood_waits(self._clock())
        self._throttle.wait_until(account_wait(waits))
        self._slowed = chat_waits(waits)
        maybe_work, ended = True, None
        while True:
            ready = self._throttle.delay() <= 0
            if ended is None and not ready:
                maybe_work = await self._idle(min(self._throttle.delay(), self._poll)) or maybe_work
                continue
            pool = takes_pool(self._account)
            if ended is not None or maybe_work or await self._holder.has_work(take_pool=pool):
                self._gate = math.inf
                begun = await self._holder.step(ended, choose=self._may_go if ready else None, take_pool=pool,
                                                random_id=self._client.new_random_id())  # fmt: skip
                ended = None if begun is None else await self._attempt(*begun)
                maybe_work = begun is not None or not ready
            if not maybe_work:
                maybe_work = await self._idle(min(self._gate - self._clock(), self._poll))

    async def _idle(self, seconds: float) -> bool:
        """Wait for a wake-up or ``seconds``; whether it was a wake-up that says there is work (``SenderWake.set``)."""
        return await self._wake.wait(seconds) == "set"

    def _may_go(self, chat: str, peer: str) -> bool:
        """The chat's gates: its slow-mode wait in the ledger, its bucket, the new-peer budget. A chat kept back
        moves ``_gate`` to when it may go."""
        now = self._clock()
        delay = self._throttle.chat_delay(chat, peer)
        until = max(self._slowed.get(chat, 0.0), now + delay if delay is not None else (now // DAY + 1) * DAY)
        if until > now:
            self._gate = min(self._gate, until)
            return False
        return True

    async def _attempt(self, message: OutboxMessage, attempt: int) -> Ended | None:
        """The call for a message begun (its ``sending`` committed): what to write of it with the next step, or None
        once written (an outcome that stops the account's sending is written at once)."""
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
            return await self._failed(message, attempt, exc)
        if self._hooks.after_call is not None:
            await self._hooks.after_call(message)
        self._throttle.sent(message.chat, message.peer)
        return message.id, attempt, Outcome(OutboxState.SENT, tg_message_id=sent.id)

    async def _failed(self, message: OutboxMessage, attempt: int, error: BaseException) -> Ended | None:
        outcome = outcome_of(error, message.attempts, message.chat, self._clock)
        log.info("%s: outbox message %d %s: %r", self._account.label, message.id, outcome.state.value, error)
        if outcome.wait is not None and outcome.wait.chat:
            self._slowed[outcome.wait.chat] = max(self._slowed.get(outcome.wait.chat, 0.0), outcome.wait.until)
        elif outcome.wait is not None:
            self._throttle.wait_until(outcome.wait.until)
        cool_until = self._throttle.flooded() if outcome.wait is not None else None
        if cool_until is None and not holds_account(error):
            return message.id, attempt, outcome
        await self._holder.finish(message.id, attempt, outcome)
        if cool_until is not None:
            self._throttle.wait_until(cool_until)
            why = Evidence(name="CIRCUIT_BREAKER", message=f"{self._throttle.policy.breaker_floods} flood waits within"
                           f" {self._throttle.policy.breaker_window:.0f} s; the last: {outcome.error}")  # fmt: skip
            await self._holder.cool_down(Wait(ANY_METHOD, cool_until), why)
            log.warning("%s: cooling down until %.0f (%s)", self._account.label, cool_until, why.message)
        if holds_account(error):
            raise error
        return None

    async def _finish_cancelled(self, message: OutboxMessage, attempt: int) -> None:
        """Stopped during the call: ``unknown`` (same random_id next time), if the lease still lets us write."""
        try:
            await self._holder.finish(message.id, attempt, Outcome(OutboxState.UNKNOWN))
        except (StaleEpoch, LookupError, Exception) as exc:  # the next holder's claim recovers it
            log.info("%s: outbox message %d left sending: %r", self._account.label, message.id, exc)
