"""``tgfleet fleet doctor``: each check finds what it is for (a proxy down, a user imported twice, SQLite on a
network filesystem or shared by hosts, a clock off the database's) and passes a healthy fleet, on both engines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner

from tgfleet.cli import main
from tgfleet.fleet import Fleet
from tgfleet.fleet.doctor import diagnose, filesystem_of

from .helpers import pyrogram_string


def _by_check(findings: list[dict[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(f["check"], set()).add(f["status"])
    return out


async def test_a_healthy_fleet_passes_and_a_proxy_down_and_a_user_twice_are_found(store_url: str) -> None:
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    up = server.sockets[0].getsockname()[1]
    probe = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    down = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()  # a port nobody listens on now
    async with server, Fleet.open(store_url) as fleet:
        await fleet.accounts.import_session(pyrogram_string(user_id=8_200_000_001), label="a",
                                            proxy=f"socks5://u:secret@127.0.0.1:{up}")  # fmt: skip
        key = "0123456789abcdef" * 2  # an MTProxy link is read as one too (its host is not the URL's)
        await fleet.accounts.import_session(pyrogram_string(user_id=8_200_000_002), label="m",
                                            proxy=f"tg://proxy?server=127.0.0.1&port={up}&secret=dd{key}")  # fmt: skip
        runner = CliRunner()
        healthy = await asyncio.to_thread(runner.invoke, main, ["fleet", "doctor", "--store", store_url, "--json"])
        assert healthy.exit_code == 0, healthy.output
        assert all(f["status"] == "ok" for f in json.loads(healthy.output)), healthy.output
        assert "secret" not in healthy.output and key not in healthy.output  # nor a password nor a secret shown
        await fleet.accounts.import_session(pyrogram_string(user_id=8_200_000_001), label="b",
                                            proxy=f"socks5://127.0.0.1:{down}")  # fmt: skip
        sick = await asyncio.to_thread(runner.invoke, main, ["fleet", "doctor", "--store", store_url, "--json"])
        assert sick.exit_code == 1
        found = _by_check(json.loads(sick.output))
        assert found["duplicates"] == {"warn"} and found["proxies"] == {"ok", "fail"}


async def test_sqlite_on_a_network_filesystem_or_shared_by_hosts_fails(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda1 / ext4 rw 0 0\nserver:/export {tmp_path} nfs4 rw 0 0\n")
    assert filesystem_of(tmp_path / "sub", str(mounts)) == "nfs4" and filesystem_of(Path("/usr"), str(mounts)) == "ext4"
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    async with Fleet.open(url) as fleet:
        [on_nfs] = [f for f in await diagnose(fleet, url, mounts=str(mounts)) if f.check == "filesystem"]
        assert on_nfs.status == "fail" and "nfs4" in on_nfs.detail
        await fleet.workers.register(5, host="h1", pid=1)
        await fleet.workers.register(5, host="h2", pid=2)
        hosts = [f for f in await diagnose(fleet, url, mounts="/nonexistent") if f.check == "hosts"]
        assert [f.status for f in hosts] == ["fail"]


async def test_a_clock_off_the_database_by_more_than_a_third_of_the_ttl_fails(store_url: str) -> None:
    import time

    async with Fleet.open(store_url) as fleet:
        [clock] = [f for f in await diagnose(fleet, store_url) if f.check == "clock"]
        assert clock.status == "ok"
        skewed = [f for f in await diagnose(fleet, store_url, clock=lambda: time.time() + 3600) if f.check == "clock"]
        expected = "fail" if store_url.startswith("postgresql") else "ok"  # SQLite has no second clock
        assert [f.status for f in skewed] == [expected]
