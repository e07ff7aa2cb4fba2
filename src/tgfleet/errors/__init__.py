"""Typed errors of every layer. Leaf package: imports nothing else from tgfleet."""

from tgfleet.errors.base import (
    BadMessageError,
    DecodeError,
    EncodeError,
    HandshakeError,
    PacketTooLarge,
    SecurityError,
    TgfleetError,
    TransportCodeError,
    TransportError,
)

__all__ = [
    "BadMessageError",
    "DecodeError",
    "EncodeError",
    "HandshakeError",
    "PacketTooLarge",
    "SecurityError",
    "TgfleetError",
    "TransportCodeError",
    "TransportError",
]
