"""The core of ``tgfleet.Client``: the constructor's settings, the lifecycle, connection state and ``invoke``
(Pyrogram-compatible names).

It is the composition root: ``connect()`` opens the session storage and builds the parts of one connection
(``parts.py`` lists them and what each is given): the DC pool, the call path, the peer cache and the
updates manager, whose deliveries go to the client's handlers (``updates/dispatcher.py``). Nothing
is wired through overridable hooks: the API methods (send_code, sign_in, send_message, on_message, ...) are
mixins in ``methods/`` that call these parts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from tgfleet import errors
from tgfleet.client.arguments import (
    check_api_hash,
    check_api_id,
    check_count,
    check_login,
    check_network,
    check_parse_mode,
    check_plugins,
    check_seconds,
    check_storage,
    check_takeout,
    check_transport,
)
from tgfleet.client.dcs import DcPool
from tgfleet.client.floods import FloodWaitEvent, FloodWaits
from tgfleet.client.init_params import InitParams
from tgfleet.client.invoke import Invoker
from tgfleet.client.parts import Parts
from tgfleet.client.peer_cache import PeerCache
from tgfleet.client.ratelimit import RateLimiter, RateLimits
from tgfleet.client.storage_face import STORAGE_FACE
from tgfleet.client.updates import Dispatcher, UpdatesManager
from tgfleet.enums import ParseMode
from tgfleet.errors import ConfigurationError, ConnectionFailed
from tgfleet.handlers import ConnectHandler, DisconnectHandler, EventHandler
from tgfleet.net import Network
from tgfleet.net.proxy import ProxyLike, parse_proxy
from tgfleet.net.retry import RetryPolicy
from tgfleet.net.sender import SenderConfig
from tgfleet.net.state import ConnectionState, StateChange, StateFeed
from tgfleet.storage import MemoryStorage, SQLiteStorage, Storage
from tgfleet.tl import TLFunction, functions, types
from tgfleet.version import __version__

log = logging.getLogger("tgfleet.client")
DEVICE_MODEL = f"{platform.python_implementation()} {platform.python_version()}"
"""What ``device_model`` says by default (one string for every client)."""
SYSTEM_VERSION = f"{platform.system()} {platform.release()}".strip()
"""What ``system_version`` says by default."""
WORKERS = min(32, (os.cpu_count() or 0) + 4)
"""Handler tasks at most by default (Pyrogram's ``workers``)."""
R = TypeVar("R")
_C = TypeVar("_C", bound="ClientCore")


class ClientCore:
    """A Telegram user (or bot) account (the API methods come from the mixins of ``tgfleet.Client``).

    ``name`` names the session file (``<workdir>/<name>.session``) unless ``in_memory`` or a
    ``session_string`` is given, or ``storage``: a :class:`tgfleet.storage.Storage` to keep the session in
    instead (opened by ``connect()``, saved and closed by ``disconnect()``; a session string is loaded into
    it). ``network`` says where Telegram is (default: production; a sandbox's ``tg.network`` for local
    tests). ``timeout`` bounds every call (seconds, per-call override); FLOOD_WAITs up to
    ``sleep_threshold`` seconds are slept and retried, longer ones raise ``FloodWait``.
    A keep-alive ping goes out every ``ping_interval`` seconds and must be answered within
    ``ping_timeout``; when a call times out on a connection that has received nothing since the call was
    sent, a ping must answer within ``probe_timeout`` or the connection is reopened. ``may_send``, the send
    gate, is asked before every connection and every write: once it returns False, not another byte goes
    out, every waiting call raises ``ConnectionFailed`` (reason ``SendGateClosed``) and the client is FAILED
    (a fleet worker passes its lease check). ``pfs=True`` turns on perfect forward secrecy
    (https://core.telegram.org/api/pfs): every message goes out under a temporary key, made for
    ``temp_key_lifetime`` seconds (a day) and bound to the permanent key, which never goes on the wire; a new
    one replaces it after three quarters of its life, or when the server forgot it. The temporary key lives
    in memory only: the session (and ``export_session_string``) holds the permanent key, as without PFS.

    Arguments are checked here: a wrong type raises ``TypeError``, a value that cannot work (an unknown
    ``transport``, an ``api_id`` that is not a positive 32-bit integer or numeric string, an ``api_hash``
    that is not 32 hex characters, a duration that is not positive, ``storage`` together with
    ``in_memory`` or ``storage_key``) raises ``ConfigurationError`` (a ``ValueError``) naming the argument.
    """

    def __init__(
        self,
        name: str,
        api_id: int | str | None = None,
        api_hash: str | None = None,
        app_version: str = f"tgfleet {__version__}",
        device_model: str | None = None,
        system_version: str | None = None,
        lang_code: str = "en",
        ipv6: bool = False,
        proxy: ProxyLike | None = None,
        test_mode: bool = False,
        bot_token: str | None = None,
        session_string: str | None = None,
        in_memory: bool | None = None,
        phone_number: str | None = None,
        phone_code: str | None = None,
        password: str | None = None,
        workers: int = WORKERS,
        workdir: str | os.PathLike[str] = ".",
        plugins: dict[str, Any] | None = None,
        parse_mode: ParseMode = ParseMode.DEFAULT,
        no_updates: bool | None = None,
        takeout: bool | None = None,
        sleep_threshold: float = 10.0,
        hide_password: bool = False,
        max_concurrent_transmissions: int = 1,
        *,
        storage: Storage | None = None,
        network: Network | None = None,
        timeout: float = 60.0,
        transport: str = "abridged",
        obfuscated: bool = False,
        rate_limits: RateLimits | None = None,
        retry: RetryPolicy | None = None,
        ping_interval: float = 60.0,
        ping_timeout: float = 20.0,
        probe_timeout: float = 5.0,
        connect_timeout: float = 10.0,
        storage_key: bytes | str | None = None,
        system_lang_code: str = "en",
        on_flood_wait: Callable[[FloodWaitEvent], None] | None = None,
        clock: Callable[[], float] = time.time,
        may_send: Callable[[], bool] | None = None,
        pfs: bool = False,
        temp_key_lifetime: int = 86400,
    ) -> None:
        self.name = name
        self.api_id = check_api_id(api_id)
        self.api_hash = check_api_hash(api_hash)
        self.bot_token, self.phone_number, self.phone_code, self.password = check_login(
            bot_token=bot_token, phone_number=phone_number, phone_code=phone_code, password=password
        )
        self.session_string = session_string
        self._given_storage = check_storage(storage, in_memory=bool(in_memory), storage_key=storage_key)
        self.in_memory = bool(in_memory) or session_string is not None
        self._storage: Storage | None = None  # made on first use; lives as long as the Client, across connects
        self._string_loaded = False
        self.workdir = Path(workdir)
        self.network = check_network(network, test_mode=test_mode)
        self.test_mode = self.network.test_mode
        self.ipv6 = bool(ipv6)
        self.workers = check_count("workers", workers)
        self.max_concurrent_transmissions = check_count("max_concurrent_transmissions", max_concurrent_transmissions)
        self._upload_slots = asyncio.Semaphore(self.max_concurrent_transmissions)
        self._download_slots = asyncio.Semaphore(self.max_concurrent_transmissions)
        """Files in transfer at a time, each way, as Pyrogram counts them (a file's own parts go four at a time)."""
        self._uploads = 0  # uploads running: the last one to end closes the extra media connections
        self.plugins = check_plugins(plugins)
        self.parse_mode = check_parse_mode(parse_mode)
        self.future_auth_token: bytes | None = None
        """The latest future auth token Telegram gave (at a login or ``log_out``): keep it and pass it to a later
        ``send_code(..., future_auth_tokens=[...])`` to log in again without a code
        (https://core.telegram.org/api/auth#future-auth-tokens)."""
        self.takeout = check_takeout(takeout)
        self.no_updates = bool(no_updates) or self.takeout  # a takeout client takes no updates, as Pyrogram says
        self.takeout_id: int | None = None
        """The takeout session ``start()`` opened (``takeout=True``): every call is wrapped in it until ``stop()``."""
        self.hide_password = bool(hide_password)
        self.sleep_threshold = check_seconds("sleep_threshold", sleep_threshold, zero=True, infinite=True)
        self.timeout = check_seconds("timeout", timeout)
        self.device_model = device_model or DEVICE_MODEL
        self.system_version = system_version or SYSTEM_VERSION
        self.app_version = app_version
        self.lang_code = lang_code
        self.system_lang_code = system_lang_code
        self.storage_key = storage_key
        self.clock = clock
        self.sender_config = SenderConfig(
            transport=check_transport(transport), obfuscated=obfuscated, proxy=parse_proxy(proxy),
            connect_timeout=check_seconds("connect_timeout", connect_timeout),
            ping_interval=check_seconds("ping_interval", ping_interval),
            ping_timeout=check_seconds("ping_timeout", ping_timeout),
            probe_timeout=check_seconds("probe_timeout", probe_timeout), retry=retry or RetryPolicy(),
            may_send=may_send, pfs=pfs, temp_key_lifetime=temp_key_lifetime,
        )  # fmt: skip
        # what outlives a connection: the state feed, the rate limits, remembered flood waits, the handlers
        self._states = StateFeed(self.network.default_dc, clock)
        self._limiter = RateLimiter(rate_limits if rate_limits is not None else RateLimits())
        self._floods = FloodWaits(on_flood_wait)
        self.dispatcher = Dispatcher(self, workers=self.workers)
        self._executor: ThreadPoolExecutor | None = None  # made on first use (``executor``)
        self.event_handlers: dict[type[EventHandler], EventHandler] = {}
        self.me: Any = None
        """The logged-in account (``tgfleet.types.User``) once ``start()`` has run."""
        self._states.add_listener(self._on_state)
        self._event_tasks: set[asyncio.Task[Any]] = set()
        self._was_up = False
        self._parts: Parts | None = None

    # -- state ---------------------------------------------------------------------------------------------
    @property
    def executor(self) -> ThreadPoolExecutor:
        """Where plain (non-async) handlers and filters run, as in Pyrogram: ``workers`` threads, made on first use
        (a fleet worker's thousand clients with async handlers never make one)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix=f"tgfleet {self.name} handler")
        return self._executor

    @executor.setter
    def executor(self, executor: ThreadPoolExecutor) -> None:
        self._executor = executor

    @property
    def state(self) -> ConnectionState:
        """CONNECTING, CONNECTED, DISCONNECTED or FAILED (terminal)."""
        return self._states.state

    @property
    def last_state_change(self) -> StateChange:
        return self._states.current

    @property
    def is_connected(self) -> bool:
        return self._states.state is ConnectionState.CONNECTED

    def on_state_change(self, listener: Callable[[StateChange], None]) -> Callable[[], None]:
        """Call ``listener(change)`` on every state change; returns a function that removes it."""
        return self._states.add_listener(listener)

    def state_changes(self) -> AsyncIterator[StateChange]:
        """``async for change in client.state_changes()``: every change from now on (ends after FAILED)."""
        return self._states.changes()

    @property
    def storage(self) -> Storage:
        """The session storage, from the start as in Pyrogram: open while connected; before (or after), closed
        unless the caller opens it (``await app.storage.open()``, then Pyrogram's accessors, ``save()``,
        ``close()``: a session written by hand before ``start()``). ``connect()`` opens this same object."""
        if self._storage is None:
            self._storage = self._new_storage()
            self._storage.pyrogram_face = STORAGE_FACE
        return self._storage

    def _new_storage(self) -> Storage:
        if self._given_storage is not None:
            return self._given_storage
        if self.in_memory:
            return MemoryStorage(clock=self.clock)
        path = self.workdir / f"{self.name}.session"
        return SQLiteStorage(path, encryption_key=self.storage_key, owner=f"tgfleet Client '{self.name}'")

    @property
    def dcs(self) -> DcPool:
        """The senders (``home_dc``, ``home``) while connected."""
        return self._connected().dcs

    # -- lifecycle -----------------------------------------------------------------------------------------
    async def connect(self) -> bool:
        """Open the session and connect to the home DC. Returns True if the session is logged in.

        Raises at once, never after a timeout, when connecting cannot succeed: the typed RPC error of a
        refused first request or of an unknown key (``AuthKeyUnregistered``), ``ConfigurationError``
        (e.g. a home DC the network has no address for), or ``ConnectionFailed`` with any other reason
        (an unusable proxy, the retry limit, an unexpected error, which is also logged)."""
        if self._parts is not None:
            raise ConnectionError("the client is already connected; call disconnect() first")
        storage = self._open_storage()
        try:
            self._parts = parts = self._compose(storage)
            await parts.dcs.start_home(timeout=self.timeout)
            if self.session_string is not None or storage.get_login_unverified():
                await self._verify_restored(storage)
            authorized = storage.get_user_id() is not None
            if authorized and not self.no_updates:
                await parts.updates.start()
        except BaseException as e:
            await self._close(storage)
            if isinstance(e, ConnectionFailed) and isinstance(e.reason, errors.RPCError | ConfigurationError):
                raise e.reason from e  # the typed cause (AuthKeyUnregistered, a DC not in the network, ...)
            raise
        return authorized

    def _open_storage(self) -> Storage:
        storage = self.storage
        storage.open()
        try:
            if self.session_string is not None and not self._string_loaded:
                from tgfleet.client.session_strings import load_session_string

                load_session_string(storage, self.session_string, api_id=self.api_id, network=self.network)
                # loaded once into the client's own memory: later connects keep what they learnt (its DC, keys)
                self._string_loaded = self._given_storage is None
            stored = storage.get_api_id()
            if self.api_id is None:
                self.api_id = stored
            elif stored is None:
                storage.set_api_id(self.api_id)
            if self.api_id is None:
                raise ValueError("api_id is required (get one at https://my.telegram.org, or use a sandbox's)")
        except BaseException:
            storage.close()
            raise
        return storage

    def _compose(self, storage: Storage) -> Parts:
        """The parts of one connection, each given what it needs (the order and inputs: ``parts.py``)."""
        assert self.api_id is not None
        init = InitParams(
            self.api_id, self.device_model, self.system_version, self.app_version, self.lang_code,
            self.system_lang_code,
        )  # fmt: skip
        peers = PeerCache(storage, clock=self.clock)
        updates = UpdatesManager(
            invoke=self.invoke, storage=storage, remember_peers=peers.remember, states=self._states,
            dispatch=self.dispatcher.dispatch, name=self.name,
        )  # fmt: skip
        dcs = DcPool(
            self.network, storage, init=init, config=self.sender_config, states=self._states,
            on_event=updates.on_event, clock=self.clock,
        )  # fmt: skip

        def on_result(result: Any, query: TLFunction[Any]) -> None:
            peers.remember(result)
            updates.feed(result, query)

        invoker = Invoker(
            dcs, limiter=self._limiter, floods=self._floods, on_result=on_result, user_id=storage.get_user_id,
            takeout_id=lambda: self.takeout_id,
        )  # fmt: skip
        return Parts(storage, peers, updates, dcs, invoker)

    async def _verify_restored(self, storage: Storage) -> None:
        """The last step of restoring a session string: one bounded call proves the key works (an invalid
        or revoked one raises AuthKeyUnregistered here) and fills in the user id older formats lack."""
        users = await self.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), timeout=min(self.timeout, 30.0))
        if not users or not isinstance(users[0], types.User):
            raise errors.AuthKeyUnregistered(detail="the session string's key is not logged in")
        if storage.get_user_id() is None:
            storage.set_user(users[0].id, users[0].bot)

    async def _authorized_as(self, user_id: int, is_bot: bool) -> None:
        """A login completed: store who is logged in and start following the updates."""
        parts = self._connected()
        parts.storage.set_user(user_id, is_bot)
        if not self.no_updates:
            await parts.updates.start()

    async def disconnect(self) -> None:
        """Disconnect every DC, save the session and release its lock. Safe to call twice."""
        if self._parts is not None:
            await self._close(self._parts.storage)

    async def _close(self, storage: Storage) -> None:
        parts, self._parts = self._parts, None
        try:
            if parts is not None:
                await parts.updates.stop()
                await self.dispatcher.stop()  # what was queued is handled while the connection is up
                await parts.dcs.close()
        finally:
            if storage.is_open:
                storage.save()
                storage.close()

    # -- connect / disconnect handlers ----------------------------------------------------------------------
    def _on_state(self, change: StateChange) -> None:
        """The home connection came up (``ConnectHandler``) or went down (``DisconnectHandler``): the
        handler gets ``(client, change)`` in a task of its own (Pyrogram passes its session second)."""
        up = change.state is ConnectionState.CONNECTED
        if up == self._was_up:
            return
        self._was_up = up
        handler = self.event_handlers.get(ConnectHandler if up else DisconnectHandler)
        if handler is None:
            return
        self._spawn(self._run_event(handler, change))

    def _spawn(self, coro: Any) -> None:
        """Run ``coro`` in a task the client keeps until it ends (``stop(block=False)``, event handlers)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._event_tasks.add(task)
        task.add_done_callback(self._event_tasks.discard)

    async def _run_event(self, handler: EventHandler, *args: Any) -> None:
        try:
            result = handler.callback(self, *args)
            if hasattr(result, "__await__"):
                await result
        except Exception:  # the user's handler must not break the client
            log.exception("%r failed", handler)

    # -- calls ---------------------------------------------------------------------------------------------
    async def invoke(
        self,
        query: TLFunction[R],
        *,
        timeout: float | None = None,
        sleep_threshold: float | None = None,
        dc_id: int | None = None,
        media: bool = False,
        lane: int = 0,
    ) -> R:
        """Call any API method (a ``tgfleet.tl.functions`` object) and return its result. Whatever the
        result carries is taken in, as for the API methods: its users and chats are cached, its updates
        keep the update state in step (and reach the handlers).

        Raises the method's typed RPC error, ``FloodWait`` for waits above ``sleep_threshold``,
        ``RequestTimeout`` when ``timeout`` (default: the client's) passes, ``ConnectionFailed`` once
        the client is FAILED. ``media``: on the DC's media connection (``dcs.py``), as file transfers go;
        ``lane``: which of its media connections (made on first use; an upload spreads its parts over several).
        """
        result: R = await self._connected().invoker.invoke(
            query,
            timeout=self.timeout if timeout is None else timeout,
            sleep_threshold=self.sleep_threshold if sleep_threshold is None else sleep_threshold,
            dc_id=dc_id,
            media=media,
            lane=lane,
        )
        return result

    def _connected(self) -> Parts:
        if self._parts is None:
            raise ConnectionError("the client is not connected; call connect() first")
        return self._parts

    def __repr__(self) -> str:
        return f"<Client {self.name!r} {self.state.name}>"
