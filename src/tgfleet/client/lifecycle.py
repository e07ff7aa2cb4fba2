"""The lifecycle of Pyrogram's ``Client``: ``start()``, ``stop()``, ``restart()``, ``run()``, ``async with``
and ``with`` (the synchronous style, ``sync.py``).

``start()`` loads the plugins, connects, logs in if the session is not logged in yet (``authorize``: a bot
token, or phone, code and 2FA password, each from the constructor's arguments, ``start()``'s, or the
terminal), reads the account into ``client.me``, opens a takeout session if ``takeout=True`` (a user, not a bot,
as Pyrogram), runs the ``StartHandler`` and returns the client.
``stop()`` runs the ``StopHandler``, finishes the takeout session, stops the updates, lets the handlers finish
what was queued, disconnects and (by default, as Kurigram does) clears the handlers; ``restart()`` keeps them.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from tgfleet.client.idle import _idle
from tgfleet.client.methods.auth import Prompt
from tgfleet.client.methods.qr_start import QrStartMethods
from tgfleet.client.methods.updates import UpdateMethods
from tgfleet.client.plugins import plugin_handlers
from tgfleet.client.sync import entry, make_sync, run_on, running_loop
from tgfleet.errors import TgfleetError
from tgfleet.handlers import StartHandler, StopHandler
from tgfleet.tl import functions

log = logging.getLogger("tgfleet.client")
FINISH_TIMEOUT = 10.0
"""Seconds ``stop()`` waits for the takeout session's finish at most (a dead connection must not hold it)."""
_L = TypeVar("_L", bound="LifecycleMethods")
T = TypeVar("T")


class LifecycleMethods(QrStartMethods, UpdateMethods):
    def start(
        self: _L,
        *,
        use_qr: bool = False,
        except_ids: list[int] | None = None,
        phone_number: str | Prompt | None = None,
        code: str | Prompt | None = None,
        password: str | Prompt | None = None,
        first_name: str | Prompt | None = None,
        last_name: str = "",
    ) -> Coroutine[Any, Any, _L]:
        """Connect, log in if needed, and return the client (``await app.start()``; outside a running loop,
        ``app.start()`` runs it there and then: the synchronous style). The login answers come from the
        arguments here, else the constructor's (``bot_token``, ``phone_number``, ``phone_code``,
        ``password``), else the terminal, as Pyrogram prompts. Already connected: only what is missing.
        Raises what the login raises (see ``authorize``); the client is disconnected again then. ``use_qr``: a
        session not logged in yet logs in by QR code instead (``authorize_qr``, ``except_ids`` as there)."""
        answers = {"phone_number": phone_number, "code": code, "password": password, "first_name": first_name}
        qr = (except_ids or []) if use_qr else None
        return entry(self, self._start(answers, last_name, qr))  # type: ignore[no-any-return]

    async def _start(self: _L, answers: dict[str, Any], last_name: str, qr: list[int] | None = None) -> _L:
        fresh = self._parts is None
        if fresh:
            self._load_plugins()
            await self.connect()
        try:
            if self.storage.get_user_id() is None and qr is not None:
                await self.authorize_qr(qr, password=answers["password"])
            elif self.storage.get_user_id() is None:
                await self.authorize(**answers, last_name=last_name)
            self.me = await self.get_me()
            if self.takeout and self.takeout_id is None and not self.me.is_bot:
                await self._init_takeout()
        except BaseException:
            if fresh:
                await self.disconnect()
            raise
        if fresh and (handler := self.event_handlers.get(StartHandler)) is not None:
            await self._run_event(handler)
        return self

    async def _init_takeout(self) -> None:
        """``takeout=True``: open a takeout session; the client's calls are wrapped in it from now on."""
        takeout = await self.invoke(functions.account.InitTakeoutSession())
        self.takeout_id = takeout.id
        log.info("%s: takeout session %d initiated", self.name, takeout.id)

    async def _finish_takeout(self) -> None:
        """Finish the takeout session (wrapped in it, as every call), waiting :data:`FINISH_TIMEOUT` seconds at most.
        A failure (refused, no answer, no connection) is logged: the client stops anyway."""
        try:
            await self.invoke(functions.account.FinishTakeoutSession(), timeout=min(self.timeout, FINISH_TIMEOUT))
        except TgfleetError as e:
            log.warning("%s: finishing takeout session %s failed: %s", self.name, self.takeout_id, e)
        finally:
            self.takeout_id = None

    def _load_plugins(self) -> None:
        if self.plugins is None:
            return
        added, removed = plugin_handlers(self.plugins, Path.cwd())
        for handler, group in added:
            self.add_handler(handler, group)
        for handler, group in removed:
            self.remove_handler(handler, group)

    async def stop(self: _L, block: bool = True, clear_handlers: bool = True) -> _L:
        """Stop: the ``StopHandler``, then the updates and the handlers' queue, then disconnect. Kurigram
        clears the handlers here by default (``clear_handlers``); plugins are loaded again by ``start()``.
        ``block=False`` returns at once (to stop the client from inside one of its handlers)."""
        if not block:
            self._spawn(self.stop(clear_handlers=clear_handlers))
            return self
        if self._parts is None:
            raise ConnectionError("the client is already stopped")
        if (handler := self.event_handlers.get(StopHandler)) is not None:
            await self._run_event(handler)
        if self.takeout_id is not None:
            await self._finish_takeout()
        await self.disconnect()
        if clear_handlers:
            self.dispatcher.clear()
        return self

    async def restart(self: _L, block: bool = True, clear_handlers: bool = False) -> _L:
        """``stop()`` then ``start()``, keeping the handlers (``clear_handlers=False``)."""
        if not block:
            self._spawn(self.restart(clear_handlers=clear_handlers))
            return self
        await self.stop(clear_handlers=clear_handlers)
        await self._start({}, "")
        return self

    def run(self, coroutine: Coroutine[Any, Any, T] | None = None) -> T | None:
        """Outside a running loop: with a coroutine, run it to its end on the client's loop and return its
        result; without one, ``start()``, ``idle()`` until SIGINT/SIGTERM, ``stop()``."""
        if running_loop() is not None:
            raise RuntimeError("run() starts an event loop; inside one, await start(), idle() and stop()")
        loop = make_sync(self)
        if coroutine is not None:
            return run_on(loop, coroutine)
        run_on(loop, self._start({}, ""))
        try:
            run_on(loop, _idle())
        finally:
            run_on(loop, LifecycleMethods.stop(self))
        return None

    async def __aenter__(self: _L) -> _L:
        return await self._start({}, "")

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._parts is not None:
            await LifecycleMethods.stop(self)

    def __enter__(self: _L) -> _L:
        if running_loop() is not None:
            raise RuntimeError("`with client:` is the synchronous style; inside a coroutine use `async with client:`")
        return run_on(make_sync(self), self._start({}, ""))

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._parts is not None:
            run_on(make_sync(self), LifecycleMethods.stop(self))
