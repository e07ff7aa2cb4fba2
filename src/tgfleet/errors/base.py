"""Base errors of every layer below the RPC level.

Each class says in its docstring what the caller should do. The layers raise only these (or their
subclasses); OS and asyncio errors are converted into them in ``tgfleet.net`` and nowhere else.
"""

from __future__ import annotations

from typing import ClassVar


class TgfleetError(Exception):
    """Root of every error tgfleet raises on purpose."""


class DecodeError(TgfleetError, ValueError):
    """Bytes that do not decode as the TL type they were read as.

    Raised for truncated input, unknown constructor ids, impossible vector counts and strings that run
    past the end. ``where`` names the constructor/field being read and ``offset`` the byte position in
    the buffer. What to do: treat the whole message as corrupt (the connection that delivered it is
    suspect and should be dropped); never retry the same bytes.
    """

    def __init__(self, problem: str, *, where: str = "", offset: int = -1) -> None:
        self.problem = problem
        self.where = where
        self.offset = offset
        parts = [problem]
        if where:
            parts.append(f"in {where}")
        if offset >= 0:
            parts.append(f"at offset {offset}")
        super().__init__(" ".join(parts))


class EncodeError(TgfleetError, ValueError):
    """A value that cannot be serialized as its TL type (wrong Python type, out of range, too long).

    What to do: fix the argument; nothing was sent.
    """


class TransportError(TgfleetError):
    """The transport framing is broken (bad length, bad checksum, unknown protocol tag).

    What to do: close the connection and open a new one; the MTProto session survives.
    """


class PacketTooLarge(TransportError):
    """A frame's length field exceeds the configured maximum packet size. Nothing was allocated.

    What to do: close the connection; the peer is broken or hostile.
    """


class TransportCodeError(TransportError):
    """The server answered with a bare transport error code (a negative 32-bit integer).

    -404: the auth key is unknown to the server (or the handshake was malformed): create a new key.
    -429: transport flood (too many connections or requests): reconnect after a pause.
    -444: invalid DC id during key exchange: check the network configuration.
    """

    MEANINGS: ClassVar[dict[int, str]] = {
        -404: "auth key not found or message malformed",
        -429: "transport flood: too many connections or requests",
        -444: "invalid DC id",
    }

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(f"transport error {code}: {self.MEANINGS.get(code, 'unknown transport error')}")


class SecurityError(TgfleetError):
    """A received message or handshake step failed a protocol security check.

    The message is dropped and no state changes. What to do: drop it and reconnect; never trust its
    content. During a handshake: start the key exchange again from the beginning.
    """


class HandshakeError(SecurityError):
    """The auth-key exchange failed a mandatory check (nonce, hash, prime, range, fingerprint).

    What to do: abandon this exchange and start a new one (with fresh randomness).
    """


class BadMessageError(TgfleetError):
    """The server rejected one of our messages with a bad_msg_notification that cannot be fixed by resending.

    ``code`` is the notification's error_code. What to do: this points at a bug (or clock far off); the
    request fails, the session may need to be recreated.
    """

    def __init__(self, code: int, description: str) -> None:
        self.code = code
        super().__init__(f"bad_msg_notification {code}: {description}")


class NetworkError(TgfleetError):
    """The connection to a data center could not be opened or was lost (the OS error is ``__cause__``).

    The client retries on its own with backoff; this reaches callers only when the retry policy gives up
    (then the client is FAILED) or for a one-off connection made outside the client.
    """


class ProxyError(NetworkError):
    """The configured proxy refused or could not be reached. Check the proxy settings; retrying the same
    proxy is unlikely to help, so the client fails instead of looping."""


class SendGateClosed(NetworkError):
    """The sender's send gate (``may_send``: e.g. a fleet worker's check that it still holds the account's
    lease) said no. The connection was aborted before another byte went out with this auth key and the
    sender is FAILED: calls raise ``ConnectionFailed`` with this as its ``reason``. What to do: treat every
    call that was in flight as maybe executed (repeat it only with the same ``random_id``, and only from
    whoever owns the account now); disconnect this client and do not reuse it; once the account is yours
    again (a new lease), connect a new client."""


class RequestTimeout(TgfleetError, TimeoutError):
    """A call did not complete within its timeout. The server may or may not have executed it; calls with a
    ``random_id`` (messages.sendMessage) can be repeated safely, the server de-duplicates them."""


class ConnectionFailed(TgfleetError):
    """The client gave up: it is FAILED and will not reconnect. ``reason`` is what made it give up (a revoked
    key, a deactivated account, a duplicated key, the retry limit, an unreachable proxy). What to do: for a
    revoked/unregistered key, log in again; otherwise fix the cause and create a new client."""

    def __init__(self, reason: BaseException) -> None:
        self.reason = reason
        super().__init__(f"connection failed for good: {reason}")


class ConfigurationError(TgfleetError, ValueError):
    """A setting the client cannot work with: an unknown transport, an api_id or api_hash of the wrong form,
    a timeout that is not positive, a DC the network has no address for. Raised as soon as the setting is
    seen (the constructor, ``connect()``), never after a timeout; retrying cannot help. What to do: fix the
    setting the message names."""


class PeerNotFound(TgfleetError, LookupError):
    """A chat id, username or phone number the client cannot turn into a peer. The message says what was
    tried. What to do: check the id/username; for an id, the account must have seen the peer first (a
    message from it, a dialog, or a username lookup), because Telegram needs its access hash."""
