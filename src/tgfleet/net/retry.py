"""Reconnect policy: exponential backoff with jitter (optional limits on attempts and on time spent down),
which connection-ending errors are final at once, and which only once confirmed.

A transport error code (-404: the server does not know the auth key; -444: wrong DC id) is four bytes
without any authentication (https://core.telegram.org/mtproto/mtproto-transports#transport-errors):
a broken proxy or anything else on the path can forge it. The sender therefore reconnects at once and
acts on such a code only when the fresh connection answers the same before it ever became CONNECTED.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tgfleet import errors
from tgfleet.errors import (
    DecodeError,
    NetworkError,
    ProxyError,
    RequestTimeout,
    RPCError,
    SecurityError,
    TransportCodeError,
    TransportError,
)

ENDINGS = (NetworkError, TransportError, SecurityError, DecodeError, RequestTimeout, RPCError)
"""What may end one connection of a sender: it reconnects, unless the cause is ``final`` (or a confirmed
transport error code). Anything else out of a connection is a bug or a configuration error: the sender
fails with it at once, logged."""


@dataclass(frozen=True)
class RetryPolicy:
    """``delay(n) = min(maximum, initial * factor ** (n - 1))``, randomized by ±``jitter`` (a fraction).

    ``max_attempts``: consecutive failed connection attempts before giving up (None: never).
    ``deadline``: seconds of continuous disconnection before giving up (None: never).
    """

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 0.25
    max_attempts: int | None = None
    deadline: float | None = None

    def next_delay(self, attempt: int, down_for: float, random: Callable[[int], bytes]) -> float | None:
        """The pause before attempt ``attempt + 1``; None when a limit is reached (then the client FAILs)."""
        if self.max_attempts is not None and attempt >= self.max_attempts:
            return None
        if self.deadline is not None and down_for >= self.deadline:
            return None
        base = min(self.maximum, self.initial * self.factor ** (attempt - 1))
        spread = (int.from_bytes(random(2), "little") / 65535.0) * 2 - 1  # in [-1, 1]
        delay = max(0.0, base * (1 + self.jitter * spread))
        if self.deadline is not None:
            delay = min(delay, max(self.deadline - down_for, 0.0))
        return delay


def final(cause: BaseException) -> bool:
    """Whether ``cause`` ends the sender without another attempt: an unusable proxy, or the RPC error that
    refused a connection's first request (an api_id or layer the server rejects)."""
    return isinstance(cause, ProxyError | RPCError)


def doubtful_code(cause: BaseException, *, has_key: bool) -> int | None:
    """The code of ``cause`` if it is a transport error that would end the sender once confirmed: -444, or
    -404 when there is an auth key to be unknown (before that, -404 means a malformed handshake message,
    which a new attempt may fix). None for everything else."""
    if isinstance(cause, TransportCodeError) and (cause.code == -444 or (cause.code == -404 and has_key)):
        return cause.code
    return None


def confirmed(code: int, dc_id: int, cause: BaseException) -> BaseException:
    """The final error for a transport error ``code`` seen on two connections in a row."""
    if code == -404:
        detail = f"DC {dc_id} has no such auth key (transport error -404, confirmed on a fresh connection)"
        return errors.AuthKeyUnregistered(detail=detail)
    return cause
