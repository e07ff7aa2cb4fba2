"""Shared cases for the transport tests: every client configuration and its server counterpart."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from random import Random

from tgfleet.mtproto.transport import (
    Abridged,
    Codec,
    Event,
    Framing,
    Full,
    Intermediate,
    Obfuscated,
    Packet,
    PaddedIntermediate,
    ServerTransport,
)

SECRET = bytes.fromhex("00112233445566778899aabbccddeeff")


def pattern(n: int) -> bytes:
    """P(n) of docs/test-vectors.md §5: bytes 00 01 02 ... (i mod 256)."""
    return bytes(i % 256 for i in range(n))


@dataclass(frozen=True)
class Case:
    """One client configuration: framing class, obfuscation, MTProxy secret."""

    framing: type[Framing]
    obfuscated: bool = False
    secret: bytes | None = None
    dc_id: int | None = None

    @property
    def id(self) -> str:
        name = self.framing.NAME.replace(" ", "-")
        if self.obfuscated:
            name = f"obfuscated-{name}"
        if self.secret is not None:
            name += "-mtproxy"
        return name

    @property
    def padded(self) -> bool:
        return self.framing is PaddedIntermediate

    @property
    def quick_acks(self) -> bool:
        return self.framing is not Full

    def client(self, *, max_packet: int = 1 << 24, random: Callable[[int], bytes] = os.urandom) -> Codec:
        inner = self.framing(max_packet=max_packet, random=random)
        if not self.obfuscated:
            return inner
        return Obfuscated(inner, secret=self.secret, dc_id=self.dc_id, random=random)

    def server(self, *, max_packet: int = 1 << 24, random: Callable[[int], bytes] = os.urandom) -> ServerTransport:
        return ServerTransport(secret=self.secret, max_packet=max_packet, random=random)

    def pair(
        self, *, max_packet: int = 1 << 24, random: Callable[[int], bytes] = os.urandom
    ) -> tuple[Codec, ServerTransport]:
        """A client and a server that has detected the client's transport from a first 24-byte packet."""
        client = self.client(max_packet=max_packet, random=random)
        server = self.server(max_packet=max_packet, random=random)
        hello = bytes(range(24))
        (event,) = server.feed(client.encode(hello))
        assert payload_of(event, hello, self) == hello
        assert server.codec is not None
        return client, server


def seeded(seed: int) -> Callable[[int], bytes]:
    """A reproducible ``random(n)`` (hypothesis needs deterministic padding lengths)."""
    return Random(seed).randbytes


PLAIN = [Case(Abridged), Case(Intermediate), Case(PaddedIntermediate), Case(Full)]
OBFUSCATED = [
    Case(Abridged, obfuscated=True),
    Case(Intermediate, obfuscated=True),
    Case(PaddedIntermediate, obfuscated=True),
    Case(Intermediate, obfuscated=True, secret=SECRET, dc_id=2),
    Case(PaddedIntermediate, obfuscated=True, secret=b"\xdd" + SECRET, dc_id=-4),
]
ALL = PLAIN + OBFUSCATED
IDS = [case.id for case in ALL]


def payload_of(event: Event, sent: bytes, case: Case) -> bytes:
    """The payload of a received packet, checked against ``sent`` (padded keeps up to 15 bytes more)."""
    assert isinstance(event, Packet), event
    if case.padded:
        assert event.payload[: len(sent)] == sent
        assert 0 <= len(event.payload) - len(sent) <= 15
        return event.payload[: len(sent)]
    return event.payload


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` split at the given offsets (clamped, sorted, duplicates allowed)."""
    points = sorted({min(max(c, 0), len(data)) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in pairwise(edges)]
