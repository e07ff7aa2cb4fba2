"""The sender: one data center, one connection at a time, one MTProto session that survives reconnects.

One class, read top to bottom (https://core.telegram.org/mtproto/description for the session it drives):

- ``invoke`` waits (within the call's timeout) for a live connection, queues the call in the sans-IO
  ``ClientSession`` and waits for it through ``_submit``, the one path of every request: calls, the
  connection's first request, the keep-alive ping and the stall probe. ``_submit`` registers a future under
  the request's id, wakes the writer, and, when the wait ends without an answer (timeout, cancellation,
  FAILED, ``close()``), forgets the request in the session: it is not re-sent and a late answer is dropped.
- ``_attempt`` is one connection: it opens it (``_connect``), makes an auth key on it if there is none
  (``_ensure_key``: the only place a key and its session are set up), and serves it with four tasks until
  one of them raises: the writer packs what the session has into containers and writes it; the reader
  hands results to their futures and everything else to ``hooks.on_event``; the opener sends the first
  request (``invokeWithLayer(initConnection(...))``, built by the client), re-sends every unanswered
  request under new msg_ids, goes CONNECTED and then pings (``ping_delay_disconnect``) every
  ``ping_interval``; the prober pings with the short ``probe_timeout`` when a call timed out on a
  connection that has received nothing since the call was sent, so a stalled stream costs one call
  timeout plus seconds.
- ``_reconnect_loop`` decides after each connection (``retry.py``): reconnect with exponential backoff
  and jitter; reconnect at once to ask again about an unauthenticated transport error code (-404, -444),
  believed only when the fresh connection says the same; or FAILED.

FAILED is for good, with no reconnect loop after (``fail(reason)``): a permanent error (a refused first
request, a confirmed -404/-444, an unusable proxy, the retry limit, a closed send gate) or anything else
reconnecting cannot fix (a configuration error, a bug in the connection task: logged). ``start()`` and
every waiting call then raise ``ConnectionFailed(reason)`` at once.

The send gate (``SenderConfig.may_send``) is asked before connecting and immediately before every write
(key exchange, calls, acks, pings). When it says no, the connection is aborted at once (nothing buffered
is flushed) and the sender goes FAILED with ``SendGateClosed``; it never reconnects by itself, even if the
gate opens again: whoever closed it decides about a new sender.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from tgfleet import errors
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import (
    ConfigurationError,
    ConnectionFailed,
    Flood,
    InternalServerError,
    NetworkError,
    RequestTimeout,
    SendGateClosed,
    TransportCodeError,
)
from tgfleet.mtproto.handshake import HandshakeResult, wire_dc
from tgfleet.mtproto.pfs import TempKey, binding_request
from tgfleet.mtproto.session import ClientSession, Event, Request, Result, RpcFailed
from tgfleet.net.auth import exchange_key
from tgfleet.net.connection import Connection
from tgfleet.net.flag import Flag
from tgfleet.net.network import Network
from tgfleet.net.proxy import ProxyConfig
from tgfleet.net.retry import ENDINGS, RetryPolicy, confirmed, doubtful_code, final
from tgfleet.net.state import ConnectionState, StateFeed
from tgfleet.net.timeouts import within
from tgfleet.tl import TLFunction

log = logging.getLogger("tgfleet.net")


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
    may_send: Callable[[], bool] | None = None
    """The send gate, asked before connecting and immediately before every write to the socket (None:
    always open). False aborts the connection at once and makes the sender FAILED with SendGateClosed
    (every waiting call fails; no reconnect). A fleet worker passes its lease check, so a worker that may
    have lost the account (stopped, then resumed) never sends another byte with its auth key. It must
    be quick and must not block."""

    pfs: bool = False
    """Perfect forward secrecy (https://core.telegram.org/api/pfs): every message goes out under a temporary
    key bound to the permanent one, which itself never goes on the wire. The temporary key lives in memory
    only; a new one is made and bound on a new connection once three quarters of its life have passed (or
    at once when the server forgot it: -404)."""
    temp_key_lifetime: int = 86400
    """With ``pfs``: the seconds each temporary key is asked for (``expires_in``)."""

    def __post_init__(self) -> None:
        if self.may_send is not None and not callable(self.may_send):
            raise TypeError(f"may_send must be a function returning a bool, not {type(self.may_send).__name__}")
        if not isinstance(self.pfs, bool):
            raise TypeError(f"pfs must be True or False, not {type(self.pfs).__name__}")
        lifetime = self.temp_key_lifetime
        if isinstance(lifetime, bool) or not isinstance(lifetime, int):
            raise TypeError(f"temp_key_lifetime must be a whole number of seconds, not {type(lifetime).__name__}")
        if not 0 < lifetime < 1 << 31:
            raise ConfigurationError(f"temp_key_lifetime={lifetime} must be in 1 .. 2**31 - 1 seconds")


@dataclass
class SenderHooks:
    """What the client wants to hear about. Every hook is optional and must not block."""

    first_request: Callable[[], TLFunction[Any]] | None = None
    """Builds the first request of every connection (e.g. invokeWithLayer(initConnection(help.getConfig)))."""
    on_first_result: Callable[[Any], None] | None = None
    on_key: Callable[[HandshakeResult], None] | None = None
    """A new permanent auth key was created (store it). Temporary keys are never reported."""
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
        self._perm = AuthKey(auth_key) if auth_key else None  # the permanent key (what storage keeps)
        self._temp: TempKey | None = None  # with pfs: the temporary key the session runs on
        self._session = self._new_session(auth_key, salt, time_offset) if auth_key and not self.config.pfs else None
        self._waiting: dict[int, asyncio.Future[Any]] = {}  # request id -> its answer (only _submit adds)
        self._wake = Flag()  # set: the writer has something to look at
        self._ready = Flag()  # set: a live connection, its first request answered
        self._probe = Flag()  # set: the connection is suspect, the prober pings it now
        self._received_at = 0.0  # loop time of the last payload received (the reader sets it)
        self._run_task: asyncio.Task[None] | None = None
        self._conn: Connection | None = None
        self._failure: BaseException | None = None
        self._closing = False

    # -- public ------------------------------------------------------------------------------------------
    @property
    def auth_key(self) -> bytes | None:
        """The permanent auth key (with ``pfs`` it is never used on the wire)."""
        return self._perm.key if self._perm else None

    @property
    def session(self) -> ClientSession | None:
        """The session on the wire (with ``pfs``: on the temporary key; None until there is one)."""
        return self._session

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    @property
    def running(self) -> bool:
        """The connection loop runs (connecting, connected or waiting to reconnect); False once FAILED or closed."""
        return self._run_task is not None and not self._run_task.done()

    async def stopped(self) -> None:
        """Return once the connection loop has ended (FAILED or closed; at once if it is not running)."""
        task = self._run_task
        if task is not None:
            await asyncio.wait({task})

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
        session = await self._wait_ready(deadline, function)
        sent_at = loop.time()
        try:
            return await self._submit(session, session.send(function), deadline - sent_at)
        except asyncio.TimeoutError:
            self._suspect(sent_at, type(function).__name__)
            raise RequestTimeout(f"{type(function).__name__} got no answer within {timeout:g} s") from None

    def fail(self, reason: BaseException) -> None:
        """Go FAILED for good (a permanent error): reject every waiting call, stop reconnecting."""
        if self._failure is not None:
            return
        self._failure = reason
        self.states.set(ConnectionState.FAILED, reason)
        self._reject_waiting(lambda: ConnectionFailed(reason))
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
        self._reject_waiting(lambda: NetworkError("the client disconnected"))
        if self._failure is None:
            self.states.set(ConnectionState.DISCONNECTED, cause)

    # -- the one request path ----------------------------------------------------------------------------
    async def _submit(self, session: ClientSession, request: Request, patience: float) -> Any:
        """Wait for the answer to ``request`` (just queued in ``session``) within ``patience`` seconds;
        asyncio.TimeoutError after. The reader resolves the future; a wait that ends any other way
        forgets the request, so the session neither re-sends it nor keeps it."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[request.id] = future
        self._wake.set()
        try:
            return await within(future, max(patience, 0.0))
        finally:
            if self._waiting.pop(request.id, None) is not None:  # not answered: timeout, cancel, fail, close
                session.forget(request)

    def _reject_waiting(self, error: Callable[[], BaseException]) -> None:
        """Fail every waiting call (each ``_submit`` then forgets its request)."""
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(error())

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

    async def _wait_ready(self, deadline: float, function: TLFunction[Any]) -> ClientSession:
        loop = asyncio.get_running_loop()
        while True:
            if self._ready.is_set() and self._session is not None:
                return self._session
            if self._failure is not None:
                raise ConnectionFailed(self._failure)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise RequestTimeout(f"{type(function).__name__}: no connection to DC {self.dc_id} within the timeout")
            try:
                await within(self.states.wait_for(ConnectionState.CONNECTED), remaining)
            except asyncio.TimeoutError:
                continue

    def _suspect(self, since: float, call: str) -> None:
        """A call sent at ``since`` timed out: if the connection has received nothing since, probe it."""
        if self._ready.is_set() and self._received_at < since:
            log.info("DC %d: %s timed out, nothing received since: probing the connection", self.dc_id, call)
            self._probe.set()

    def _check_gate(self) -> None:
        """Before connecting and before every write. A closed send gate aborts the connection at once
        (nothing buffered is flushed), makes the sender FAILED (every waiting call fails now) and raises
        SendGateClosed to stop whatever was about to write."""
        may_send = self.config.may_send
        if may_send is None or may_send():
            return
        if self._conn is not None:
            self._conn.abort()
        closed = SendGateClosed(f"DC {self.dc_id}: the send gate is closed; nothing more goes out with this auth key")
        self.fail(closed)
        raise closed

    # -- reconnecting ------------------------------------------------------------------------------------
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
            if final(cause):
                self.fail(cause)
                return
            if opened:
                attempt = 0
            if served:  # this connection worked: an earlier doubt is void
                doubt = None
            renew = self._renewing(cause)
            code = None if renew else doubtful_code(cause, has_key=self._session is not None)
            if code is not None and code == doubt:  # the same answer on a fresh connection: confirmed
                self.fail(confirmed(code, self.dc_id, cause))
                return
            if attempt == 0:
                down_since = loop.time()
            self.states.set(ConnectionState.DISCONNECTED, cause)
            attempt += 1
            if renew and served:
                log.info("DC %d: %s: a new temporary key on a new connection", self.dc_id, cause)
                continue
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
        """One connection, opened and served until it ends: (why it ended, whether it opened with a key,
        whether it was CONNECTED). Errors that reconnecting cannot fix propagate."""
        opened = False
        try:
            self._check_gate()
            conn = self._conn = await self._connect()
            session = await self._ensure_key(conn)
            opened = True
            await self._serve(conn, session)
        except ENDINGS as e:
            return e, opened, self._ready.is_set()
        finally:
            self._ready.clear()
            ended, self._conn = self._conn, None
            if ended is not None:
                await ended.aclose()

    async def _connect(self) -> Connection:
        try:
            address = self.network.address(self.dc_id, media=self.media)
        except KeyError as e:
            known = ", ".join(map(str, self.network.dc_ids))
            raise ConfigurationError(f"{e.args[0]} (it has DC {known})") from None
        return await Connection.open(
            address.host,
            address.port,
            transport=self.config.transport,
            obfuscated=self.config.obfuscated,
            dc_id=wire_dc(self.dc_id, test_mode=self.network.test_mode, media=self.media),  # +10000: test DCs
            proxy=self.config.proxy,
            timeout=self.config.connect_timeout,
            random=self._random,
        )

    # -- keys and the session ----------------------------------------------------------------------------
    def _new_session(self, auth_key: bytes, salt: int, time_offset: float) -> ClientSession:
        return ClientSession(auth_key, salt=salt, time_offset=time_offset, random=self._random)

    async def _ensure_key(self, conn: Connection) -> ClientSession:
        """The session to serve ``conn`` with: the one kept across connections, on the stored key. Made on
        ``conn`` when missing: the permanent key the first time (``hooks.on_key`` stores it); with ``pfs``
        also a temporary key when there is none or the old one is due (the session moves onto it with its
        unanswered requests, ``ClientSession.rekey``; the opener binds it). Each step of an exchange is
        answered within ``connect_timeout``, else RequestTimeout (reconnect)."""
        if self._perm is None:
            result = await self._exchange(conn, None)
            self._perm = AuthKey(result.auth_key)
            if not self.config.pfs:
                self._session = self._new_session(result.auth_key, result.server_salt, result.time_offset)
            if self.hooks.on_key is not None:
                self.hooks.on_key(result)
        if self.config.pfs and (self._temp is None or self._temp.due(self._clock())):
            result = await self._exchange(conn, self.config.temp_key_lifetime)
            self._temp = TempKey.made(result, self._clock())
            if self._session is None:
                self._session = self._new_session(result.auth_key, result.server_salt, result.time_offset)
            else:
                self._session.rekey(result.auth_key, result.server_salt)
        assert self._session is not None  # made above, or kept from the stored key
        return self._session

    async def _exchange(self, conn: Connection, temp_expires_in: int | None) -> HandshakeResult:
        patience = self.config.connect_timeout
        try:
            return await exchange_key(
                conn, self.network, self.dc_id, media=self.media, temp_expires_in=temp_expires_in,
                step_timeout=patience, clock=self._clock, random=self._random, before_send=self._check_gate,
            )  # fmt: skip
        except asyncio.TimeoutError:
            raise RequestTimeout(f"DC {self.dc_id} did not answer a key-exchange step within {patience:g} s") from None

    def _renewing(self, cause: BaseException) -> bool:
        """With ``pfs``: whether the connection ended for a new temporary key, on purpose (due for renewal)
        or because the server forgot the key (-404: only the temporary key goes on the wire, so that is the
        one it does not know). The key is dropped; the next connection makes and binds a new one."""
        if not self.config.pfs:
            return False
        if isinstance(cause, _Renewal) or (isinstance(cause, TransportCodeError) and cause.code == -404):
            self._temp = None
            return True
        return False

    def _check_renewal(self) -> None:
        """Before the writer numbers anything: a bound temporary key due for renewal ends the connection,
        so nothing more goes out under it (what is queued goes out under the next key)."""
        if self._temp is not None and self._temp.due(self._clock()):
            raise _Renewal(f"DC {self.dc_id}: the temporary key is due for renewal")

    async def _bind(self, session: ClientSession, temp: TempKey) -> None:
        """auth.bindTempAuthKey, the first message under a new temporary key (the initConnection after it
        is the connection's first request). A binding the server cannot open (ENCRYPTED_MESSAGE_INVALID) is
        sent once more, anew; refused twice, the server does not know the permanent key: AuthKeyUnregistered
        ends the sender (as a confirmed -404 does without ``pfs``)."""
        assert self._perm is not None  # _ensure_key made it first
        perm, patience = self._perm, self.config.connect_timeout
        refusal: errors.RPCError | None = None
        for _ in range(2):
            nonce = int.from_bytes(self._random(8), "little", signed=True)

            def build(msg_id: int, nonce: int = nonce) -> TLFunction[Any]:
                return binding_request(
                    perm, temp_key_id=temp.auth_key.key_id, temp_session_id=session.session_id,
                    expires_at=temp.expires_at, nonce=nonce, msg_id=msg_id, random=self._random,
                )  # fmt: skip

            try:
                bound = await self._submit(session, session.send_bound(build), patience)
            except errors.EncryptedMessageInvalid as e:
                refusal = e
                continue
            except asyncio.TimeoutError:
                raise RequestTimeout(f"DC {self.dc_id} did not answer auth.bindTempAuthKey in time") from None
            except (Flood, InternalServerError) as e:
                raise NetworkError(f"DC {self.dc_id} refused auth.bindTempAuthKey for now: {e}") from e
            if bound is not True:
                raise NetworkError(f"DC {self.dc_id} answered auth.bindTempAuthKey with {bound!r}")
            temp.bound = True
            return
        detail = f"DC {self.dc_id} refused twice to bind a temporary key to the permanent key ({refusal})"
        raise errors.AuthKeyUnregistered(detail=f"{detail}: it does not know the permanent key")

    # -- one live connection -----------------------------------------------------------------------------
    async def _serve(self, conn: Connection, session: ClientSession) -> NoReturn:
        """Run the connection's loops until one of them raises: the reason the connection ended."""
        self._probe.clear()  # a suspicion about the previous connection says nothing about this one
        loops = {
            "reader": self._reader(conn, session),
            "writer": self._writer(conn, session),
            "opener": self._opener(session),
            "prober": self._prober(session),
        }
        tasks = [asyncio.create_task(c, name=f"tgfleet {name} DC {self.dc_id}") for name, c in loops.items()]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()
            raise NetworkError("connection loops ended")  # pragma: no cover - the loops only end by raising
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _reader(self, conn: Connection, session: ClientSession) -> NoReturn:
        loop = asyncio.get_running_loop()
        while True:
            payload = await conn.recv()
            self._received_at = loop.time()
            for event in session.receive(payload, self._clock()):
                self._dispatch(event)
            self._wake.set()

    async def _writer(self, conn: Connection, session: ClientSession) -> NoReturn:
        """Write whatever the session has, each write behind the send gate, then sleep until woken (new
        requests, received messages) or until the session's next deadline (pending acks)."""
        while True:
            self._wake.clear()
            self._check_renewal()
            while (data := session.data_to_send(self._clock())) is not None:
                self._check_gate()
                await conn.send(data)
            deadline = session.next_deadline()
            await self._wake.wait(None if deadline is None else deadline - self._clock())

    async def _opener(self, session: ClientSession) -> NoReturn:
        """The first request, then every unanswered request again (new msg_ids), then CONNECTED; from then
        on a ``ping_delay_disconnect`` every ``ping_interval`` (the server drops us 15 s after a missed one).
        With ``pfs`` a new temporary key is bound first."""
        if self._temp is not None and not self._temp.bound:
            await self._bind(session, self._temp)
        await self._first_request(session)
        session.resend_all()
        self._ready.set()
        self.states.set(ConnectionState.CONNECTED)
        self._wake.set()
        interval = self.config.ping_interval
        while True:
            await asyncio.sleep(interval)
            await self._ping(session, self.config.ping_timeout, disconnect_delay=int(interval + 15))

    async def _first_request(self, session: ClientSession) -> None:
        """Send the connection's first request (initConnection) before anything else goes out. A refusal
        for now (flood, 500) ends the connection; any other RPC error ends the sender (``retry.final``)."""
        if self.hooks.first_request is None:
            return
        patience = self.config.connect_timeout
        try:
            value = await self._submit(session, session.send(self.hooks.first_request()), patience)
        except asyncio.TimeoutError:
            raise RequestTimeout(f"DC {self.dc_id} did not answer the connection's first request in time") from None
        except (Flood, InternalServerError) as e:
            raise NetworkError(f"DC {self.dc_id} refused the connection's first request for now: {e}") from e
        if self.hooks.on_first_result is not None:
            self.hooks.on_first_result(value)

    async def _prober(self, session: ClientSession) -> NoReturn:
        """Whenever a call found the connection suspect: a ping that must answer within ``probe_timeout``."""
        while True:
            await self._probe.wait()
            self._probe.clear()
            await self._ping(session, self.config.probe_timeout, why=" after a call timed out")

    async def _ping(
        self, session: ClientSession, patience: float, *, disconnect_delay: int | None = None, why: str = ""
    ) -> None:
        """One ping; raises NetworkError (ending the connection) when no pong arrives within ``patience``."""
        ping_id = int.from_bytes(self._random(8), "little", signed=True)
        try:
            await self._submit(session, session.ping(ping_id, disconnect_delay=disconnect_delay), patience)
        except asyncio.TimeoutError:
            raise NetworkError(f"no answer to a ping within {patience:g} s{why}: the connection is dead") from None


class _Renewal(NetworkError):
    """Ends a connection on purpose: its temporary key is due for renewal (``SenderConfig.pfs``). The sender
    reconnects at once with a new key; nothing is lost (unanswered calls go out again under the new key)."""
