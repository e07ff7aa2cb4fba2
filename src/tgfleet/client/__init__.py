"""``tgfleet.Client``: the Pyrogram-style API over tgfleet's own MTProto stack.

Owns the client lifecycle, the call path (flood waits, rate limits, migration, permanent failures), the
per-DC senders and the API methods (one mixin per topic). May import ``net``, ``storage``, ``mtproto``,
``crypto``, ``tl`` and ``errors``; never ``sandbox`` or ``fleet``.
"""

from tgfleet.client.client import Client
from tgfleet.client.invoke import FloodWaitEvent
from tgfleet.client.ratelimit import RateLimits
from tgfleet.net.retry import RetryPolicy
from tgfleet.net.state import ConnectionState, StateChange

__all__ = ["Client", "ConnectionState", "FloodWaitEvent", "RateLimits", "RetryPolicy", "StateChange"]
