"""A connection's outgoing frames: queued with the DC's latency fault, held while the DC is frozen, then written
in order with flow control. A connection creates its outbox with its first frame (most hostile connections
never get one, and so cost no queue, no event and no task).
"""

from __future__ import annotations

import asyncio
from collections import deque

from tgfleet.sandbox.faults import DcFaults
from tgfleet.sandbox.stream import Stream


class Outbox:
    """Frames for one stream; ``None`` closes the stream once everything before it is written."""

    def __init__(self, stream: Stream, faults: DcFaults) -> None:
        self._stream = stream
        self._faults = faults
        self._loop = asyncio.get_running_loop()
        self._frames: deque[tuple[float, bytes | None]] = deque()
        self._wake = asyncio.Event()
        self.bytes = 0
        """Bytes queued and not written yet."""

    def put(self, frame: bytes | None) -> None:
        self._frames.append((self._loop.time() + self._faults.latency, frame))
        self._wake.set()
        if frame is not None:
            self.bytes += len(frame)

    def clear(self) -> None:
        self._frames.clear()
        self.bytes = 0

    async def run(self) -> None:
        """Write frames as they fall due, until a ``None`` closes the stream (raises OSError if it breaks)."""
        frames, faults, loop = self._frames, self._faults, self._loop
        while True:
            if not frames:
                self._wake.clear()
                await self._wake.wait()
                continue
            delay = frames[0][0] - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            if faults.frozen:
                await faults.thawed.wait()
                continue
            while frames and frames[0][0] <= loop.time():
                _, frame = frames.popleft()
                if frame is None:
                    self._stream.close()
                    return
                self.bytes -= len(frame)
                self._stream.write(frame)
            await self._stream.drain()
