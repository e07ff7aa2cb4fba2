"""Every import format round-trips on both engines: a real login on the sandbox, written by Kurigram / Telethon /
tgfleet in each format, imported, used by a Client on the fenced storage, exported, imported into another store
with the same ``auth_key_id``, where ``get_me`` works without a new key. The same key twice is refused at import,
also across formats."""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("telethon", minversion="1.45")
pytest.importorskip("pyrogram")

from pyrogram.storage import SQLiteStorage as KurigramStorage
from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession, StringSession

from tgfleet.crypto.kdf import auth_key_id
from tgfleet.fleet import AccountState, DuplicateAccountError, ExportError, Fleet
from tgfleet.fleet.client import FleetClient
from tgfleet.sandbox import Sandbox

from ..client.helpers import FAST, logged_in
from .helpers import pyrogram_string

FORMATS = ["pyrogram-362", "pyrogram-356", "telethon", "pyrogram-file", "telethon-file", "tgfleet-file"]
OLD_LAYOUTS = {"pyrogram-356": ">B?256sQ?", "pyrogram-351": ">B?256sI?"}  # 351: 32-bit user ids only


async def kurigram(workdir: Path | None, key: bytes, api_id: int, user_id: int) -> str:
    """Kurigram writes the session: a file in ``workdir``, or (None) a string."""
    storage = KurigramStorage("kurigram", workdir or Path("."), in_memory=workdir is None)
    await storage.open()
    for name, value in (("dc_id", 2), ("api_id", api_id), ("test_mode", False), ("auth_key", key),
                        ("user_id", user_id), ("is_bot", False)):  # fmt: skip
        await getattr(storage, name)(value)
    text: str = await storage.export_session_string()
    await storage.save()
    await storage.close()
    return text


def telethon(path: Path | None, key: bytes, host: str, port: int) -> str:
    session = SQLiteSession(str(path)) if path else StringSession()
    session.set_dc(2, host, port)
    session.auth_key = AuthKey(key)
    text = session.save() or ""
    session.close()
    return text


def old_pyrogram(fmt: str, key: bytes, user_id: int) -> str:
    """The two older Pyrogram layouts (no api_id), which Kurigram still reads but no longer writes."""
    return base64.urlsafe_b64encode(struct.pack(OLD_LAYOUTS[fmt], 2, False, key, user_id, False)).decode().rstrip("=")


async def write_source(fmt: str, tmp: Path, tg: Sandbox, key: bytes, user_id: int) -> str:
    address = tg.network.address(2)
    if fmt == "pyrogram-362":
        return await kurigram(None, key, tg.api_id, user_id)
    if fmt in OLD_LAYOUTS:
        return old_pyrogram(fmt, key, user_id)
    if fmt == "telethon":
        return telethon(None, key, address.host, address.port)
    if fmt == "pyrogram-file":
        await kurigram(tmp, key, tg.api_id, user_id)
        return str(tmp / "kurigram.session")
    if fmt == "telethon-file":
        telethon(tmp / "tele.session", key, address.host, address.port)
        return str(tmp / "tele.session")
    raise AssertionError(fmt)


async def check_get_me(fleet: Fleet, label: str, tg: Sandbox, user_id: int) -> None:
    """Lease the account and run a Client on its fenced storage: it is the account, with no new key."""
    account = await fleet.accounts.get(label)
    worker = await fleet.workers.register(1)
    lease = await fleet.leases.acquire_account(account.id, worker)
    storage = await fleet.sessions.storage(lease)
    keys = tg.auth_key_ids(2)
    client = FleetClient(storage, label, api_id=tg.api_id, api_hash=tg.api_hash, network=tg.network, **FAST)
    await client.connect()
    assert (await client.get_me()).id == user_id
    await client.disconnect()
    await storage.flush()
    await fleet.leases.release(worker, [lease])
    assert tg.auth_key_ids(2) == keys


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_format_round_trips(fmt: str, new_store: Callable[[], str], tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15553100001", first_name="Alice", dc=2)
        if fmt == "tgfleet-file":
            origin = await logged_in(tg, user.phone, "alice", in_memory=False, workdir=tmp_path)
        else:
            origin = await logged_in(tg, user.phone, "alice")
        assert origin.storage is not None
        key = origin.storage.get_auth_key(2)
        assert key is not None
        await origin.disconnect()
        source = str(tmp_path / "alice.session") if fmt == "tgfleet-file" else await write_source(
            fmt, tmp_path, tg, key, user.id)  # fmt: skip

        async with Fleet.open(new_store()) as first:
            account = await first.accounts.import_session(source, label="alice", pool="support")
            assert (account.auth_key_id, account.dc_id, account.state) == (auth_key_id(key), 2, AccountState.NEW)
            assert account.origin_format == ("pyrogram-362" if fmt == "pyrogram-362" else fmt)
            await check_get_me(first, "alice", tg, user.id)  # fills what the format lacked (user id, api_id)
            assert (await first.accounts.get("alice")).user_id == user.id
            as_pyrogram = await first.accounts.export("alice", "pyrogram")
            address = tg.network.address(2)
            as_telethon = await first.accounts.export("alice", "telethon", server=(address.host, address.port))
            exported = await first.accounts.get("alice")
            assert exported.exported_format == "telethon" and exported.exported_at is not None
            assert [e.kind for e in await first.accounts.events("alice")] == ["import", "export", "export"]

        for text in (as_pyrogram, as_telethon):
            async with Fleet.open(new_store()) as other:
                copy = await other.accounts.import_session(text, label="alice-copy")
                assert copy.auth_key_id == auth_key_id(key)
                await check_get_me(other, "alice-copy", tg, user.id)


@pytest.mark.parametrize("fmt", ["pyrogram-362", *OLD_LAYOUTS])
async def test_all_three_pyrogram_lengths_import(fmt: str, store_url: str) -> None:
    key = bytes(range(256))
    text = (
        pyrogram_string(key=key, user_id=4_000_000_000)
        if fmt == "pyrogram-362"
        else old_pyrogram(fmt, key, 4_000_000_000)
    )
    assert len(text) == int(fmt[-3:])
    async with Fleet.open(store_url) as fleet:
        account = await fleet.accounts.import_session(text, label="p")
    assert (account.origin_format, account.dc_id, account.user_id) == (fmt, 2, 4_000_000_000)
    assert account.auth_key_id == auth_key_id(key)
    assert account.api_id == (12345 if fmt == "pyrogram-362" else None)


async def test_the_same_key_is_refused_across_formats(store_url: str, tmp_path: Path) -> None:
    key = bytes(range(256))
    async with Fleet.open(store_url) as fleet:
        await fleet.accounts.import_session(pyrogram_string(key=key), label="first")
        with pytest.raises(DuplicateAccountError, match="already account 'first'") as again:
            await fleet.accounts.import_session(pyrogram_string(key=key, user_id=1), label="second")
        assert again.value.holder == "first"
        telethon(tmp_path / "same.session", key, "127.0.0.1", 443)
        with pytest.raises(DuplicateAccountError, match="already account 'first'"):
            await fleet.accounts.import_session(tmp_path / "same.session", label="third")
        with pytest.raises(DuplicateAccountError, match="label 'first'"):
            await fleet.accounts.import_session(pyrogram_string(), label="first")
        assert [a.label for a in await fleet.accounts.list()] == ["first"]


async def test_an_export_names_what_the_format_lacks(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet:
        await fleet.accounts.import_session(telethon(None, bytes(256), "127.0.0.1", 443), label="t")
        with pytest.raises(ExportError, match="no api_id and user id"):
            await fleet.accounts.export("t", "pyrogram")
        assert (await fleet.accounts.get("t")).exported_at is None  # a failed export is not recorded
        with pytest.raises(ExportError, match="unknown export format"):
            await fleet.accounts.export("t", "tdata")
        assert (await fleet.accounts.export("t", "telethon")).startswith("1")  # the import's server address
