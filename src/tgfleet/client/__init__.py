"""``tgfleet.Client``: the Pyrogram-style API over tgfleet's own MTProto stack.

Owns the client lifecycle and its composition (``core.py``, ``parts.py``): the per-DC senders (``dcs.py``),
the call path (``invoke.py``: flood waits, rate limits, migration, permanent failures; every result handed
on), the peer cache and resolver, the updates (``updates/``: sequencer, manager, dispatcher), file transfers
(``files/``: uploads in parts, downloads in chunks, on the media senders), and the API methods (one mixin per topic
in ``methods/``). May import the Pyrogram model (``handlers``, ``filters``, ``types``, ``parser``,
``enums``), ``net``, ``storage``, ``mtproto``, ``crypto``, ``tl`` and ``errors``; never ``sandbox`` or ``fleet``.
"""

from tgfleet.client.client import Client
from tgfleet.client.floods import FloodWaitEvent
from tgfleet.client.ratelimit import RateLimits
from tgfleet.net.retry import RetryPolicy
from tgfleet.net.state import ConnectionState, StateChange

__all__ = ["Client", "ConnectionState", "FloodWaitEvent", "RateLimits", "RetryPolicy", "StateChange"]
