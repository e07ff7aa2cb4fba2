"""``SenderWake``: how an outbox sender is woken (``outbox_sender``) by its worker (``outbox_watch``).

Two kinds of wake-up: ``set`` when there is work for the account (a message of its own became due, it was sent
one, a NOTICE named it): the sender steps at once; ``hint`` when there may be (a message of its pool waits
unassigned): the sender first asks the store whether it is the account to take it (``HolderOutbox.has_work``, a
read), so a pool's many senders do not all write a step for one message.
"""

from __future__ import annotations

import math
from typing import Literal

from tgfleet.net.flag import Flag


class SenderWake:
    __slots__ = ("_event", "_sure")

    def __init__(self) -> None:
        self._event = Flag()
        self._sure = False

    def set(self) -> None:
        """There is work: the sender steps at once."""
        self._sure = True
        self._event.set()

    def hint(self) -> None:
        """There may be work: the sender asks the store first."""
        self._event.set()

    async def wait(self, seconds: float) -> Literal["set", "hint"] | None:
        """Wait for a wake-up, at most ``seconds`` (``math.inf``: no limit): which kind it was (both: ``set``), or
        None after ``seconds`` without one. The wake-up is used up."""
        if not await self._event.wait(None if seconds == math.inf else seconds):
            return None
        sure, self._sure = self._sure, False
        self._event.clear()
        return "set" if sure else "hint"
