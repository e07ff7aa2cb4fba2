"""``StopPropagation`` and ``ContinuePropagation``: what a handler raises to steer the rest of an update's
handlers (Pyrogram's names; both are ``StopAsyncIteration``s, as there, so a bare ``except Exception`` in a
handler does not swallow them)."""

from __future__ import annotations


class StopPropagation(StopAsyncIteration):
    """Raised in a handler (or its filter's callback): no handler of any later group sees this update."""


class ContinuePropagation(StopAsyncIteration):
    """Raised in a handler: the next handler of the same group that takes the update runs too."""


class StopTransmission(Exception):
    """Raised in a ``progress`` callback to stop a file transfer (Pyrogram's name; no transfers yet)."""
