"""``Parts``: what one ``connect()`` of a client puts together, each part given only what it needs.

``ClientCore._compose`` (``core.py``) builds them in this order, so each input exists before the part that
takes it:

- ``storage``: the session (a file, memory, or the storage the caller gave);
- ``peers`` (``PeerCache``): writes the users and chats of answers and updates to the storage;
- ``updates`` (``UpdatesManager``): calls the client's ``invoke``, keeps its state in the storage, tells
  ``peers`` the peers of pushed updates, follows the home DC's state feed, hands updates to the client's
  ``Dispatcher``;
- ``dcs`` (``DcPool``): the senders; the home sender's session events go to ``updates.on_event``;
- ``invoker`` (``Invoker``): calls through ``dcs`` under the client's rate limiter and flood-wait memory; every
  result goes to ``peers.remember`` and ``updates.feed``.

Peers are resolved from ``storage`` through the client's ``invoke`` (``resolver.py``), with no state of their own.

Closing is the reverse: the updates stop, the senders close, the storage is saved and closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgfleet.client.dcs import DcPool
from tgfleet.client.invoke import Invoker
from tgfleet.client.peer_cache import PeerCache
from tgfleet.client.updates import UpdatesManager
from tgfleet.storage import Storage


@dataclass(frozen=True, slots=True)
class Parts:
    storage: Storage
    peers: PeerCache
    updates: UpdatesManager
    dcs: DcPool
    invoker: Invoker
