"""Telethon pointed at a sandbox the way Telethon documents for custom servers: the session's DC address and
the server's RSA key (``telethon.crypto.rsa.add_key``). Nothing in Telethon is patched; its class-level cache of the
server's config is emptied for each new client (it would hold an earlier sandbox's DC addresses)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.network import connection
from telethon.sessions import MemorySession

from tgfleet.sandbox import Sandbox

T = TypeVar("T")
TIMEOUT = 10.0
"""Bound on every Telethon call (they take milliseconds on loopback)."""


def telethon_client(tg: Sandbox, dc: int, session: MemorySession | None = None, **options: Any) -> TelegramClient:
    """A Telethon client for ``tg``'s DC ``dc`` (a fresh MemorySession unless one is given: e.g. a StringSession)."""
    rsa.add_key(tg.public_key_pem, old=False)
    # Telethon keeps help.getConfig's answer on the class (TelegramBaseClient._config) for every client of the
    # process: after another test's sandbox it would send a borrowed sender (another DC's files) to that one's ports
    TelegramClient._config = None
    session = session if session is not None else MemorySession()
    address = tg.network.address(dc)
    session.set_dc(dc, address.host, address.port)
    kw: dict[str, Any] = {"connection": connection.ConnectionTcpFull, "receive_updates": False}
    # one more try at the key exchange: Telethon drops the leading zero bytes of the shared key
    # (``rsa.get_byte_array``), so about one exchange in 256 fails on its side (against Telegram too)
    kw.update(connection_retries=1, request_retries=1)
    kw.update(options)
    return TelegramClient(session, tg.api_id, tg.api_hash, **kw)


async def bounded(call: Awaitable[T]) -> T:
    return await asyncio.wait_for(call, TIMEOUT)


async def telethon_login(client: TelegramClient, tg: Sandbox, phone: str, password: str | None = None) -> Any:
    """Connect, send the code, sign in with the sandbox's code (and the 2FA password if asked); the user."""
    from telethon.errors import SessionPasswordNeededError

    await bounded(client.connect())
    await bounded(client.send_code_request(phone))
    try:
        return await bounded(client.sign_in(phone, tg.login_code(phone)))
    except SessionPasswordNeededError:
        if password is None:
            raise
        return await bounded(client.sign_in(password=password))
