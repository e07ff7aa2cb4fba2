"""What the updates machinery hands on: a ``Delivery`` of updates in order, to one ``Dispatch`` callback.

The callback is the seam between the updates (``manager.py``: sequencing, catching up, persisting the state)
and whatever runs the handlers (``dispatcher.py`` today; a pool of worker tasks with handler groups can take
its place without the manager changing)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tgfleet.storage import UpdateState


@dataclass(frozen=True)
class Delivery:
    """``updates`` to handle in order (raw TL updates, short forms already expanded), the ``users`` and
    ``chats`` they came with, and the account's own user id (to tell outgoing messages). ``state``: the update
    state once these are applied, the one the manager saves after the callback returns (so whatever stores the
    updates durably can store the state that covers them in the same write)."""

    updates: list[Any]
    users: list[Any]
    chats: list[Any]
    self_id: int
    state: UpdateState | None = None
    channels: Mapping[int, int] = field(default_factory=dict)


Dispatch = Callable[[Delivery], Awaitable[None]]
