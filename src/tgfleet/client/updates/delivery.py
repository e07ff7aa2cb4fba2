"""What the updates machinery hands on: a ``Delivery`` of updates in order, to one ``Dispatch`` callback.

The callback is the seam between the updates (``manager.py``: sequencing, catching up, persisting the state)
and whatever runs the handlers (``dispatcher.py`` today; a pool of worker tasks with handler groups can take
its place without the manager changing)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Delivery:
    """``updates`` to handle in order (raw TL updates, short forms already expanded), the ``users`` and
    ``chats`` they came with, and the account's own user id (to tell outgoing messages)."""

    updates: list[Any]
    users: list[Any]
    chats: list[Any]
    self_id: int


Dispatch = Callable[[Delivery], Awaitable[None]]
