"""MTProto transport codecs, sans-IO, in both roles (https://core.telegram.org/mtproto/mtproto-transports).

Owns the byte framing below the message layer: abridged, intermediate, padded intermediate, full,
obfuscated2 (optionally MTProxy) around the first three, fake TLS for ``ee`` MTProxy secrets (``faketls``:
the hellos; ``tlsrecords``: the records after them), quick ACKs, transport error codes, and the server's
detection of a new connection's transport. Bytes in, bytes and events out: no IO, no clock;
randomness is a ``random(n) -> bytes`` parameter. May import ``tgfleet.crypto`` and ``tgfleet.errors``.

Client::

    codec = Obfuscated(Intermediate())            # or Abridged(), Full(), PaddedIntermediate(), ...
    sock.send(codec.encode(payload))              # the first call carries the init tag/header
    for event in codec.feed(sock.recv()):         # Packet(payload) | QuickAck(token)
        ...                                       # raises TransportCodeError(-404) etc., PacketTooLarge

Server::

    conn = ServerTransport()                      # detects EF / EEEEEEEE / DDDDDDDD / full / obfuscated
    for event in conn.feed(data): ...             # Packet(payload, quick_ack=...)
    conn.encode(reply); conn.encode_error(-404); conn.encode_quick_ack(token)
"""

from tgfleet.mtproto.transport.abridged import Abridged
from tgfleet.mtproto.transport.base import (
    DEFAULT_MAX_PACKET,
    Codec,
    Event,
    Framing,
    Packet,
    QuickAck,
)
from tgfleet.mtproto.transport.detect import ServerTransport, detect
from tgfleet.mtproto.transport.full import Full
from tgfleet.mtproto.transport.intermediate import Intermediate
from tgfleet.mtproto.transport.obfuscated import Obfuscated, make_init, obfuscation_keys
from tgfleet.mtproto.transport.padded import PaddedIntermediate, unpad

FRAMINGS: dict[str, type[Framing]] = {
    "abridged": Abridged,
    "intermediate": Intermediate,
    "padded": PaddedIntermediate,
    "full": Full,
}
"""Framing classes by the short names used in configuration."""

__all__ = [
    "DEFAULT_MAX_PACKET",
    "FRAMINGS",
    "Abridged",
    "Codec",
    "Event",
    "Framing",
    "Full",
    "Intermediate",
    "Obfuscated",
    "Packet",
    "PaddedIntermediate",
    "QuickAck",
    "ServerTransport",
    "detect",
    "make_init",
    "obfuscation_keys",
    "unpad",
]
