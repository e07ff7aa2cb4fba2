"""Session strings checked against the other libraries' own code (the oracle; no format is re-implemented here
except the two old Pyrogram layouts, which Kurigram still reads but no longer writes: those are packed per
docs/protocol.md §13 and Kurigram's reader must accept them).

- Pyrogram (Kurigram 2.2.26, ``pyrogram.storage.SQLiteStorage`` in memory: ``open()`` parses a string,
  ``export_session_string()`` writes one): tgfleet's strings read back field by field and re-export
  identically; Kurigram's strings (current 362 layout; the 351 and 356 layouts) decode in tgfleet, and a
  Kurigram-written string restores a live tgfleet client on the sandbox.
- Telethon (``telethon.sessions.StringSession``), IPv4 and IPv6, both ways; and a Telethon client logged in on
  the sandbox hands its StringSession to tgfleet, which carries on as that account without a new key.
- Malformed strings raise SessionStringError naming every format tried.
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path
from typing import Any

import pytest

from tgfleet import Client
from tgfleet.client.session_strings import (
    SessionData,
    SessionStringError,
    decode_session_string,
    export_pyrogram,
    export_telethon,
)
from tgfleet.sandbox import Sandbox

from ..client.helpers import logged_in, make_client

pytest.importorskip("telethon", minversion="1.45")
pytest.importorskip("pyrogram")

from pyrogram.storage import SQLiteStorage
from telethon.crypto import AuthKey
from telethon.sessions import StringSession

from .helpers import bounded, telethon_client, telethon_login

KEY = bytes(range(256))
VARIANTS = [
    # dc_id, api_id, test_mode, user_id, is_bot
    (2, 1, False, 2_645_523_082, False),
    (1, 2_147_483_647, True, 7_999_999_999, True),
    (5, 94_575, False, 777_000, False),
    (3, 12_345, True, 4_294_967_296, False),  # needs 64 bits
]


async def kurigram_storage(session_string: str | None = None) -> SQLiteStorage:
    """Kurigram's in-memory session storage; with a string, ``open()`` parses it the way Pyrogram clients do."""
    storage = SQLiteStorage("interop", Path("."), session_string=session_string, in_memory=True)
    await storage.open()
    return storage


async def kurigram_fields(session_string: str) -> tuple[Any, ...]:
    s = await kurigram_storage(session_string)
    try:
        api_id = await s.api_id()
        return (
            await s.dc_id(),
            api_id,
            bool(await s.test_mode()),
            await s.auth_key(),
            await s.user_id(),
            bool(await s.is_bot()),
        )
    finally:
        await s.close()


async def kurigram_writes(dc_id: int, api_id: int, test_mode: bool, key: bytes, user_id: int, is_bot: bool) -> str:
    s = await kurigram_storage()
    try:
        await s.dc_id(dc_id)
        await s.api_id(api_id)
        await s.test_mode(test_mode)
        await s.auth_key(key)
        await s.user_id(user_id)
        await s.is_bot(is_bot)
        exported: str = await s.export_session_string()
        return exported
    finally:
        await s.close()


def old_pyrogram(fmt: str, dc_id: int, test_mode: bool, key: bytes, user_id: int, is_bot: bool) -> str:
    """The old layouts per docs/protocol.md §13 (Kurigram reads them, writes only the current one)."""
    return base64.urlsafe_b64encode(struct.pack(fmt, dc_id, test_mode, key, user_id, is_bot)).decode().rstrip("=")


# --- Pyrogram / Kurigram ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"dc{v[0]}-test{int(v[2])}-bot{int(v[4])}")
async def test_tgfleet_strings_read_back_by_kurigram(variant: tuple[int, int, bool, int, bool]) -> None:
    dc_id, api_id, test_mode, user_id, is_bot = variant
    key = os.urandom(256)
    text = export_pyrogram(SessionData("pyrogram-362", dc_id, key, test_mode, api_id, user_id, is_bot))
    assert len(text) == 362
    assert await kurigram_fields(text) == (dc_id, api_id, test_mode, key, user_id, is_bot)
    assert await kurigram_writes(dc_id, api_id, test_mode, key, user_id, is_bot) == text  # byte for byte


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"dc{v[0]}-test{int(v[2])}-bot{int(v[4])}")
async def test_kurigram_strings_decode_in_tgfleet(variant: tuple[int, int, bool, int, bool]) -> None:
    dc_id, api_id, test_mode, user_id, is_bot = variant
    text = await kurigram_writes(dc_id, api_id, test_mode, KEY, user_id, is_bot)
    assert decode_session_string(text) == SessionData("pyrogram-362", dc_id, KEY, test_mode, api_id, user_id, is_bot)


@pytest.mark.parametrize(("fmt", "length"), [(">B?256sI?", 351), (">B?256sQ?", 356)])
async def test_old_pyrogram_layouts_decode_in_kurigram_and_tgfleet(fmt: str, length: int) -> None:
    user_id = 4_000_000_000 if length == 351 else 7_000_000_000
    text = old_pyrogram(fmt, 4, True, KEY, user_id, True)
    assert len(text) == length
    assert await kurigram_fields(text) == (4, None, True, KEY, user_id, True)  # Kurigram's reader agrees
    data = decode_session_string(text)
    assert data == SessionData(f"pyrogram-{length}", 4, KEY, True, None, user_id, True)


async def test_tgfleet_session_string_read_by_kurigram_after_a_real_login() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15552000001", first_name="Alice", dc=2)
        client = await logged_in(tg, alice.phone)
        text = await client.export_session_string()
        assert client.storage is not None
        key = client.storage.get_auth_key(2)
        await client.disconnect()
    assert await kurigram_fields(text) == (2, tg.api_id, False, key, alice.id, False)


@pytest.mark.parametrize("layout", ["kurigram-362", "spec-356"])
async def test_a_pyrogram_string_restores_a_live_tgfleet_client(layout: str) -> None:
    """A key tgfleet made on the sandbox, written out by Kurigram (or in the old 356 layout, without the
    api_id), restores a tgfleet client that is that account at once: no new key, messages go out."""
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15552000011", first_name="Alice", dc=2)
        bob = tg.add_user(phone="+15552000012", first_name="Bob", username="bob_pyro", dc=2)
        first = await logged_in(tg, alice.phone, "first")
        assert first.storage is not None
        key = first.storage.get_auth_key(2)
        assert key is not None
        await first.disconnect()
        if layout == "kurigram-362":
            text = await kurigram_writes(2, tg.api_id, False, key, alice.id, False)
        else:
            text = old_pyrogram(">B?256sQ?", 2, False, key, alice.id, False)
        keys = tg.auth_key_ids(2)

        client = Client("restored", session_string=text, api_id=tg.api_id, network=tg.network, timeout=10.0)
        assert await client.connect() is True
        assert (await client.get_me()).id == alice.id
        await client.send_message("@bob_pyro", f"from a {layout} string")
        assert tg.auth_key_ids(2) == keys
        await client.disconnect()
        assert [m.text for m in tg.messages_of(bob.id, alice.id)] == [f"from a {layout} string"]


# --- Telethon ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "port"), [("149.154.167.51", 443), ("2001:67c:4e8:f002::a", 443), ("::1", 1)])
def test_telethon_strings_decode_in_tgfleet(host: str, port: int) -> None:
    key = os.urandom(256)
    session = StringSession()
    session.set_dc(2, host, port)
    session.auth_key = AuthKey(key)
    text = session.save()
    assert len(text) == (353 if ":" not in host else 369)
    data = decode_session_string(text)
    assert (data.format, data.dc_id, data.auth_key, data.server) == ("telethon", 2, key, (host, port))
    assert (data.api_id, data.user_id, data.is_bot) == (None, None, None)  # Telethon does not store them
    assert key.hex() not in repr(data) and repr(key) not in repr(data)  # the key never shows in a repr


@pytest.mark.parametrize(("host", "port"), [("127.0.0.1", 38123), ("2001:db8::7", 65535)])
def test_tgfleet_telethon_strings_load_in_telethon(host: str, port: int) -> None:
    key = os.urandom(256)
    text = export_telethon(SessionData("telethon", 4, key, server=(host, port)))
    session = StringSession(text)
    assert (session.dc_id, session.server_address, session.port) == (4, host, port)
    assert session.auth_key is not None and session.auth_key.key == key
    assert session.save() == text  # and Telethon writes it back identically


async def test_a_telethon_login_carries_on_in_tgfleet() -> None:
    async with Sandbox(dcs=2) as tg:
        alice = tg.add_user(phone="+15552000021", first_name="Alice", dc=2)
        bob = tg.add_user(phone="+15552000022", first_name="Bob", username="bob_tele", dc=2)
        telethon = telethon_client(tg, 2, StringSession())
        try:
            me = await telethon_login(telethon, tg, alice.phone)
            assert me.id == alice.id
            text = telethon.session.save()
        finally:
            await bounded(telethon.disconnect())
        data = decode_session_string(text)
        address = tg.network.address(2)
        assert (data.dc_id, data.server) == (2, (address.host, address.port))
        keys = {dc: tg.auth_key_ids(dc) for dc in tg.dc_ids}

        client = make_client(tg, "from-telethon", session_string=text, api_hash=None)
        assert await client.connect() is True
        assert client.storage is not None and client.storage.get_user_id() == alice.id  # filled by the check
        assert (await client.get_me()).id == alice.id
        sent = await client.send_message("bob_tele", "hello from the same login")
        assert sent.chat.id == bob.id
        assert {dc: tg.auth_key_ids(dc) for dc in tg.dc_ids} == keys  # no new handshake anywhere
        exported = await client.export_session_string()  # and now it exports as a Pyrogram string
        await client.disconnect()
        assert [m.text for m in tg.messages_of(bob.id, alice.id)] == ["hello from the same login"]
        assert await kurigram_fields(exported) == (2, tg.api_id, False, data.auth_key, alice.id, False)


# --- malformed --------------------------------------------------------------------------------------------------


def _good_pyrogram() -> str:
    return export_pyrogram(SessionData("pyrogram-362", 2, KEY, False, 1, 1_000_000_001, False))


def _good_telethon() -> str:
    return export_telethon(SessionData("telethon", 2, KEY, server=("127.0.0.1", 443)))


MALFORMED = {
    "empty": "",
    "short": "hello",
    "pyrogram-cut": _good_pyrogram()[:-1],
    "pyrogram-not-base64": "!" * 362,
    "pyrogram-dc-0": export_pyrogram(SessionData("pyrogram-362", 0, KEY, False, 1, 1, False)),
    "telethon-version-2": "2" + _good_telethon()[1:],
    "telethon-no-padding": _good_telethon().rstrip("="),
    "telethon-bad-base64": "1" + "*" * 352,
}


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_strings_name_every_format_tried(text: str) -> None:
    with pytest.raises(SessionStringError) as error:
        decode_session_string(text)
    message = str(error.value)
    assert "Pyrogram" in message and "Telethon" in message
    assert isinstance(error.value, ValueError)


async def test_a_malformed_string_fails_the_client_before_any_connection() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        client = Client("broken", session_string="not a session", api_id=tg.api_id, network=tg.network)
        with pytest.raises(SessionStringError):
            await client.connect()
        assert tg.stats()["connections"][1] == 0 and tg.auth_key_ids(1) == []
