"""The sender: one data center, one connection at a time, one MTProto session that survives reconnects.

It drives the sans-IO ``ClientSession`` over a :class:`~tgfleet.net.connection.Connection`: a writer that
packs everything pending into containers, a reader that dispatches results, updates and service
messages, a pinger (``ping_delay_disconnect``) that notices a dead connection, and a prober: when a call
times out on a connection that has received nothing since the call was sent, a ping must answer within
``probe_timeout`` or the connection is dropped, so a stalled stream costs one call timeout plus seconds.
On a drop it reconnects with exponential backoff and jitter, keeps the session, sends the connection's
first request (``invokeWithLayer(initConnection(...))`` built by the client), then re-sends every
unanswered request, so each call completes exactly once. Calls wait for a live connection within their
own timeout; nothing ever waits longer than that.

A transport error code (-404: unknown auth key, -444: wrong DC) is unauthenticated: the sender reconnects
at once and believes it only when the fresh connection says the same (``retry.py``). ``fail(reason)``
makes it FAILED for good, with no reconnect loop after: a permanent error (a refused first request, a
confirmed -404/-444, an unusable proxy, the retry limit) or anything else reconnecting cannot fix (a
configuration error, a bug in the connection task: logged). ``start()`` and every waiting call then raise
``ConnectionFailed(reason)`` at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tgfleet.errors import (
    ConfigurationError,
    ConnectionFailed,
    DecodeError,
    HandshakeError,
    NetworkError,
    ProxyError,
    RequestTimeout,
    SecurityError,
    TransportError,
)
from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.mtproto.session import ClientSession, Event, Result, RpcFailed
from tgfleet.net.auth import exchange_key
from tgfleet.net.connection import Connection
from tgfleet.net.network import Network
from tgfleet.net.proxy import ProxyConfig
from tgfleet.net.retry import RetryPolicy, confirmed, doubtful_code
from tgfleet.net.sender_loops import serve
from tgfleet.net.state import ConnectionState, StateFeed
from tgfleet.net.timeouts import within
from tgfleet.tl import TLFunction

log = logging.getLogger("tgfleet.net")
RECOVERABLE = (NetworkError, TransportError, SecurityError, DecodeError, HandshakeError, RequestTimeout)


@dataclass
class SenderConfig:
    """How a sender connects and keeps its connection alive."""

    transport: str = "abridged"
    obfuscated: bool = False
    proxy: ProxyConfig | None = None
    """A parsed proxy (``net.proxy.parse_proxy``)."""
    connect_timeout: float = 10.0
    """For TCP connect, each step of a key exchange and the connection's first request."""
    ping_interval: float = 60.0
    """A ``ping_delay_disconnect`` every this many seconds (the server drops us after interval + 15)."""
    ping_timeout: float = 20.0
    """No pong within this long means the connection is dead: reconnect."""
    probe_timeout: float = 5.0
    """A call timed out and nothing arrived since it was sent: a ping must answer within this long, or the
    connection is dead (a stalled stream is noticed within one call timeout plus this)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class SenderHooks:
    """What the client wants to hear about. Every hook is optional and must not block."""

    first_request: Callable[[], TLFunction[Any]] | None = None
    """Builds the first request of every connection (e.g. invokeWithLayer(initConnection(help.getConfig)))."""
    on_first_result: Callable[[Any], None] | None = None
    on_key: Callable[[HandshakeResult], None] | None = None
    """A new auth key was created (store it)."""
    on_event: Callable[[Event], None] | None = None
    """Every session event that is not the answer to a call (updates, new session, ...)."""


class Sender:
    """Calls to one DC. ``start()`` connects; ``invoke()`` calls; ``close()`` disconnects for good."""

    def __init__(
        self,
        network: Network,
        dc_id: int,
        *,
        auth_key: bytes | None = None,
        salt: int = 0,
        time_offset: float = 0.0,
        config: SenderConfig | None = None,
        hooks: SenderHooks | None = None,
        states: StateFeed | None = None,
        media: bool = False,
        clock: Callable[[], float] = time.time,
        random: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.network = network
        self.dc_id = dc_id
        self.media = media
        self.config = config or SenderConfig()
        self.hooks = hooks or SenderHooks()
        self.states = states or StateFeed(dc_id, clock)
        self._clock = clock
        self._random = random
        self._session = ClientSession(auth_key, salt=salt, time_offset=time_offset, random=random) if auth_key else None
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._wake = asyncio.Event()
        self._ready = asyncio.Event()  # a live connection, its first request answered
        self._run_task: asyncio.Task[None] | None = None
        self._conn: Connection | None = None
        self._failure: BaseException | None = None
        self._closing = False
        self._received_at = 0.0  # loop time of the last payload received (the reader sets it)
        self._probe = asyncio.Event()  # set: the connection is suspect, the prober pings it now

    # -- public ------------------------------------------------------------------------------------------
    @property
    def auth_key(self) -> bytes | None:
        return self._session.auth_key.key if self._session else None

    @property
    def session(self) -> ClientSession | None:
        return self._session

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    async def start(self, timeout: float | None = None) -> None:
        """Start connecting and wait until connected (or FAILED: raises ConnectionFailed)."""
        if self._run_task is None:
            self._closing = False
            self._run_task = asyncio.create_task(self._run(), name=f"tgfleet sender DC {self.dc_id}")
        waiter = self.states.wait_for(ConnectionState.CONNECTED)
        try:
            change = await within(waiter, timeout)
        except asyncio.TimeoutError:
            raise RequestTimeout(f"no connection to DC {self.dc_id} within {timeout:g} s (still trying)") from None
        if change.state is ConnectionState.FAILED:
            raise ConnectionFailed(self._failure or RuntimeError(str(change.cause)))

    async def invoke(self, function: TLFunction[Any], *, timeout: float) -> Any:
        """Send ``function`` and return its result; raises its RPC error, RequestTimeout or ConnectionFailed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self._failure is not None:
            raise ConnectionFailed(self._failure)
        if self._run_task is None:
            raise NetworkError(f"sender for DC {self.dc_id} is not started")
        await self._wait_ready(deadline, function)
        assert self._session is not None
        sent_at = loop.time()
        request = self._session.send(function)
        future: asyncio.Future[Any] = loop.create_future()
        self._waiting[request.id] = future
        self._wake.set()
        try:
            return await within(future, max(deadline - loop.time(), 0))
        except asyncio.TimeoutError:
            self._suspect(sent_at, type(function).__name__)
            raise RequestTimeout(f"{type(function).__name__} got no answer within {timeout:g} s") from None
        finally:
            if self._waiting.pop(request.id, None) is not None and self._session is not None:
                self._session.forget(request)

    def _suspect(self, since: float, call: str) -> None:
        """A call sent at ``since`` timed out: if the connection has received nothing since, probe it."""
        if self._ready.is_set() and self._received_at < since:
            log.info("DC %d: %s timed out, nothing received since: probing the connection", self.dc_id, call)
            self._probe.set()

    def fail(self, reason: BaseException) -> None:
        """Go FAILED for good (a permanent error): reject every waiting call, stop reconnecting."""
        if self._failure is not None:
            return
        self._failure = reason
        self.states.set(ConnectionState.FAILED, reason)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ConnectionFailed(reason))
        self._waiting.clear()
        self._ready.clear()
        if self._run_task is not None and self._run_task is not asyncio.current_task():
            self._run_task.cancel()

    def drop(self) -> None:
        """Close the current connection now; the sender reconnects by itself (the session is kept)."""
        if self._conn is not None:
            self._conn.close()

    async def close(self, cause: str = "disconnect() called") -> None:
        """Disconnect for good; waiting calls fail with NetworkError."""
        self._closing = True
        task, self._run_task = self._run_task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(NetworkError("the client disconnected"))
        self._waiting.clear()
        if self._failure is None:
            self.states.set(ConnectionState.DISCONNECTED, cause)

    # -- the connection loop -----------------------------------------------------------------------------
    async def _wait_ready(self, deadline: float, function: TLFunction[Any]) -> None:
        loop = asyncio.get_running_loop()
        while not self._ready.is_set():
            if self._failure is not None:
                raise ConnectionFailed(self._failure)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise RequestTimeout(f"{type(function).__name__}: no connection to DC {self.dc_id} within the timeout")
            try:
                await within(self.states.wait_for(ConnectionState.CONNECTED), remaining)
            except asyncio.TimeoutError:
                continue

    async def _run(self) -> None:
        """The connection task. An error that reconnecting cannot fix (a configuration or programming
        error) ends it as FAILED with that cause, logged, so ``start()`` and every waiting call hear it."""
        try:
            await self._reconnect_loop()
        except Exception as e:
            if self._failure is None:  # not a failure decided on purpose (fail() was not called)
                trace = not isinstance(e, ConfigurationError)
                log.error("DC %d: the connection task stopped: %r", self.dc_id, e, exc_info=e if trace else None)
                self.fail(e)

    async def _reconnect_loop(self) -> None:
        loop = asyncio.get_running_loop()
        attempt, down_since = 0, loop.time()
        doubt: int | None = None  # an unauthenticated transport error code not confirmed yet
        while not self._closing and self._failure is None:
            self.states.set(ConnectionState.CONNECTING, f"attempt {attempt + 1}" if attempt else None)
            cause, opened, served = await self._attempt()
            if self._closing or self._failure is not None:
                return
            if isinstance(cause, ProxyError):
                self.fail(cause)
                return
            if opened:
                attempt = 0
            if served:  # this connection worked: an earlier doubt is void
                doubt = None
            code = doubtful_code(cause, has_key=self._session is not None)
            if code is not None and code == doubt:  # the same answer on a fresh connection: confirmed
                self.fail(confirmed(code, self.dc_id, cause))
                return
            if attempt == 0:
                down_since = loop.time()
            self.states.set(ConnectionState.DISCONNECTED, cause)
            attempt += 1
            if code is not None:
                ask_now, doubt = doubt is None, code
                if ask_now:
                    log.warning("DC %d: %s (unauthenticated): asking again on a fresh connection", self.dc_id, cause)
                    continue
            delay = self.config.retry.next_delay(attempt, loop.time() - down_since, self._random)
            if delay is None:
                self.fail(NetworkError(f"gave up reconnecting to DC {self.dc_id} after {attempt} attempts: {cause}"))
                return
            log.info("DC %d: reconnecting in %.2f s after %s", self.dc_id, delay, cause)
            await asyncio.sleep(delay)

    async def _attempt(self) -> tuple[BaseException, bool, bool]:
        """One connection, opened and served until it ends: (why it ended, whether it opened, whether it
        was CONNECTED). Errors that reconnecting cannot fix propagate."""
        opened = False
        try:
            self._conn = await self._open()
            opened = True
            await serve(self, self._conn)
        except RECOVERABLE as e:
            return e, opened, self._ready.is_set()
        finally:
            self._ready.clear()
            conn, self._conn = self._conn, None
            if conn is not None:
                await conn.aclose()

    async def _open(self) -> Connection:
        try:
            address = self.network.address(self.dc_id, media=self.media)
        except KeyError as e:
            known = ", ".join(map(str, self.network.dc_ids))
            raise ConfigurationError(f"{e.args[0]} (it has DC {known})") from None
        conn = await Connection.open(
            address.host,
            address.port,
            transport=self.config.transport,
            obfuscated=self.config.obfuscated,
            dc_id=-self.dc_id if self.media else self.dc_id,
            proxy=self.config.proxy,
            timeout=self.config.connect_timeout,
            random=self._random,
        )
        if self._session is None:
            try:
                result = await self._exchange(conn)
            except BaseException:
                await conn.aclose()
                raise
            self._session = ClientSession(
                result.auth_key, salt=result.server_salt, time_offset=result.time_offset, random=self._random
            )
            if self.hooks.on_key is not None:
                self.hooks.on_key(result)
        return conn

    async def _exchange(self, conn: Connection) -> HandshakeResult:
        """A new auth key, each step answered within ``connect_timeout``; RequestTimeout (reconnect) if not."""
        patience = self.config.connect_timeout
        try:
            return await exchange_key(
                conn, self.network, self.dc_id, media=self.media, step_timeout=patience, clock=self._clock,
                random=self._random,
            )  # fmt: skip
        except asyncio.TimeoutError:
            raise RequestTimeout(f"DC {self.dc_id} did not answer a key-exchange step within {patience:g} s") from None

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, Result | RpcFailed):
            future = self._waiting.pop(event.request.id, None)
            if future is not None and not future.done():
                if isinstance(event, Result):
                    future.set_result(event.value)
                else:
                    future.set_exception(event.error)
            return
        if self.hooks.on_event is not None:
            try:
                self.hooks.on_event(event)
            except Exception:
                log.exception("session event hook failed for %r", event)
