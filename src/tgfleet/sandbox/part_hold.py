"""``PartHold``: shows that a client has several file parts in flight at once, without timing (``tg.hold_parts``).

Armed with ``n``, every ``upload.saveFilePart`` / ``upload.saveBigFilePart`` that arrives waits before it is handled,
until ``n`` parts wait at the same moment; then all of them go on together and the hold is spent (later parts are
handled at once). A part that waited ``timeout`` seconds without that happening is answered
``400 UPLOAD_PARTS_NOT_CONCURRENT`` (a sandbox-only error), and so are the others waiting with it, so an upload
that never has ``n`` parts in flight fails instead of hanging.

A connection answers its calls one after the other (``inbound.py``), so ``n`` parts can wait together only if
they came on ``n`` connections: the released parts (``released``) say which connection each came on and whether
it was a media one (``listeners.py``: a DC's ``media_only`` listener), never the main session's. Consulted in
``inbound.answer`` before the dispatcher; ``Sandbox.hold_parts`` arms it.
"""

from __future__ import annotations

import asyncio
import itertools
import weakref
from dataclasses import dataclass

from tgfleet.tl import TLFunction, TLObject, functions, innermost

NOT_CONCURRENT = (400, "UPLOAD_PARTS_NOT_CONCURRENT")
PART_CALLS = (functions.upload.SaveFilePart, functions.upload.SaveBigFilePart)


@dataclass(frozen=True)
class HeldPart:
    """One part the hold released: its index, the connection it came on (numbered by the hold in order of first
    sight) and whether that was a media connection."""

    file_part: int
    connection: int
    media: bool


class _Round:
    """One arming: set when its parts may go (``ok``) or must fail (not ``ok``)."""

    __slots__ = ("done", "ok")

    def __init__(self) -> None:
        self.done = asyncio.Event()
        self.ok = False

    def end(self, ok: bool) -> None:
        if not self.done.is_set():
            self.ok = ok
            self.done.set()


class PartHold:
    __slots__ = ("_n", "_next", "_numbers", "_round", "_timeout", "_waiting", "released")

    def __init__(self) -> None:
        self._n = 0
        self._timeout = 0.0
        self._waiting: list[HeldPart] = []
        self._round = _Round()
        self._numbers: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
        self._next = itertools.count(1)
        self.released: list[HeldPart] = []
        """The parts the last hold let go together (empty until it did)."""

    def arm(self, n: int, timeout: float) -> None:
        """Hold parts until ``n`` wait at once (``n`` >= 2); a part waits ``timeout`` seconds at most."""
        if n < 2:
            raise ValueError(f"n must be at least 2 (one part is always alone), got {n}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._round.end(True)
        self._n, self._timeout = n, timeout
        self._waiting, self.released = [], []
        self._round = _Round()

    def disarm(self) -> None:
        """Stop holding; the parts waiting go on now."""
        self._n, self._waiting = 0, []
        self._round.end(True)

    async def wait(self, obj: TLObject, connection: object, media: bool) -> tuple[int, str] | None:
        """Hold ``obj`` if it is a file part and the hold is armed: None once it may go on, or the error to
        answer (the hold ran out)."""
        query = innermost(obj) if isinstance(obj, TLFunction) else obj
        if not self._n or not isinstance(query, PART_CALLS):
            return None
        number = self._numbers.get(connection)
        if number is None:
            number = self._numbers[connection] = next(self._next)
        this = self._round
        self._waiting.append(HeldPart(query.file_part, number, media))
        if len(self._waiting) >= self._n:
            self.released, self._waiting, self._n = self._waiting, [], 0
            this.end(True)
            return None
        try:
            await asyncio.wait_for(this.done.wait(), self._timeout)
        except asyncio.TimeoutError:
            self._n, self._waiting = 0, []
            this.end(False)  # the others waiting with it fail too
        return None if this.ok else NOT_CONCURRENT
