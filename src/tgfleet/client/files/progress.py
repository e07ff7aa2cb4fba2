"""``Progress``: calls a transfer's progress callback as Pyrogram does, ``progress(current, total, *progress_args)``.

The callback may be a function or a coroutine function; raising ``StopTransmission`` in it stops the transfer
(the media method then returns None, as in Pyrogram). Anything else it raises ends the transfer with that error.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any


class Progress:
    """``await progress.add(n)``: ``n`` more bytes are done; the callback hears the running total."""

    __slots__ = ("_args", "_callback", "current", "total")

    def __init__(self, callback: Callable[..., Any] | None, total: int, args: Sequence[Any] = ()) -> None:
        if callback is not None and not callable(callback):
            raise TypeError(f"progress must be callable, not {type(callback).__name__}")
        self._callback = callback
        self._args = tuple(args)
        self.current = 0
        self.total = total

    async def add(self, done: int) -> None:
        self.current += done
        if self._callback is None:
            return
        result = self._callback(self.current, self.total, *self._args)
        if inspect.isawaitable(result):
            await result
