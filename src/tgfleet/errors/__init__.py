"""Typed errors of every layer. Leaf package: imports nothing else from tgfleet.

Layer errors (``base``): DecodeError, EncodeError, TransportError (PacketTooLarge, TransportCodeError),
SecurityError (HandshakeError), BadMessageError, NetworkError (ProxyError, SendGateClosed), RequestTimeout,
ConnectionFailed, ConfigurationError, PeerNotFound. RPC errors (``rpc``): RPCError and one class per code;
one generated class per error name (``_gen``: FloodWait, SessionPasswordNeeded, PhoneMigrate, ...),
loaded on first use. ``rpc_error(code, message)`` builds the right one.
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
from tgfleet.errors.rpc import (
    BadRequest,
    Flood,
    Forbidden,
    InternalServerError,
    NotAcceptable,
    NotFound,
    RPCError,
    SeeOther,
    Unauthorized,
    rpc_error,
)

if TYPE_CHECKING:  # type checkers see every generated class; at run time they load on first use
    from tgfleet.errors._gen import *  # noqa: F403

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
    "TgfleetError",
    "TransportCodeError",
    "TransportError",
    "Unauthorized",
    "rpc_error",
]


def __getattr__(name: str) -> Any:
    """The generated per-name classes (``FloodWait``, ...), imported on first access."""
    if name[:1].isupper():
        from tgfleet.errors import _gen

        if hasattr(_gen, name):
            return getattr(_gen, name)
    raise AttributeError(f"module 'tgfleet.errors' has no attribute {name!r}")
