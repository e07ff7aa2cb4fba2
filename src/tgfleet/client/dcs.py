"""``DcPool``: the senders of one client: the home DC's (its state feed is the client's) and others on demand.

Its inputs are narrow: the network, the session storage (keys, salts and clock offsets per DC, the DC list,
the home DC), the connection settings, the app's ``InitParams`` and the callback for session events of the
home DC (updates). Every connection starts with ``invokeWithLayer(initConnection(help.getConfig))``; the DC
list it returns is stored and, on Telegram's own networks, used for later connections (``dc_options.py``).
Work on another DC (FILE_MIGRATE, or ``invoke(dc_id=...)``) goes through an exported authorization
(https://core.telegram.org/api/datacenter): ``auth.exportAuthorization`` on the home DC,
``auth.importAuthorization`` on the other. A sender for another DC that ended FAILED is dropped, so the next
call there makes a new one (with a new key and a new import if the server no longer took the old key).

File transfers go on media senders (``sender(dc_id, media=True)``): more connections per DC, to its ``media_only``
address when the network lists one, with the key (and so the login) of that DC's main sender, and a session each,
so parts in flight never queue behind (or in front of) the main connection's calls. ``lane`` picks one of them
(made on first use): downloads use lane 0, an upload spreads its workers over lanes 0.. so its parts are in flight
on connections of their own (a server answers one connection's calls in turn), closed again when no upload runs
(``close_lanes``). A media sender that ended FAILED is replaced on the next transfer; its state is never stored (the
main sender's is).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from tgfleet import errors
from tgfleet.client.dc_options import config_options, with_options
from tgfleet.client.init_params import InitParams
from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.mtproto.session import Event
from tgfleet.net import Network
from tgfleet.net.sender import Sender, SenderConfig, SenderHooks
from tgfleet.net.state import ConnectionState, StateFeed
from tgfleet.storage import Storage
from tgfleet.tl import functions

log = logging.getLogger("tgfleet.client")
KEY_GONE = (errors.AuthKeyUnregistered, errors.AuthKeyDuplicated)
"""Failures that mean the server no longer takes a sender's auth key."""


class DcPool:
    """``sender(dc_id)`` hands out a connected sender; ``switch_home(dc_id)`` moves the home DC."""

    __slots__ = (
        "_clock",
        "_config",
        "_imported",
        "_init",
        "_lock",
        "_media",
        "_on_event",
        "_others",
        "home",
        "home_dc",
        "network",
        "states",
        "storage",
    )

    def __init__(
        self,
        network: Network,
        storage: Storage,
        *,
        init: InitParams,
        config: SenderConfig,
        states: StateFeed,
        on_event: Callable[[Event], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.storage = storage
        self.states = states
        self.network = with_options(network, storage.get_dc_options())
        self.home_dc = storage.get_dc_id() or network.default_dc
        self.home: Sender | None = None
        self._init = init
        self._config = config
        self._on_event = on_event
        self._clock = clock
        self._others: dict[int, Sender] = {}
        self._media: dict[tuple[int, int], Sender] = {}
        self._imported: set[int] = set()
        self._lock = asyncio.Lock()

    # -- home ------------------------------------------------------------------------------------------
    async def start_home(self, timeout: float) -> None:
        self.storage.set_dc_id(self.home_dc)
        self.storage.set_test_mode(self.network.test_mode)
        self.states.dc_id = self.home_dc
        self.home = self._make(self.home_dc, home=True)
        await self.home.start(timeout)

    async def switch_home(self, dc_id: int, timeout: float) -> None:
        """Make ``dc_id`` the home DC (PHONE/NETWORK/USER_MIGRATE), creating a key there if needed."""
        async with self._lock:
            if dc_id == self.home_dc:
                return
            log.info("home DC moves from %d to %d", self.home_dc, dc_id)
            old = self.home
            exported = None
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            if old is not None and self.storage.get_user_id() is not None:
                # a logged-in account moved: carry the login over (https://core.telegram.org/api/datacenter)
                exported = await old.invoke(functions.auth.ExportAuthorization(dc_id=dc_id), timeout=timeout)
            if old is not None:
                self._save(old)
                await old.close(cause=f"moving to DC {dc_id}")
            self.home_dc = dc_id
            self.storage.set_dc_id(dc_id)
            self.states.dc_id = dc_id
            self.home = self._make(dc_id, home=True)
            await self.home.start(max(deadline - loop.time(), 0.0))
            if exported is not None:
                request = functions.auth.ImportAuthorization(id=exported.id, bytes=exported.bytes)
                await self.home.invoke(request, timeout=max(deadline - loop.time(), 0.0))

    # -- any DC ----------------------------------------------------------------------------------------
    async def sender(self, dc_id: int | None, timeout: float, *, media: bool = False, lane: int = 0) -> Sender:
        """The sender for ``dc_id`` (None: home), connected and authorized like the home DC; ``media``: that DC's
        media sender number ``lane``."""
        if media:
            return await self._media_sender(self.home_dc if dc_id is None else dc_id, lane, timeout)
        if dc_id is None or dc_id == self.home_dc:
            assert self.home is not None
            return self.home
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout  # one budget for connecting, exporting and importing
        async with self._lock:
            sender = self._others.get(dc_id)
            if sender is not None and sender.states.state is ConnectionState.FAILED:
                await self._drop(dc_id, sender)
                sender = None
            if sender is None:
                sender = self._others[dc_id] = self._make(dc_id, home=False)
                await sender.start(max(deadline - loop.time(), 0.0))
            if dc_id not in self._imported and self.storage.get_user_id() is not None:
                await self._import_authorization(sender, dc_id, deadline)
        return sender

    async def _media_sender(self, dc_id: int, lane: int, timeout: float) -> Sender:
        if lane < 0:
            raise ValueError(f"lane must not be negative, got {lane}")
        ready = self._media.get((dc_id, lane))
        if ready is not None and ready.states.state is not ConnectionState.FAILED:
            return ready  # every part of a transfer asks: no lock, no storage read
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if dc_id != self.home_dc or self.storage.get_auth_key(dc_id) is None:
            await self.sender(dc_id, timeout)  # the DC's key and its imported authorization, made once
        async with self._lock:
            sender = self._media.get((dc_id, lane))
            if sender is not None and sender.states.state is ConnectionState.FAILED:
                cause = sender.states.current.cause
                log.info("DC %d: replacing the failed media sender %d (%s)", dc_id, lane, cause)
                del self._media[dc_id, lane]
                await sender.close()
                sender = None
            if sender is None:
                sender = self._media[dc_id, lane] = self._make(dc_id, home=False, media=True)
                await sender.start(max(deadline - loop.time(), 0.0))
        return sender

    async def close_lanes(self) -> None:
        """Close the media senders above lane 0 (the extra connections of an upload's workers; the caller knows no
        upload runs): a client keeps one media connection per DC it moved files with, not one per worker."""
        extra = [self._media.pop(key) for key in [key for key in self._media if key[1] > 0]]
        await asyncio.gather(*(sender.close("the uploads ended") for sender in extra), return_exceptions=True)

    async def _drop(self, dc_id: int, sender: Sender) -> None:
        """Forget a FAILED sender; the next call to its DC makes a new one. If it failed because the server
        no longer takes its key (unknown, or duplicated), the key goes too: the new sender creates one and
        imports the login again. Otherwise (the retry limit, a proxy) the key and its login stay good."""
        cause = sender.states.current.cause
        log.info("DC %d: dropping the failed sender (%s); the next call makes a new one", dc_id, cause)
        del self._others[dc_id]
        await sender.close()
        if isinstance(cause, KEY_GONE):
            self.storage.set_auth_key(dc_id, None)
            self._imported.discard(dc_id)
        else:
            self._save(sender)

    async def _import_authorization(self, sender: Sender, dc_id: int, deadline: float) -> None:
        assert self.home is not None
        loop = asyncio.get_running_loop()
        exported = await self.home.invoke(
            functions.auth.ExportAuthorization(dc_id=dc_id), timeout=max(deadline - loop.time(), 0.0)
        )
        request = functions.auth.ImportAuthorization(id=exported.id, bytes=exported.bytes)
        await sender.invoke(request, timeout=max(deadline - loop.time(), 0.0))
        self._imported.add(dc_id)

    async def close(self) -> None:
        senders = [s for s in (self.home, *self._others.values()) if s is not None]
        media = list(self._media.values())
        try:
            for sender in senders:
                self._save(sender)
        finally:  # a failing storage write (a full disk) must not leave a connection open
            await asyncio.gather(*(s.close() for s in senders + media), return_exceptions=True)
            self._others.clear()
            self._media.clear()

    # -- plumbing --------------------------------------------------------------------------------------
    def _make(self, dc_id: int, home: bool, media: bool = False) -> Sender:
        storage = self.storage

        def first_request() -> Any:  # a media connection never subscribes to updates (it would get them twice)
            query = self._init.wrap(functions.help.GetConfig())
            return functions.InvokeWithoutUpdates(query=query) if media else query

        hooks = SenderHooks(
            first_request=first_request,
            on_first_result=self._on_config,
            on_key=None if media else lambda result: self._on_key(dc_id, result),
            on_event=self._on_event if home else None,
        )
        return Sender(
            self.network,
            dc_id,
            auth_key=storage.get_auth_key(dc_id),
            salt=storage.get_server_salt(dc_id) or 0,
            time_offset=storage.get_time_offset(dc_id),
            config=self._config,
            hooks=hooks,
            states=self.states if home else StateFeed(dc_id, self._clock),
            media=media,
            clock=self._clock,
        )

    def _on_key(self, dc_id: int, result: HandshakeResult) -> None:
        self.storage.set_auth_key(dc_id, result.auth_key)
        self.storage.set_server_salt(dc_id, result.server_salt)
        self.storage.set_time_offset(dc_id, result.time_offset)

    def _on_config(self, config: Any) -> None:
        options = config_options(config)
        if not options:
            return
        self.storage.set_dc_options(options)
        network = with_options(self.network, options)
        if network is not self.network:  # Telegram's own network: later connections use the fresh list
            self.network = network
            for sender in (self.home, *self._others.values(), *self._media.values()):
                if sender is not None:
                    sender.network = network

    def _save(self, sender: Sender) -> None:
        session = sender.session
        if session is not None and self.storage.is_open:
            if not self._config.pfs:  # with pfs the session's salt is the temporary key's, not the stored key's
                self.storage.set_server_salt(sender.dc_id, session.salt)
            self.storage.set_time_offset(sender.dc_id, session.time_offset)
