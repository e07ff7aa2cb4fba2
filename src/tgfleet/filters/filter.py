"""``Filter``: a check on an update, composable with ``&``, ``|`` and ``~``, and ``create`` for custom ones."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any


class Filter:
    """A filter is called as ``await flt(client, update)`` and answers whether a handler takes the update.

    ``__call__`` may be a coroutine function or a plain one; a plain one runs in the client's executor (the
    loop's default one without), so a slow check does not stall the event loop, as in Pyrogram.
    """

    def __call__(self, client: Any, update: Any) -> Any:
        raise NotImplementedError

    def __invert__(self) -> Filter:
        return InvertFilter(self)

    def __and__(self, other: Filter) -> Filter:
        return AndFilter(self, other)

    def __or__(self, other: Filter) -> Filter:
        return OrFilter(self, other)


async def check(flt: Filter, client: Any, update: Any) -> bool:
    """Whether ``flt`` takes ``update``, awaiting it or running it in the executor."""
    if inspect.iscoroutinefunction(flt.__call__):
        return bool(await flt(client, update))
    loop = asyncio.get_running_loop()
    return bool(await loop.run_in_executor(getattr(client, "executor", None), flt, client, update))


class InvertFilter(Filter):
    """``~flt``: takes what ``flt`` does not."""

    def __init__(self, base: Filter) -> None:
        self.base = base

    async def __call__(self, client: Any, update: Any) -> bool:
        return not await check(self.base, client, update)


class AndFilter(Filter):
    """``a & b``: both (``b`` is not asked when ``a`` says no)."""

    def __init__(self, base: Filter, other: Filter) -> None:
        self.base, self.other = base, other

    async def __call__(self, client: Any, update: Any) -> bool:
        return await check(self.base, client, update) and await check(self.other, client, update)


class OrFilter(Filter):
    """``a | b``: either (``b`` is not asked when ``a`` says yes)."""

    def __init__(self, base: Filter, other: Filter) -> None:
        self.base, self.other = base, other

    async def __call__(self, client: Any, update: Any) -> bool:
        return await check(self.base, client, update) or await check(self.other, client, update)


def create(func: Callable[..., Any], name: str | None = None, **kwargs: Any) -> Filter:
    """A filter from ``func(flt, client, update)`` (async or not), as Pyrogram's ``filters.create``: the
    keyword arguments become attributes of the filter, which ``func`` reads from its first argument."""
    cls = type(name or func.__name__ or "CustomFilter", (Filter,), {"__call__": func, **kwargs})
    made: Filter = cls()
    return made
