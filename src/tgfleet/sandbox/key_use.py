"""``KeyUse``: which connections each auth key's messages arrived on, in arrival order (``tg.key_use``; read-only).

Every encrypted packet a DC accepts is noted against its key and connection, numbered by one server-wide counter.
A connection's *span* for a key runs from its first such packet to its last. Two spans of one key that overlap mean
two connections used that key at the same time — what Telegram punishes with AUTH_KEY_DUPLICATED — and
``overlaps()`` lists them; a client that reconnects leaves spans one after the other. A fleet test checks that no
worker handing an account over (or killed, or stopped and resumed) ever makes one.

Bounded: the spans of at most ``MAX_SPANS`` connections per key are kept (the oldest go first), and keys are only
those the DCs know.
"""

from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict
from dataclasses import dataclass

MAX_SPANS = 256


@dataclass
class Span:
    """One connection's use of one key: packets ``first``..``last`` (server-wide sequence numbers), ``packets``;
    ``connection`` numbers the sandbox's connections in the order they first carried an encrypted packet."""

    connection: int
    first: int
    last: int
    packets: int = 1


class KeyUse:
    def __init__(self) -> None:
        self._seq = itertools.count(1)
        self._numbers: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
        self._next_connection = itertools.count(1)
        self._spans: dict[int, OrderedDict[int, Span]] = {}

    def saw(self, key_id: int, connection: object) -> None:
        """An encrypted packet for ``key_id`` arrived on ``connection`` (the hook in ``inbound.py``)."""
        n = next(self._seq)
        number = self._numbers.get(connection)
        if number is None:
            number = self._numbers[connection] = next(self._next_connection)
        spans = self._spans.setdefault(key_id, OrderedDict())
        span = spans.get(number)
        if span is None:
            spans[number] = Span(number, n, n)
            if len(spans) > MAX_SPANS:
                spans.popitem(last=False)
        else:
            span.last, span.packets = n, span.packets + 1

    def spans(self, key_id: int) -> list[Span]:
        """The connections that used ``key_id``, in the order they first did."""
        return [Span(s.connection, s.first, s.last, s.packets) for s in self._spans.get(key_id, {}).values()]

    def packets(self, key_id: int) -> int:
        """How many packets arrived for ``key_id`` (on the connections still kept)."""
        return sum(s.packets for s in self._spans.get(key_id, {}).values())

    def overlaps(self) -> list[tuple[int, Span, Span]]:
        """``(key_id, earlier, later)`` for every two connections whose use of one key overlapped in time."""
        found = []
        for key_id, spans in self._spans.items():
            ordered = sorted(spans.values(), key=lambda s: s.first)
            for i, later in enumerate(ordered):
                found += [(key_id, earlier, later) for earlier in ordered[:i] if later.first < earlier.last]
        return found
