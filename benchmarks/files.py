"""Files: tgfleet vs Telethon vs Pyrogram (Kurigram) uploading and downloading through one sandbox, side by side.

The sandbox runs in a child process pinned to CPU 0 (rate limits off); the clients run here, pinned to CPU 1. Each
library's client is logged in as its own account and works in its Saved Messages, with its own high-level calls:

1. One big file (100 MB; 8 MB with ``--quick``) from disk: sent as a document (the upload in parts and
   messages.sendMedia), then downloaded to disk. MiB/s of each direction.
2. 1,000 small files (4 KiB each; 30 with ``--quick``), one after the other: each sent as a document from memory,
   then each downloaded into memory. Files per second. The libraries take turns every 50 files, so that the
   load of a shared machine, which changes from second to second, weighs on each alike.
3. Peak RSS growth of this process while the big file downloads to disk (sampled every 10 ms): what streaming
   costs in memory (the file itself must never be held).
4. The ceiling: tgfleet.crypto's AES-256-IGE, which every byte passes once on the client (and once more in the
   sandbox, on the other CPU), in MiB/s on 1 MiB buffers.

Every figure is the median of the rounds (interleaved: one round is one sample of each library). tgfleet runs with
its client-side rate limits off, as the peers have none. Telethon uploads and downloads on its main connection,
one part at a time; Kurigram on a media session per transfer (with its own native AES, tgcrypto, from the bench
extra); tgfleet on a media connection per DC with four parts in flight.

Run: ``.venv/bin/python benchmarks/files.py [--quick] [--json out.json]`` (``make bench`` installs the peers' AES).
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as c
from client import PHONES, PyrogramAdapter, TelethonAdapter, TgfleetAdapter

LIBS = ("tgfleet", "Telethon", "Pyrogram")
PEERS = LIBS[1:]
MIB = 1 << 20


@dataclass(frozen=True)
class Settings:
    rounds: int
    big_mib: int
    small_files: int
    small_size: int = 4096


FULL = Settings(rounds=3, big_mib=100, small_files=1000)
QUICK = Settings(rounds=1, big_mib=8, small_files=30)
SLICE = 50
"""Small files a library moves before the next one takes its turn."""


# -- what each library does -----------------------------------------------------------------------------------------
class Files:
    """One library's file calls on a connected client: send a document (path or bytes), download it."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def send(self, file: Any, name: str) -> Any:
        raise NotImplementedError

    async def download(self, message: Any, path: Path | None) -> bytes | None:
        """To ``path`` (None returned), or into memory (the bytes)."""
        raise NotImplementedError


class TgfleetFiles(Files):
    async def send(self, file: Any, name: str) -> Any:
        return await self.client.send_document("me", file, file_name=name)

    async def download(self, message: Any, path: Path | None) -> bytes | None:
        if path is None:
            return bytes((await self.client.download_media(message, in_memory=True)).getvalue())
        await self.client.download_media(message, file_name=str(path))
        return None


def _named(file: Any, name: str) -> Any:
    """Bytes as a named file object (how Telethon and Kurigram learn an in-memory file's name)."""
    if not isinstance(file, bytes):
        return file
    named = io.BytesIO(file)
    named.name = name
    return named


class TelethonFiles(Files):
    async def send(self, file: Any, name: str) -> Any:
        return await self.client.send_file("me", _named(file, name), force_document=True)

    async def download(self, message: Any, path: Path | None) -> bytes | None:
        if path is None:
            return bytes(await self.client.download_media(message, file=bytes))
        await self.client.download_media(message, file=str(path))
        return None


class PyrogramFiles(TgfleetFiles):
    async def send(self, file: Any, name: str) -> Any:
        return await self.client.send_document("me", _named(file, name), file_name=name)


class MediaPyrogramAdapter(PyrogramAdapter):
    """Kurigram's media sessions (``media=True``) dial the DC's media listener, as they dial Telegram's media_only
    addresses (on the main listener the key would count as used on two connections at once)."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info)
        from pyrogram.connection import Connection

        main, media = (self.host, self.port), _media_address(info)

        class SandboxConnection(Connection):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["server_address"], kwargs["port"] = media if kwargs.get("media") else main
                super().__init__(*args, **kwargs)

        self._factory = SandboxConnection


class MediaTgfleetAdapter(TgfleetAdapter):
    """tgfleet told the sandbox's media listeners too (``Sandbox.network`` lists them)."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info)
        from tgfleet.net import DcAddress, Network

        media = tuple(DcAddress(d, h, p, media=True) for d, h, p in info["media_dcs"])
        net = self.network
        self.network = Network(net.dcs + media, net.public_keys, False, net.default_dc, "sandbox")
        self._options["network"] = self.network


def _media_address(info: dict[str, Any]) -> tuple[str, int]:
    return next((str(h), int(p)) for d, h, p in info["media_dcs"] if d == info["default_dc"])


ADAPTERS = {"tgfleet": MediaTgfleetAdapter, "Telethon": TelethonAdapter, "Pyrogram": MediaPyrogramAdapter}
FILES: dict[str, type[Files]] = {"tgfleet": TgfleetFiles, "Telethon": TelethonFiles, "Pyrogram": PyrogramFiles}


# -- measuring ------------------------------------------------------------------------------------------------------
class PeakRss:
    """The highest RSS of this process, sampled every 10 ms while the ``with`` block runs, above its start."""

    async def __aenter__(self) -> PeakRss:
        self.start = self.peak = c.rss_bytes()
        self._task = asyncio.ensure_future(self._sample())
        return self

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, c.rss_bytes())
            await asyncio.sleep(0.01)

    async def __aexit__(self, *exc: object) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self.peak = max(self.peak, c.rss_bytes())

    @property
    def growth(self) -> int:
        return self.peak - self.start


async def _timed(job: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await job()
    return time.perf_counter() - t0, result


async def big_file(files: Files, source: Path, work: Path) -> dict[str, float]:
    size = source.stat().st_size
    up, message = await _timed(lambda: files.send(source, "big.bin"))
    target = work / "big.out"
    async with PeakRss() as rss:
        down, _ = await _timed(lambda: files.download(message, target))
    if target.stat().st_size != size:
        raise RuntimeError(f"downloaded {target.stat().st_size} of {size} bytes")
    target.unlink()
    return {"big_up": size / MIB / up, "big_down": size / MIB / down, "rss_growth": float(rss.growth)}


async def small_files(libs: dict[str, Files], count: int, size: int) -> dict[str, dict[str, float]]:
    """Each library sends ``count`` files one after the other, then downloads them, in slices of
    :data:`SLICE` taken in turn (the first library of a slice rotating), so a change in the machine's load hits
    every library alike; files per second of each direction, per library."""
    payloads = {name: [os.urandom(size) for _ in range(count)] for name in libs}
    messages: dict[str, list[Any]] = {name: [] for name in libs}
    got: dict[str, list[bytes | None]] = {name: [] for name in libs}
    up = dict.fromkeys(libs, 0.0)
    down = dict.fromkeys(libs, 0.0)
    names = list(libs)
    for turn, start in enumerate(range(0, count, SLICE)):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            t0 = time.perf_counter()
            for n in range(start, min(start + SLICE, count)):
                messages[name].append(await libs[name].send(payloads[name][n], f"small{n}.bin"))
            up[name] += time.perf_counter() - t0
    for turn, start in enumerate(range(0, count, SLICE)):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            t0 = time.perf_counter()
            got[name] += [await libs[name].download(m, None) for m in messages[name][start : start + SLICE]]
            down[name] += time.perf_counter() - t0
    if any(got[name] != payloads[name] for name in libs):
        raise RuntimeError("a small file came back different")
    return {name: {"small_up": count / up[name], "small_down": count / down[name]} for name in libs}


def ige_ceiling() -> dict[str, float]:
    from tgfleet.crypto import aes

    data, key, iv = os.urandom(MIB), os.urandom(32), os.urandom(32)
    rates = {}
    for name, fn in (("ige_encrypt", aes.ige_encrypt), ("ige_decrypt", aes.ige_decrypt)):
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(20):
                fn(data, key, iv)
            samples.append(20 / (time.perf_counter() - t0))
        rates[name] = c.median(samples)
    return rates


async def measure(info: dict[str, Any], sessions: dict[str, str], s: Settings, work: Path) -> dict[str, Any]:
    source = work / "big.bin"
    with source.open("wb") as f:
        for _ in range(s.big_mib):
            f.write(os.urandom(MIB))
    adapters = {name: ADAPTERS[name](info) for name in LIBS}
    clients = {name: adapters[name].saved(sessions[name]) for name in LIBS}
    for name in LIBS:
        await adapters[name].connect(clients[name])
    out: dict[str, dict[str, list[float]]] = {}
    try:
        libs = {name: FILES[name](clients[name]) for name in LIBS}
        await small_files(libs, 3, s.small_size)  # warm-up, discarded: each one's first transfer (media sessions)
        for round_ in range(s.rounds):
            print(f"round {round_ + 1} of {s.rounds} ...", file=sys.stderr)
            got = {name: await big_file(libs[name], source, work) for name in LIBS}
            for name, small in (await small_files(libs, s.small_files, s.small_size)).items():
                got[name].update(small)
            for name in LIBS:
                for metric, value in got[name].items():
                    out.setdefault(metric, {}).setdefault(name, []).append(value)
    finally:
        for name in LIBS:
            await adapters[name].disconnect(clients[name])
    return out


async def login_all(info: dict[str, Any], sandbox: c.SandboxProcess) -> dict[str, str]:
    sessions = {}
    for name in LIBS:
        adapter = ADAPTERS[name](info)
        client = adapter.fresh()
        await adapter.connect(client)
        sessions[name] = await adapter.login(client, PHONES[name], sandbox.login_code)
        await adapter.disconnect(client)
    return sessions


# -- report ---------------------------------------------------------------------------------------------------------
def report(med: dict[str, dict[str, float]], ceiling: dict[str, float], s: Settings, placement: str) -> str:
    rows_spec = [
        (f"{s.big_mib} MiB file up (send_document / send_file), MiB/s", "big_up", True, "{:.1f}"),
        (f"{s.big_mib} MiB file down to disk, MiB/s", "big_down", True, "{:.1f}"),
        (f"{s.small_files:,} files of {s.small_size // 1024} KiB up, files/s", "small_up", True, "{:.0f}"),
        (f"{s.small_files:,} files of {s.small_size // 1024} KiB down, files/s", "small_down", True, "{:.0f}"),
        (f"peak RSS growth while {s.big_mib} MiB download to disk", "rss_growth", False, None),
    ]
    rows = []
    for label, key, higher, fmt in rows_spec:
        m = med[key]
        adv = c.advantage(m["tgfleet"], [m[p] for p in PEERS], higher_is_better=higher)
        cells = [c.fmt_bytes(m[lib]) if fmt is None else fmt.format(m[lib]) for lib in LIBS]
        rows.append([label, *cells, c.fmt_ratio(adv)])
    lines = [
        f"# File transfer benchmark against the sandbox (Python {sys.version.split()[0]})",
        "",
        c.NOISE_NOTE,
        f"Placement: {placement}. Medians of {s.rounds} interleaved rounds (after a warm-up).",
        "",
        c.table(["", *LIBS, "tgfleet vs best peer"], rows),
        "",
        f"Ceiling: tgfleet.crypto AES-256-IGE on 1 MiB: encrypt {ceiling['ige_encrypt']:.0f} MiB/s, decrypt "
        f"{ceiling['ige_decrypt']:.0f} MiB/s (every byte is encrypted once by the client and decrypted once by "
        "the sandbox, or the other way round, each on its own CPU).",
    ]
    return "\n".join(lines)


def main() -> int:
    args = c.parse_args(__doc__.splitlines()[0])
    s = QUICK if args.quick else FULL
    users = [(PHONES[name], name) for name in LIBS]
    with c.SandboxProcess(users=users) as sandbox, tempfile.TemporaryDirectory() as tmp:
        pinned = c.pin_to(c.LOAD_CPU)
        info = sandbox.info
        print("logging in ...", file=sys.stderr)
        sessions = asyncio.run(login_all(info, sandbox))
        samples = asyncio.run(measure(info, sessions, s, Path(tmp)))
        duplicated = sandbox.stats().get("auth_key_duplicated", 0)
        placement = sandbox.placement() if pinned else sandbox.placement() + " (the load is unpinned)"
    ceiling = ige_ceiling()
    med = {metric: {lib: c.median(v) for lib, v in by_lib.items()} for metric, by_lib in samples.items()}
    print(report(med, ceiling, s, placement))
    if duplicated:
        print(f"\nWARNING: the sandbox answered AUTH_KEY_DUPLICATED {duplicated} times", file=sys.stderr)
    if args.json:
        c.write_json(args.json, {"settings": s.__dict__, "samples": samples, "median": med, "ceiling": ceiling})
    return 1 if duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
