"""The limits of the sandbox's network side: the per-account rates and the resource bounds of the server.

Resource bounds (:class:`Limits`) keep hostile connections from taking the server down: a connection that
has not sent a valid encrypted message yet is *unauthenticated*; such connections get handshake-sized frames
only, a total deadline from accept, and a lobby of their own per DC that bounds their number and the bytes
they hold, oldest closed first, so that new clients always get in (``connection.py``, ``lobby.py``).

The rates (:class:`Rate`) are enforced by ``flood.py``'s ``FloodGuard``, which answers ``FLOOD_WAIT_X``.
Every rate is optional: ``None`` (or a count of 0) disables it. (The world's login limits are
``login_limits.py``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tgfleet.tl.functions import messages

MESSAGE_METHODS: frozenset[type] = frozenset(
    {
        messages.SendMessage,
        messages.SendMedia,
        messages.SendMultiMedia,
        messages.ForwardMessages,
        messages.SendInlineBotResult,
    }
)
"""The methods that send messages (they count against the ``messages`` rate as well as ``requests``)."""

MAX_PACKET = (1 << 20) + (16 << 10)
"""Largest accepted transport payload: 1 MiB (Telegram's message bound) plus room for the envelope."""


@dataclass(frozen=True)
class Rate:
    """``count`` events per ``per`` seconds, with a burst of ``count`` (a token bucket of that size)."""

    count: float
    per: float = 1.0

    @property
    def enabled(self) -> bool:
        return self.count > 0 and self.per > 0


@dataclass(frozen=True)
class Limits:
    """Everything the network side bounds. Pass one to ``Sandbox(limits=...)``; the defaults suit tests."""

    requests: Rate | None = Rate(100)
    """API calls per account (every call but the MTProto service ones)."""
    messages: Rate | None = Rate(30)
    """Message-sending calls (:data:`MESSAGE_METHODS`) per account."""
    new_account_requests: Rate | None = Rate(30)
    new_account_messages: Rate | None = Rate(10)
    message_methods: frozenset[type] = field(default=MESSAGE_METHODS)
    max_packet: int = MAX_PACKET
    """Largest transport payload; a longer frame closes the connection."""
    max_unauthenticated_packet: int = 4096
    """Largest payload before the connection's first valid encrypted message (the largest key-exchange
    message is under 1 KB); longer frames are refused at their length field, unless their auth_key_id is a key
    known on the DC (a client that has a key may start with a large message)."""
    max_outgoing_bytes: int = 8 << 20
    """Bytes queued for one connection that its client has not read yet; beyond this it is closed."""
    max_connections_per_dc: int = 4096
    """Connections of one DC. A new one beyond this closes the oldest unauthenticated connection, or is
    closed at once when all of them are authenticated."""
    max_unauthenticated_per_dc: int = 1024
    """Connections of one DC that have not sent a valid encrypted message yet (in their key exchange, or
    hostile); a new connection beyond this closes the oldest of them, so a new client always gets in."""
    max_unauthenticated_bytes: int = 8 << 20
    """Bytes the unauthenticated connections of one DC hold buffered together (partial frames); beyond it,
    the one that has held bytes longest is closed."""
    listen_backlog: int = 4096
    """Each listener's accept queue (the OS may cap it); fleets open many connections at once."""
    max_sessions_per_key: int = 64
    """Sessions remembered per auth key; the least recently used one is forgotten beyond this."""
    max_pending_calls: int = 256
    """Calls of one session being handled at once; more are answered 500 MT_SEND_QUEUE_TOO_LONG."""
    max_queued_pushes: int = 1000
    """Updates kept for a subscribed session while it has no live connection; later ones are dropped."""
    handshake_timeout: float = 30.0
    """Seconds from accept within which a connection must send a valid encrypted message (transport
    detection, key exchange, first message), else it is closed: a deadline, not a silence timer, so bytes
    trickled in do not extend it. Generous: a storm of fresh key exchanges queues for the server's CPU."""
    frame_timeout: float = 10.0
    """Seconds a frame may take to arrive whole once its first byte has (every connection)."""
    idle_timeout: float = 300.0
    """An authenticated connection is closed after this much silence (clients ping well within it)."""
    call_timeout: float = 30.0
    """A handler running longer than this is answered -503 Timeout."""
    max_buckets: int = 100_000
    """Rate-limit buckets remembered (least recently used ones are forgotten)."""
    takeout_delay: float = 0.0
    """Seconds an account waits for its first takeout session: Telegram answers an export request with
    420 ``TAKEOUT_INIT_DELAY_X`` and notifies the account's other devices, so that they can react before data
    leaves (https://core.telegram.org/api/takeout); 0 (the default) grants the first init at once."""

    def __post_init__(self) -> None:
        """A bound that cannot work is a configuration error here, not a surprise at the first connection."""
        for name in _POSITIVE:
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be positive, got {getattr(self, name)!r}")
        if not self.takeout_delay >= 0:
            raise ValueError(f"Limits.takeout_delay must be 0 or more seconds, got {self.takeout_delay!r}")
        if not 4 <= self.max_unauthenticated_packet <= self.max_packet:
            raise ValueError(
                f"Limits.max_unauthenticated_packet must be 4..max_packet ({self.max_packet}), "
                f"got {self.max_unauthenticated_packet}"
            )


_POSITIVE = (
    "max_connections_per_dc",
    "max_unauthenticated_per_dc",
    "max_unauthenticated_bytes",
    "handshake_timeout",
    "frame_timeout",
    "idle_timeout",
)
