"""Helpers shared by the crypto tests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable


def replay(*chunks: bytes) -> Callable[[int], bytes]:
    """A ``random`` that hands out the given byte strings in order, checking the sizes asked for."""
    queue = list(chunks)

    def random(n: int) -> bytes:
        chunk = queue.pop(0)
        assert len(chunk) == n, (len(chunk), n)
        return chunk

    return random


def seeded(seed: int) -> Callable[[int], bytes]:
    """A deterministic ``random`` (SHA256 in counter mode over ``seed``)."""
    counter = 0

    def random(n: int) -> bytes:
        nonlocal counter
        out = b""
        while len(out) < n:
            out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
            counter += 1
        return out[:n]

    return random
