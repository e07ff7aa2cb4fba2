"""Sessions on disk: one active session per client (a second opener fails fast, naming the holder), and
fifty clients with their own files in one process never see "database is locked"; a storage the caller gives
(``storage=``) holds the session instead, a session string loaded into it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tgfleet.sandbox import Limits
from tgfleet.sandbox.server import Sandbox
from tgfleet.storage import MemoryStorage, SessionLockedError

from .helpers import logged_in, make_client


async def test_a_second_client_on_the_same_session_fails_fast(tmp_path: Path) -> None:
    async with Sandbox(dcs=1, default_dc=1) as tg:
        user = tg.add_user(phone="+15550700001", first_name="Mo", dc=1)
        first = await logged_in(tg, user.phone, name="mo", in_memory=False, workdir=tmp_path)
        second = make_client(tg, "mo", in_memory=False, workdir=tmp_path)
        with pytest.raises(SessionLockedError, match="tgfleet Client 'mo'"):
            await second.connect()

        code = (
            "import asyncio, sys\n"
            "from tgfleet import Client\n"
            "from tgfleet.net import Network\n"
            "from tgfleet.storage import SessionLockedError\n"
            f"c = Client('mo', api_id=1, workdir={str(tmp_path)!r}, network=Network.production())\n"
            "try:\n    asyncio.run(c.connect())\n"
            "except SessionLockedError as e:\n    print('LOCKED', e.holder.pid); sys.exit(3)\n"
        )
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.returncode == 3, out.stderr
        assert out.stdout.split() == ["LOCKED", str(__import__("os").getpid())]
        assert time.monotonic() - started < 30  # fails at once (the time is the interpreter's start-up)

        await first.disconnect()
        again = make_client(tg, "mo", in_memory=False, workdir=tmp_path)
        assert await again.connect()  # the lock is free and the login was saved
        await again.disconnect()


async def test_fifty_clients_with_their_own_files(tmp_path: Path) -> None:
    # fifty key exchanges share one event loop with the sandbox: on a loaded machine each step can wait
    # longer than the default 10 s, so both sides get generous limits (this test is about the files)
    async with Sandbox(dcs=1, default_dc=1, limits=Limits(handshake_timeout=60)) as tg:
        users = [tg.add_user(phone=f"+1555071{i:04d}", first_name=f"U{i}", dc=1) for i in range(50)]
        clients = await asyncio.gather(
            *(
                logged_in(tg, u.phone, name=f"u{i}", in_memory=False, workdir=tmp_path, timeout=60, connect_timeout=30)
                for i, u in enumerate(users)
            )
        )
        await asyncio.gather(*(c.send_message("me", "hello") for c in clients))
        await asyncio.gather(*(c.disconnect() for c in clients))
        reopened = [make_client(tg, f"u{i}", in_memory=False, workdir=tmp_path, timeout=60) for i in range(50)]
        assert all(await asyncio.gather(*(c.connect() for c in reopened)))
        await asyncio.gather(*(c.disconnect() for c in reopened))


async def test_a_given_storage_holds_the_session(tmp_path: Path) -> None:
    async with Sandbox(dcs=2) as tg:
        user = tg.add_user(phone="+15550700101", first_name="Sol", dc=2)
        first = await logged_in(tg, user.phone)
        session_string = await first.export_session_string()
        await first.disconnect()

        storage = MemoryStorage()
        restored = make_client(tg, session_string=session_string, storage=storage, in_memory=False, workdir=tmp_path)
        assert await restored.connect() is True and restored.storage is storage
        await restored.send_message("me", "kept in the given storage")
        await restored.disconnect()
        assert not storage.is_open and not list(tmp_path.iterdir())  # closed by disconnect(); no session file

        again = make_client(tg, storage=storage, in_memory=False)  # the same storage, no session string
        assert await again.connect() is True  # logged in from what the storage kept
        assert (await again.get_me()).id == user.id
        await again.disconnect()
