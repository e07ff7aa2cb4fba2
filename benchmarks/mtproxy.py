"""Calls through the sandbox's MTProxy (plain, dd and ee secrets) against direct connections; Telethon side by side.

The sandbox and its three MTProxy listeners run in a child process pinned to CPU 0 (so the relay's decrypt and
re-encrypt share the sandbox's CPU, as a proxy on the same host would); the clients run here, pinned to CPU 1.
Each route is one logged-in client, measured in interleaved rounds (one round = one sample of every route):

1. round trip of ``users.getUsers([inputUserSelf])``, sequential: p50 and p99, and calls per second;
2. calls per second with 100 in flight;
3. upstream throughput: ``messages.sendMessage`` of 4,000-character texts to self, 100 in flight (MB/s of text);
4. downstream throughput: ``messages.getHistory`` of 100 such messages (MB/s of serialized answer).

"vs direct" is the route's calls per second with 100 in flight over the same library's direct connection.

Telethon runs direct (intermediate transport) and through the plain-secret proxy (``ConnectionTcpMTProxyIntermediate``);
its dd client cannot read padded frames with more than 3 padding bytes (see tests/client/test_mtproxy.py), and it has
no fake TLS. Run: ``.venv/bin/python benchmarks/mtproxy.py [--quick] [--json out.json]``
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import _common as c

KEY = "00112233445566778899aabbccddeeff"
SECRETS = {"plain": KEY, "dd": "dd" + KEY, "ee": "ee" + KEY + b"cdn.example.com".hex()}
TEXT = "x" * 4000
ROUTES = [("tgfleet", "direct"), *(("tgfleet", k) for k in SECRETS), ("Telethon", "direct"), ("Telethon", "plain")]


@dataclass(frozen=True)
class Settings:
    rounds: int
    sequential_calls: int
    in_flight: int
    calls_per_worker: int
    sends: int
    histories: int


FULL = Settings(rounds=7, sequential_calls=500, in_flight=100, calls_per_worker=20, sends=300, histories=20)
QUICK = Settings(rounds=2, sequential_calls=100, in_flight=100, calls_per_worker=5, sends=100, histories=5)

_CHILD = """\
import asyncio, json, os, sys
cfg = json.loads(sys.argv[1])
if cfg["cpu"] is not None:
    os.sched_setaffinity(0, {cfg["cpu"]})
from tgfleet.sandbox import Limits, Sandbox


async def main():
    async with Sandbox(dcs=1, default_dc=1, limits=Limits(**cfg["limits"])) as tg:
        for phone in cfg["phones"]:
            tg.add_user(phone, "Bench", dc=1)
        links = {kind: (await tg.start_mtproxy(secret)).link for kind, secret in cfg["secrets"].items()}
        a = tg.dc_addresses[0]
        print(json.dumps({"api_id": tg.api_id, "api_hash": tg.api_hash, "key": tg.public_key_pem,
                          "host": a.host, "port": a.port, "links": links}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            print(json.dumps({"code": tg.login_code(json.loads(line)["phone"])}), flush=True)


asyncio.run(main())
"""


class Child:
    """The sandbox with its MTProxies in a child interpreter; ``code(phone)`` over stdin/stdout."""

    def __init__(self, phones: list[str]) -> None:
        limits = dict(c.UNLIMITED)
        cfg = {"cpu": c.SANDBOX_CPU if c.can_pin() else None, "limits": limits, "phones": phones, "secrets": SECRETS}
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close())
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps(cfg)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=c.subprocess_env(),
        )
        self.info = self._read()

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise RuntimeError(f"the sandbox process ended:\n{self._stderr.read()[-4000:]}")
        return dict(json.loads(line))

    def code(self, phone: str) -> str:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"phone": phone}) + "\n")
        self._proc.stdin.flush()
        return str(self._read()["code"])

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._stderr.close()


class Route:
    """One logged-in client and its four operations."""

    call: Callable[[], Awaitable[Any]]
    send: Callable[[], Awaitable[Any]]
    history: Callable[[], Awaitable[Any]]
    history_bytes = 0

    async def close(self) -> None:
        raise NotImplementedError


async def tgfleet_route(info: dict[str, Any], proxy: str | None, phone: str, code: Callable[[str], str]) -> Route:
    from tgfleet import Client
    from tgfleet.client.ratelimit import RateLimits
    from tgfleet.crypto.rsa import RsaPublicKey
    from tgfleet.net import DcAddress, Network
    from tgfleet.tl import functions, types

    network = Network((DcAddress(1, info["host"], info["port"]),), (RsaPublicKey.from_pem(info["key"]),), False, 1)
    client = Client(
        "bench", info["api_id"], info["api_hash"], in_memory=True, network=network, proxy=proxy,
        transport="intermediate", rate_limits=RateLimits.disabled(),
    )  # fmt: skip
    await client.connect()
    sent = await client.send_code(phone)
    await client.sign_in(phone, sent.phone_code_hash, code(phone))
    route = Route()
    me = types.InputPeerSelf()
    get_users = functions.users.GetUsers(id=[types.InputUserSelf()])
    route.call = lambda: client.invoke(get_users)
    route.send = lambda: client.send_message("me", TEXT)
    history = functions.messages.GetHistory(
        peer=me, offset_id=0, offset_date=0, add_offset=0, limit=100, max_id=0, min_id=0, hash=0
    )
    route.history = lambda: client.invoke(history)
    route.close = client.disconnect  # type: ignore[method-assign]
    for _ in range(100):
        await route.send()
    route.history_bytes = len((await route.history()).to_bytes())
    return route


async def telethon_route(info: dict[str, Any], proxy: str | None, phone: str, code: Callable[[str], str]) -> Route:
    from telethon import TelegramClient, functions, types
    from telethon.crypto import rsa
    from telethon.network import connection
    from telethon.sessions import MemorySession

    rsa.add_key(info["key"], old=False)
    session = MemorySession()
    session.set_dc(1, info["host"], info["port"])
    if proxy is None:
        client = TelegramClient(
            session, info["api_id"], info["api_hash"], connection=connection.ConnectionTcpIntermediate
        )
    else:
        host, port = info["links"]["plain"].split("server=")[1].split("&port=")
        options = {
            "connection": connection.ConnectionTcpMTProxyIntermediate,
            "proxy": (host, int(port.split("&")[0]), KEY),
        }
        client = TelegramClient(session, info["api_id"], info["api_hash"], **options)
    await client.connect()
    await client.send_code_request(phone)
    await client.sign_in(phone, code(phone))
    route = Route()
    get_users = functions.users.GetUsersRequest([types.InputUserSelf()])
    route.call = lambda: client(get_users)
    route.send = lambda: client(functions.messages.SendMessageRequest("me", TEXT))
    history = functions.messages.GetHistoryRequest("me", 0, None, 0, 100, 0, 0, 0)
    route.history = lambda: client(history)
    route.close = client.disconnect  # type: ignore[method-assign,assignment]
    for _ in range(100):
        await route.send()
    route.history_bytes = len(bytes(await route.history()))
    return route


async def in_flight(op: Callable[[], Awaitable[Any]], workers: int, each: int) -> float:
    """Operations per second with ``workers`` running ``each`` operations one after the other."""

    async def worker() -> None:
        for _ in range(each):
            await op()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return workers * each / (time.perf_counter() - t0)


async def sample(route: Route, s: Settings) -> dict[str, list[float]]:
    clock = time.perf_counter
    rtts = []
    start = clock()
    for _ in range(s.sequential_calls):
        t0 = clock()
        await route.call()
        rtts.append(clock() - t0)
    sequential = s.sequential_calls / (clock() - start)
    concurrent = await in_flight(route.call, s.in_flight, s.calls_per_worker)
    sends = await in_flight(route.send, s.in_flight, max(1, s.sends // s.in_flight))
    t0 = clock()
    for _ in range(s.histories):
        await route.history()
    download = s.histories * route.history_bytes / (clock() - t0)
    return {
        "rtt": rtts,
        "sequential": [sequential],
        "concurrent": [concurrent],
        "upload": [sends * len(TEXT)],
        "download": [download],
    }


async def measure(child: Child, s: Settings) -> dict[str, dict[str, list[float]]]:
    info = child.info
    routes: dict[str, Route] = {}
    for i, (lib, kind) in enumerate(ROUTES):
        make = tgfleet_route if lib == "tgfleet" else telethon_route
        proxy = None if kind == "direct" else info["links"][kind]
        routes[f"{lib} {kind}"] = await make(info, proxy, f"+1555020{i:04d}", child.code)
    out: dict[str, dict[str, list[float]]] = {name: {} for name in routes}
    for round_ in range(s.rounds + 1):  # round 0: warm-up, discarded
        print(f"  round {round_}/{s.rounds}{' (warm-up)' if not round_ else ''}", file=sys.stderr)
        for name, route in routes.items():
            got = await sample(route, s)
            if round_:
                for metric, values in got.items():
                    out[name].setdefault(metric, []).extend(values)
    for route in routes.values():
        await route.close()
    return out


def report(samples: dict[str, dict[str, list[float]]]) -> str:
    rows = []
    direct = {lib: samples[f"{lib} direct"] for lib in ("tgfleet", "Telethon")}
    for name, got in samples.items():
        base = direct[name.split()[0]]
        rtt = sorted(got["rtt"])
        p50, p99 = c.median(rtt), rtt[int(len(rtt) * 0.99)]
        ratio = c.median(got["concurrent"]) / c.median(base["concurrent"])
        rows.append(
            [
                name,
                f"{c.fmt_seconds(p50)} / {c.fmt_seconds(p99)}",
                c.fmt_rate(c.median(got["sequential"])),
                c.fmt_rate(c.median(got["concurrent"])),
                f"{c.median(got['upload']) / 1e6:.1f} MB/s",
                f"{c.median(got['download']) / 1e6:.1f} MB/s",
                "—" if name.endswith("direct") else f"{ratio:.2f}x",
            ]
        )
    headers = ["route", "round trip p50 / p99", "sequential", "100 in flight", "upload", "download", "vs direct"]
    return c.table(headers, rows)


def main() -> int:
    args = c.parse_args(__doc__.splitlines()[0])
    s = QUICK if args.quick else FULL
    pinned = c.pin_to(c.LOAD_CPU)
    logging.getLogger("telethon").setLevel(logging.ERROR)
    child = Child([f"+1555020{i:04d}" for i in range(len(ROUTES))])
    try:
        samples = asyncio.run(measure(child, s))
    finally:
        child.close()
    print(f"{c.NOISE_NOTE} {'Pinned: sandbox + proxies CPU 0, clients CPU 1.' if pinned else 'Not pinned.'}")
    print()
    print(report(samples))
    if args.json:
        c.write_json(args.json, {"settings": s.__dict__, "samples": samples})
    return 0


if __name__ == "__main__":
    sys.exit(main())
