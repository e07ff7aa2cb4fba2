"""``Handler``: a callback and the filter that chooses its updates (Pyrogram's ``Handler``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgfleet.filters import Filter, check


class Handler:
    """``callback(client, update)`` for the updates of this handler's kind that ``filters`` takes (all if None).

    ``await handler.check(client, update)`` asks the filter (a sync one in the client's executor)."""

    __slots__ = ("callback", "filters")

    def __init__(self, callback: Callable[..., Any], filters: Filter | None = None) -> None:
        if not callable(callback):
            raise TypeError(f"a handler's callback must be callable, not {type(callback).__name__}")
        if filters is not None and not callable(filters):
            raise TypeError(f"filters must be a tgfleet.filters.Filter, not {type(filters).__name__}")
        self.callback = callback
        self.filters = filters

    async def check(self, client: Any, update: Any) -> bool:
        flt = self.filters
        if flt is None:
            return True
        if isinstance(flt, Filter):
            return await check(flt, client, update)
        return bool(await _plain(flt, client, update))

    def __repr__(self) -> str:
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"{type(self).__name__}({name})"


async def _plain(func: Callable[..., Any], client: Any, update: Any) -> Any:
    """A filter that is a plain callable (not a ``Filter``): its answer, awaited if it is awaitable."""
    answer = func(client, update)
    if hasattr(answer, "__await__"):
        answer = await answer
    return answer


class EventHandler(Handler):
    """A handler of the client's own events (start, stop, connect, disconnect): ``callback(client)``, no filter."""

    __slots__ = ()

    def __init__(self, callback: Callable[..., Any]) -> None:
        super().__init__(callback)
