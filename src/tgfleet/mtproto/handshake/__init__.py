"""Auth-key creation (the DH exchange of https://core.telegram.org/mtproto/auth_key), sans-IO, in both roles.

Owns: the client state machine (:class:`ClientHandshake`), the server state machine (:class:`ServerHandshake`,
used by the sandbox), their results, and the pure step functions they are built from (``client_steps``,
``server_steps``) so tests can replay the published example with its exact randomness. Packets in and out
are unencrypted MTProto messages (no transport framing); time (``now``) and randomness (``random(n)``) are
parameters. Both ``receive()`` methods raise only :class:`~tgfleet.errors.HandshakeError` on bad input.

May import ``tgfleet.crypto``, ``tgfleet.tl``, ``tgfleet.errors`` and ``tgfleet.mtproto.plain``/``msgid``.
"""

from tgfleet.mtproto.handshake.client import ClientHandshake
from tgfleet.mtproto.handshake.common import (
    MAX_ENCRYPTED,
    MAX_PACKET,
    MAX_RETRIES,
    TEST_DC_OFFSET,
    HandshakeResult,
    ServerHandshakeResult,
    TransportReject,
    wire_dc,
)
from tgfleet.mtproto.handshake.server import ServerHandshake

__all__ = [
    "MAX_ENCRYPTED",
    "MAX_PACKET",
    "MAX_RETRIES",
    "TEST_DC_OFFSET",
    "ClientHandshake",
    "HandshakeResult",
    "ServerHandshake",
    "ServerHandshakeResult",
    "TransportReject",
    "wire_dc",
]
