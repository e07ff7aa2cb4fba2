"""The lifecycle against the sandbox: handlers run concurrently on workers, start() logs in from the
constructor's phone_number / phone_code / password and returns the client, async with = start/stop, the
synchronous style, idle() and compose() in processes of their own (no running loop there; SIGINT ends them)."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from tests.client.helpers import logged_in, make_client
from tgfleet import Client, filters
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox

CHILD = Path(__file__).parent / "scripts" / "lifecycle_child.py"
ROOT = Path(__file__).parents[2]
WAIT = 30.0


async def test_ten_slow_handlers_run_at_once() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        alice = tg.add_user(phone="+15552000001", first_name="Alice", dc=1)
        bob = tg.add_user(phone="+15552000002", first_name="Bob", username="bob_slow", dc=1)
        sender = await logged_in(tg, alice.phone, "alice")
        receiver = await logged_in(tg, bob.phone, "bob", workers=10)
        entered: list[str] = []
        all_in = asyncio.Event()

        @receiver.on_message(filters.incoming)
        async def slow(_: Client, message: Any) -> None:
            entered.append(message.text)
            if len(entered) == 10:
                all_in.set()
            await asyncio.sleep(3)  # a handler that takes 3 s: one at a time, ten would need 30 s

        for i in range(10):
            await sender.send_message("@bob_slow", f"m{i}")
        await within(all_in.wait(), 2.9)  # all ten being handled before the first one ends
        assert sorted(entered) == sorted(f"m{i}" for i in range(10))
        await sender.disconnect()
        await receiver.stop()  # waits for the handlers to end


async def test_start_logs_in_from_the_constructors_arguments_and_returns_the_client() -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15552000003", first_name="Cy", password="pw", dc=2)
        client = make_client(tg, phone_number=user.phone, password="pw")
        sent: list[str] = []

        @client.on_start()
        async def started(c: Client) -> None:
            sent.append("start handler")

        # the code only exists once start() asked for it: it comes from a callback, the rest from the constructor
        assert await client.start(code=lambda _: tg.login_code(user.phone)) is client
        assert client.me.id == user.id and sent == ["start handler"]
        assert await client.storage.user_id() == user.id and await client.storage.dc_id() == 2  # Pyrogram's accessors
        assert await client.storage.is_bot() is False and len(await client.storage.auth_key() or b"") == 256
        await client.stop()
        assert not client.storage.is_open


async def test_async_with_is_start_and_stop() -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15552000004", first_name="Di", dc=1)
        first = await logged_in(tg, user.phone, "first")
        session = await first.export_session_string()
        await first.disconnect()
        client = make_client(tg, name="second", session_string=session)
        async with client as app:
            assert app is client and app.me.id == user.id and app.is_connected
        assert not client.storage.is_open and not client.is_connected


async def run_child(mode: str, info: Path, *sessions: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), mode, str(info), *sessions, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def line(stream: Any, wanted: str) -> str:
    while True:
        text = (await within(stream.readline(), WAIT)).decode()
        if not text:
            raise AssertionError(f"the child ended before printing {wanted!r}")
        if wanted in text:
            return text.strip()


async def sandbox_with(tg: Sandbox, tmp_path: Path, *phones: str) -> tuple[Path, list[str]]:
    info = tmp_path / "sandbox.json"
    dcs = [(a.dc_id, a.host, a.port) for a in tg.dc_addresses]
    info.write_text(SandboxInfo(dcs, tg.public_key_pem, tg.api_id, tg.api_hash, tg.default_dc).to_json())
    sessions = []
    for phone in phones:
        client = await logged_in(tg, phone, phone)
        sessions.append(await client.export_session_string())
        await client.disconnect()
    return info, sessions


async def test_the_synchronous_style_in_a_process_without_a_loop(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15552000005", first_name="Ed", dc=1)
        info, (session,) = await sandbox_with(tg, tmp_path, user.phone)
        child = await run_child("sync", info, session)
        out, err = await within(child.communicate(), WAIT)
        assert child.returncode == 0, err.decode()
        assert out.decode().splitlines() == ["sent sync hello True", "replied sync reply", "stopped True", "again True"]
        assert [m.text for m in tg.messages_of(user.id, user.id)][-2:] == ["sync hello", "sync reply"]


async def test_idle_returns_on_sigint(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15552000006", first_name="Flo", dc=1)
        info, (session,) = await sandbox_with(tg, tmp_path, user.phone)
        child = await run_child("idle", info, session)
        await line(child.stderr, "idle: waiting")
        child.send_signal(signal.SIGINT)
        out, err = await within(child.communicate(), WAIT)
        assert child.returncode == 0, err.decode()
        assert out.decode().splitlines() == ["started", "idle returned", "stopped"]


async def test_compose_runs_two_accounts_until_sigint(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        a, b, c = (
            tg.add_user(phone=f"+1555200001{i}", first_name=n, username=f"compose_{n}", dc=1)
            for i, n in enumerate("ABC")
        )
        info, sessions = await sandbox_with(tg, tmp_path, a.phone, b.phone)
        child = await run_child("compose", info, *sessions)
        await line(child.stderr, "idle: waiting")
        sender = await logged_in(tg, c.phone, "sender")
        await sender.send_message("@compose_A", "to a")
        await sender.send_message("@compose_B", "to b")
        got = {await line(child.stdout, "got"), await line(child.stdout, "got")}
        assert got == {"got a to a", "got b to b"}
        child.send_signal(signal.SIGINT)
        out, err = await within(child.communicate(), WAIT)
        assert child.returncode == 0, err.decode()
        assert out.decode().strip().endswith("composed done True")
        await sender.disconnect()
