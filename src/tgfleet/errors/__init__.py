"""Typed errors of every layer. Leaf package: imports nothing else from tgfleet.

Layer errors (``base``): DecodeError, EncodeError, TransportError (PacketTooLarge, TransportCodeError),
SecurityError (HandshakeError), BadMessageError, NetworkError (ProxyError, SendGateClosed), RequestTimeout,
ConnectionFailed, ConfigurationError, PeerNotFound. RPC errors (``rpc``): RPCError and one class per code;
one generated class per error name in Pyrogram's modules (``exceptions.bad_request_400``, ``exceptions.flood_420``,
...: FloodWait, SessionPasswordNeeded, PhoneMigrate, ...), loaded on first use; ``_gen`` holds the lookup tables.
``rpc_error(code, message)`` builds the right one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tgfleet.errors.base import (
    BadMessageError,
    ConfigurationError,
    ConnectionFailed,
    DecodeError,
    EncodeError,
    HandshakeError,
    NetworkError,
    PacketTooLarge,
    PeerNotFound,
    ProxyError,
    RequestTimeout,
    SecurityError,
    SendGateClosed,
    TgfleetError,
    TransportCodeError,
    TransportError,
)
from tgfleet.errors.lookup import rpc_error
from tgfleet.errors.rpc import (
    BadRequest,
    Flood,
    Forbidden,
    InternalServerError,
    NotAcceptable,
    NotFound,
    RPCError,
    SeeOther,
    ServiceUnavailable,
    Unauthorized,
    UnknownError,
)

if TYPE_CHECKING:  # type checkers see every generated class; at run time they load on first use
    from tgfleet.errors.exceptions import *  # noqa: F403

__all__ = [
    "BadMessageError",
    "BadRequest",
    "ConfigurationError",
    "ConnectionFailed",
    "DecodeError",
    "EncodeError",
    "Flood",
    "Forbidden",
    "HandshakeError",
    "InternalServerError",
    "NetworkError",
    "NotAcceptable",
    "NotFound",
    "PacketTooLarge",
    "PeerNotFound",
    "ProxyError",
    "RPCError",
    "RequestTimeout",
    "SecurityError",
    "SeeOther",
    "SendGateClosed",
    "ServiceUnavailable",
    "TgfleetError",
    "TransportCodeError",
    "TransportError",
    "Unauthorized",
    "UnknownError",
    "rpc_error",
]


def __getattr__(name: str) -> Any:
    """The generated per-name classes (``FloodWait``, ...), imported on first access."""
    if name[:1].isupper():
        from tgfleet.errors import exceptions

        if hasattr(exceptions, name):
            return getattr(exceptions, name)
    raise AttributeError(f"module 'tgfleet.errors' has no attribute {name!r}")
