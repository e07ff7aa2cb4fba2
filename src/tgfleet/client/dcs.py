"""The senders of one client: the home DC's (its state is the client's state) and others on demand.

Every connection starts with ``invokeWithLayer(initConnection(help.getConfig))``; the DC list it returns
is stored and, on Telegram's own networks, used for later connections (a network the caller described, a
sandbox or a private deployment behind a relay, is used as given). Keys, salts and clock offsets are
stored per DC as they change. Work on another DC (FILE_MIGRATE, or ``invoke(dc_id=...)``) goes through an
exported authorization (https://core.telegram.org/api/datacenter): ``auth.exportAuthorization`` on the
home DC, ``auth.importAuthorization`` on the other.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.net import DcAddress, Network
from tgfleet.net.sender import Sender, SenderHooks
from tgfleet.net.state import StateFeed
from tgfleet.storage import DcOption, Storage
from tgfleet.tl import LAYER, TLFunction, functions, types

if TYPE_CHECKING:
    from tgfleet.client.core import ClientCore as Client

log = logging.getLogger("tgfleet.client")


class DcPool:
    def __init__(self, client: Client, storage: Storage, states: StateFeed) -> None:
        self.client = client
        self.storage = storage
        self.states = states
        self.network = _with_stored_options(client.network, storage)
        self.home_dc = storage.get_dc_id() or client.network.default_dc
        self.home: Sender | None = None
        self._others: dict[int, Sender] = {}
        self._imported: set[int] = set()
        self._lock = asyncio.Lock()

    # -- home ------------------------------------------------------------------------------------------
    async def start_home(self, timeout: float) -> None:
        if self.client.api_id is None:
            raise ValueError("api_id is required (get one at https://my.telegram.org, or use a sandbox's)")
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
    async def sender(self, dc_id: int | None, timeout: float) -> Sender:
        """The sender for ``dc_id`` (None: home), connected and authorized like the home DC."""
        if dc_id is None or dc_id == self.home_dc:
            assert self.home is not None
            return self.home
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout  # one budget for connecting, exporting and importing
        async with self._lock:
            sender = self._others.get(dc_id)
            if sender is None:
                sender = self._others[dc_id] = self._make(dc_id, home=False)
                await sender.start(max(deadline - loop.time(), 0.0))
            if dc_id not in self._imported and self.storage.get_user_id() is not None:
                await self._import_authorization(sender, dc_id, deadline)
        return sender

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
        for sender in senders:
            self._save(sender)
        await asyncio.gather(*(s.close() for s in senders), return_exceptions=True)
        self._others.clear()

    # -- plumbing --------------------------------------------------------------------------------------
    def _make(self, dc_id: int, home: bool) -> Sender:
        storage = self.storage
        hooks = SenderHooks(
            first_request=lambda: self.init_request(functions.help.GetConfig()),
            on_first_result=self._on_config,
            on_key=lambda result: self._on_key(dc_id, result),
            on_event=self.client._updates_hook if home else None,
        )
        return Sender(
            self.network,
            dc_id,
            auth_key=storage.get_auth_key(dc_id),
            salt=storage.get_server_salt(dc_id) or 0,
            time_offset=storage.get_time_offset(dc_id),
            config=self.client.sender_config,
            hooks=hooks,
            states=self.states if home else StateFeed(dc_id, self.client.clock),
            clock=self.client.clock,
        )

    def init_request(self, query: TLFunction[Any]) -> TLFunction[Any]:
        c = self.client
        init = functions.InitConnection(
            api_id=c.api_id or 0,
            device_model=c.device_model,
            system_version=c.system_version,
            app_version=c.app_version,
            system_lang_code=c.system_lang_code,
            lang_pack="",
            lang_code=c.lang_code,
            query=query,
        )
        return functions.InvokeWithLayer(layer=LAYER, query=init)

    def _on_key(self, dc_id: int, result: HandshakeResult) -> None:
        self.storage.set_auth_key(dc_id, result.auth_key)
        self.storage.set_server_salt(dc_id, result.server_salt)
        self.storage.set_time_offset(dc_id, result.time_offset)

    def _on_config(self, config: Any) -> None:
        if not isinstance(config, types.Config):
            return
        options = [_dc_option(o) for o in config.dc_options if isinstance(o, types.DcOption)]
        if options:
            self.storage.set_dc_options(options)
            if not _is_telegrams(self.network):  # a described network (a sandbox, a relay) is used as given
                return
            self.network = _with_options(self.network, options)
            for sender in (self.home, *self._others.values()):
                if sender is not None:
                    sender.network = self.network

    def _save(self, sender: Sender) -> None:
        session = sender.session
        if session is not None and self.storage.is_open:
            self.storage.set_server_salt(sender.dc_id, session.salt)
            self.storage.set_time_offset(sender.dc_id, session.time_offset)


def _dc_option(o: types.DcOption) -> DcOption:
    return DcOption(
        dc_id=o.id, ip_address=o.ip_address, port=o.port, ipv6=o.ipv6, media_only=o.media_only,
        tcpo_only=o.tcpo_only, cdn=o.cdn, static=o.static, this_port_only=o.this_port_only, secret=o.secret,
    )  # fmt: skip


def _with_options(network: Network, options: list[DcOption]) -> Network:
    """``network`` with the addresses of help.getConfig (plain TCP ones: no CDN, no MTProxy secret)."""
    usable = [
        DcAddress(o.dc_id, o.ip_address, o.port, media=o.media_only, ipv6=o.ipv6)
        for o in options
        if not o.cdn and not o.tcpo_only and o.secret is None
    ]
    return network.with_addresses(tuple(usable)) if any(not a.ipv6 for a in usable) else network


def _with_stored_options(network: Network, storage: Storage) -> Network:
    """Telegram's own networks: the stored help.getConfig list is fresher than the bootstrap addresses. A
    network the caller described (a sandbox, a private deployment) is taken as given."""
    options = storage.get_dc_options()
    if not options or not _is_telegrams(network):
        return network
    return _with_options(network, options)


def _is_telegrams(network: Network) -> bool:
    return network.name in ("production", "test")
