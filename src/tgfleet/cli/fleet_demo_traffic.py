"""The demo's traffic: sends through the outbox, customers' replies into the inbox, one flood wait, one revoked key.

Every ``every`` seconds a message to a customer goes into the outbox for the support pool (the scheduler picks the
account); a customer answers each message it received (the sandbox delivers the reply to the account, which the
worker stores in the inbox, where the demo's handler counts it). Soon after the start the sandbox answers one
account's next send with FLOOD_WAIT (the dashboard counts it down) and logs another account's key out (the
worker's next call finds it revoked). Nothing here waits on the fleet: it only enqueues and watches.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tgfleet.fleet import Fleet
from tgfleet.sandbox import Sandbox
from tgfleet.sandbox.world import World
from tgfleet.tl import functions

if TYPE_CHECKING:
    from tgfleet.cli.fleet_demo import Member

FLOOD_AFTER = 6.0
FLOOD_SECONDS = 90
REVOKE_AFTER = 12.0
LINES = ("Hello! How can we help?", "Your order is on its way.", "Thanks for waiting, we are on it.",
         "Could you send the order number?", "All done: anything else?")  # fmt: skip


class Traffic:
    def __init__(self, tg: Sandbox, fleet: Fleet, members: Sequence[Member], customers: Sequence[Member], *,
                 every: float, say: Callable[[str], None], seed: int = 1) -> None:  # fmt: skip
        self.tg, self.fleet, self.members, self.customers = tg, fleet, members, customers
        self.every, self.say, self.rng = every, say, random.Random(seed)
        self.replies = 0
        self._seen: set[tuple[int, int]] = set()
        self._ids = itertools.count(1)

        @fleet.on_message(pool="support", name="demo replies")
        async def count(client: Any, message: Any) -> None:
            self.replies += 1

    async def run(self, done: asyncio.Event) -> None:
        """Send, reply and break things on schedule until ``done``."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        flooded = revoked = False
        while not done.is_set():
            elapsed = loop.time() - start
            if not flooded and elapsed >= FLOOD_AFTER:
                flooded = True
                await self._flood(self.members[1])
            if not revoked and elapsed >= REVOKE_AFTER and len(self.members) > 2:
                revoked = True
                await self._revoke(self.members[2])
            customer = self.rng.choice(self.customers)
            await self.fleet.outbox.send(peer=f"@{customer.username}", text=self.rng.choice(LINES), pool="support",
                                         idempotency_key=f"demo-{next(self._ids)}")  # fmt: skip
            self._reply_to_new()
            try:
                await asyncio.wait_for(done.wait(), self.every)
            except asyncio.TimeoutError:
                pass

    async def _flood(self, member: Member) -> None:
        self.tg.force_flood(functions.messages.SendMessage, FLOOD_SECONDS, user_id=member.user_id)
        await self.fleet.outbox.send(peer=f"@{self.customers[0].username}", text="This one waits out a flood wait.",
                                     account=member.label, idempotency_key="demo-flood")  # fmt: skip
        self.say(f"  the sandbox answers {member.label}'s next send with FLOOD_WAIT_{FLOOD_SECONDS}")

    async def _revoke(self, member: Member) -> None:
        keys = self.tg.revoke(user_id=member.user_id)
        # a message pinned to it: its next call meets the logged-out key (pool sends may go to other accounts)
        await self.fleet.outbox.send(peer=f"@{self.customers[0].username}", text="This one finds the key logged out.",
                                     account=member.label, idempotency_key="demo-revoked")  # fmt: skip
        self.say(f"  the sandbox logged {member.label} out ({keys} key): the fleet will mark it needs_login")

    def _reply_to_new(self) -> None:
        """Each customer answers every message it got from a support account since the last look."""
        world = self.tg.world
        assert isinstance(world, World)  # the embedded sandbox's own world
        support = {m.user_id for m in self.members}
        for customer in self.customers:
            for message in self.tg.messages_of(customer.user_id):
                key = (customer.user_id, message.id)
                if message.out or message.peer_id not in support or key in self._seen:
                    continue
                self._seen.add(key)
                world.send_message(customer.user_id, message.peer_id, "Thank you!")

    def summary(self) -> dict[str, Any]:
        return {"replies_handled": self.replies, "customers_answered": len(self._seen)}


async def outbox_states(fleet: Fleet) -> Counter[str]:
    """How many of the demo's messages are in each state."""
    states: Counter[str] = Counter()
    after = None
    while True:
        page = await fleet.outbox.list(limit=1000, after=after)
        if not page:
            return states
        states.update(m.state.value for m in page)
        after = page[-1].id
