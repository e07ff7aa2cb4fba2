"""The synchronous style: Pyrogram's client methods called without ``await`` outside a running event loop
(``app.start(); app.send_message("me", "hi"); app.stop()``, ``with app: ...``, ``app.run()``).

The async path pays nothing for it: the client's methods stay plain coroutine functions. The few entry
points (``start``, ``run``, ``with``; ``tgfleet.idle`` and ``compose``) check for a running
loop; called outside one, they switch that client, once, to a subclass (``sync_class``) whose every public
coroutine method runs its coroutine on the client's loop (this thread's, made once) and returns the
result; called inside a running loop, that subclass's methods hand the coroutine back to be awaited as
usual, and from another thread (a plain handler in the executor) they run it on the client's loop and
wait. Objects' bound methods (``message.reply_text``) return what the client method returns, so they
follow the client's style.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_local = threading.local()


def running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def thread_loop() -> asyncio.AbstractEventLoop:
    """This thread's loop for the synchronous style (made, and set as the thread's current one, once)."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def run_on(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to its end on ``loop`` from outside any running loop (in another thread if ``loop`` runs)."""
    if loop.is_running():
        return asyncio.run_coroutine_threadsafe(coro, loop).result()
    return loop.run_until_complete(coro)


def entry(client: Any, coro: Coroutine[Any, Any, T]) -> Any:
    """An entry point's coroutine: awaitable inside a running loop, else run now in the synchronous style."""
    if running_loop() is not None:
        return coro
    return run_on(make_sync(client), coro)


def make_sync(client: Any) -> asyncio.AbstractEventLoop:
    """Switch ``client`` to the synchronous style (once); its loop."""
    loop: asyncio.AbstractEventLoop | None = client.__dict__.get("_sync_loop")
    if loop is None:
        loop = client.__dict__["_sync_loop"] = thread_loop()
        client.__class__ = sync_class(type(client))
    return loop


_SYNC_CLASSES: dict[type, type] = {}


def sync_class(cls: type) -> type:
    """``cls`` with every public coroutine (and async generator) method usable without ``await`` (made once)."""
    if (made := _SYNC_CLASSES.get(cls)) is not None:
        return made
    wrapped: dict[str, Any] = {}
    for name in dir(cls):
        attr = inspect.getattr_static(cls, name)
        if name.startswith("_") or not callable(attr):
            continue
        if inspect.iscoroutinefunction(attr):
            wrapped[name] = _method(attr)
        elif inspect.isasyncgenfunction(attr):
            wrapped[name] = _generator(attr)
    made = _SYNC_CLASSES[cls] = type(
        cls.__name__, (cls,), {"__module__": cls.__module__, "__qualname__": cls.__qualname__, **wrapped}
    )
    return made


def _method(function: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    @functools.wraps(function)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        coro = function(self, *args, **kwargs)
        loop = self._sync_loop
        running = running_loop()
        if running is loop:
            return coro  # inside the client's loop (an async handler): awaited as always
        if running is not None:  # another thread's loop
            return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))
        return run_on(loop, coro)

    return method


def _generator(function: Callable[..., AsyncIterator[Any]]) -> Callable[..., Any]:
    @functools.wraps(function)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        agen = function(self, *args, **kwargs)
        if running_loop() is not None:
            return agen
        return _iterate(agen, self._sync_loop)

    return method


def _iterate(agen: AsyncIterator[T], loop: asyncio.AbstractEventLoop) -> Iterator[T]:
    async def step() -> tuple[bool, Any]:
        try:
            return False, await agen.__anext__()
        except StopAsyncIteration:
            return True, None

    while True:
        done, item = run_on(loop, step())
        if done:
            return
        yield item
