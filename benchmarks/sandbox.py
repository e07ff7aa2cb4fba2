"""What the sandbox sustains on one core: key exchanges and RPCs per second.

The sandbox runs in a child process pinned to CPU 0 (rate limits off); the load runs here, pinned to CPU 1.
Each row drives the sandbox for a fixed window and reads the CPU time both processes used in it, so besides
the rate achieved it reports the sandbox's CPU time per operation and what a saturated sandbox core would
sustain at that cost (operations / sandbox CPU second), whichever side was the bottleneck.

1. Key exchanges: light clients (``tgfleet.net.connection.Connection`` + ``tgfleet.net.auth.exchange_key``,
   the sans-IO ``ClientHandshake`` over one TCP connection each), N in parallel, a new connection per exchange.
2. RPCs: ``help.getConfig`` and ``users.getUsers([inputUserSelf])`` through tgfleet clients, at several
   concurrencies.

Run: ``.venv/bin/python benchmarks/sandbox.py [--quick] [--json out.json]``
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import _common as c

PHONE = "+15550100009"


@dataclass(frozen=True)
class Settings:
    rounds: int
    window: float
    """Seconds each sample counts (after a ramp-up of ``ramp`` seconds)."""
    handshake_workers: tuple[int, ...]
    rpc_loads: tuple[tuple[str, int, int], ...]
    """``(method, clients, calls in flight per client)``."""
    ramp: float = 0.3


_LOADS = (
    ("help.getConfig", 1, 1),
    ("help.getConfig", 10, 10),
    ("users.getUsers(self)", 1, 1),
    ("users.getUsers(self)", 1, 100),
    ("users.getUsers(self)", 10, 10),
    ("users.getUsers(self)", 50, 4),
)
FULL = Settings(rounds=5, window=3.0, handshake_workers=(1, 4, 16), rpc_loads=_LOADS)
QUICK = Settings(rounds=3, window=1.0, handshake_workers=(1, 8), rpc_loads=_LOADS)


@dataclass
class Window:
    """One sample: operations completed in ``wall`` seconds, and the CPU seconds each side used meanwhile."""

    ops: int
    wall: float
    sandbox_cpu: float
    load_cpu: float

    @property
    def rate(self) -> float:
        return self.ops / self.wall

    @property
    def sandbox_busy(self) -> float:
        return self.sandbox_cpu / self.wall

    @property
    def load_busy(self) -> float:
        return self.load_cpu / self.wall

    @property
    def sandbox_cpu_per_op(self) -> float:
        return self.sandbox_cpu / self.ops if self.ops else float("nan")

    @property
    def load_cpu_per_op(self) -> float:
        return self.load_cpu / self.ops if self.ops else float("nan")

    @property
    def capacity(self) -> float:
        """Operations per second of sandbox CPU time: what one saturated sandbox core sustains."""
        return self.ops / self.sandbox_cpu if self.sandbox_cpu > 0 else float("nan")


async def run_window(
    sandbox: c.SandboxProcess, workers: int, op: Callable[[int], Awaitable[Any]], s: Settings
) -> Window:
    """``workers`` loops of ``op(i)``; counts what completes in ``s.window`` seconds after the ramp-up."""
    done = 0
    running = True

    async def loop(i: int) -> None:
        nonlocal done
        while running:
            await op(i)
            done += 1

    tasks = [asyncio.create_task(loop(i)) for i in range(workers)]
    await asyncio.sleep(s.ramp)
    cpu0, load0, t0, done0 = sandbox.cpu_seconds(), time.process_time(), time.perf_counter(), done
    await asyncio.sleep(s.window)
    cpu1, load1, t1, done1 = sandbox.cpu_seconds(), time.process_time(), time.perf_counter(), done
    running = False
    await asyncio.gather(*tasks)
    return Window(done1 - done0, t1 - t0, cpu1 - cpu0, load1 - load0)


# -- 1: key exchanges -----------------------------------------------------------------------------------------------
def handshake_op(sandbox: c.SandboxProcess, network: Any) -> Callable[[int], Awaitable[Any]]:
    from tgfleet.net.auth import exchange_key
    from tgfleet.net.connection import Connection

    host, port = sandbox.address
    dc_id = sandbox.info["default_dc"]

    async def op(_: int) -> None:
        conn = await Connection.open(host, port)
        try:
            await exchange_key(conn, network, dc_id, clock=time.time)
        finally:
            await conn.aclose()

    return op


# -- 2: RPCs --------------------------------------------------------------------------------------------------------
def network_of(info: dict[str, Any]) -> Any:
    from tgfleet.crypto.rsa import RsaPublicKey
    from tgfleet.net import DcAddress, Network

    dcs = tuple(DcAddress(d, h, p) for d, h, p in info["dcs"])
    return Network(dcs, (RsaPublicKey.from_pem(info["public_key_pem"]),), False, info["default_dc"], "sandbox")


def make_client(info: dict[str, Any], network: Any, session: str | None = None) -> Any:
    from tgfleet import Client
    from tgfleet.client.ratelimit import RateLimits

    return Client(
        "load",
        info["api_id"],
        info["api_hash"],
        session_string=session,
        in_memory=True,
        network=network,
        rate_limits=RateLimits.disabled(),  # the client's own pacing would be the bottleneck otherwise
    )


async def login(sandbox: c.SandboxProcess, network: Any) -> str:
    client = make_client(sandbox.info, network)
    await client.connect()
    sent = await client.send_code(PHONE)
    await client.sign_in(PHONE, sent.phone_code_hash, sandbox.login_code(PHONE))
    session = str(await client.export_session_string())
    await client.disconnect()
    return session


# -- main -----------------------------------------------------------------------------------------------------------
async def measure(sandbox: c.SandboxProcess, s: Settings) -> dict[str, list[Window]]:
    from tgfleet.tl import functions, types

    info = sandbox.info
    network = network_of(info)
    session = await login(sandbox, network)
    requests = {
        "help.getConfig": functions.help.GetConfig(),
        "users.getUsers(self)": functions.users.GetUsers(id=[types.InputUserSelf()]),
    }
    most = max(n for _, n, _ in s.rpc_loads)
    clients = [make_client(info, network, session) for _ in range(most)]
    await asyncio.gather(*(cl.connect() for cl in clients))
    rows: dict[str, tuple[int, Callable[[int], Awaitable[Any]]]] = {}
    op = handshake_op(sandbox, network)
    for n in s.handshake_workers:
        rows[f"key exchange, {n} in parallel"] = (n, op)
    for method, n_clients, per_client in s.rpc_loads:
        request = requests[method]

        def call(i: int, request: Any = request, n_clients: int = n_clients) -> Any:
            return clients[i % n_clients].invoke(request)

        rows[f"{method}, {n_clients} client(s) x {per_client} in flight"] = (n_clients * per_client, call)
    out: dict[str, list[Window]] = {label: [] for label in rows}
    for round_ in range(s.rounds + 1):  # round 0: warm-up, discarded
        print(f"  round {round_}/{s.rounds}{' (warm-up)' if not round_ else ''}", file=sys.stderr)
        for label, (workers, fn) in rows.items():
            w = await run_window(sandbox, workers, fn, s)
            if round_:
                out[label].append(w)
    await asyncio.gather(*(cl.disconnect() for cl in clients))
    return out


def main() -> int:
    args = c.parse_args(__doc__.splitlines()[0])
    s = QUICK if args.quick else FULL
    with c.SandboxProcess(users=[(PHONE, "Load")]) as sandbox:
        pinned = c.pin_to(c.LOAD_CPU)
        print(f"measuring in {s.rounds} rounds (+1 warm-up) of {s.window:g} s windows ...", file=sys.stderr)
        results = asyncio.run(measure(sandbox, s))
        stats = sandbox.stats()
        placement = sandbox.placement() if pinned else sandbox.placement() + " (the load is unpinned)"

    print(f"# What the sandbox sustains on one core (Python {sys.version.split()[0]})\n")
    print(c.NOISE_NOTE)
    print(
        f"Placement: {placement}. Rate limits off (tgfleet.sandbox.Limits: requests, messages and the new-account"
        " rates set to None). 2048-bit sandbox RSA key, abridged transport. Each figure is the median of"
        f" {s.rounds} windows of {s.window:g} s (after a {s.ramp:g} s ramp-up each; rows interleaved round by"
        " round, after a warm-up round). Sandbox CPU = user + system time of the sandbox process in the window;"
        " 'one core sustains' = operations per sandbox CPU second, i.e. the rate of a saturated sandbox core at"
        " the measured cost (it holds whether the sandbox or the load generator was the bottleneck). Busy ="
        " CPU time / wall time of that process; load CPU / op = the load generator's (this process's) CPU time"
        " per operation.\n"
    )
    print(
        "Key exchanges: tgfleet's sans-IO ClientHandshake driven by tgfleet.net.auth.exchange_key over a"
        " tgfleet.net.connection.Connection (no Client), a new TCP connection per exchange (req_pq_multi ..."
        " dh_gen_ok, 2048-bit DH), closed afterwards. RPCs: tgfleet Clients (client-side rate limiter disabled)"
        " restored from one logged-in session string, each on its own connection and session; 'in flight' ="
        " concurrent callers per client.\n"
    )
    header = ["", "achieved", "sandbox busy", "load busy", "load CPU / op", "sandbox CPU / op", "one core sustains"]
    rows = []
    for label, windows in results.items():
        rows.append(
            [
                label,
                c.fmt_rate(c.median(w.rate for w in windows)),
                f"{c.median(w.sandbox_busy for w in windows):.0%}",
                f"{c.median(w.load_busy for w in windows):.0%}",
                c.fmt_seconds(c.median(w.load_cpu_per_op for w in windows)),
                c.fmt_seconds(c.median(w.sandbox_cpu_per_op for w in windows)),
                c.fmt_rate(c.median(w.capacity for w in windows)),
            ]
        )
    print(c.table(header, rows))
    print(f"\nSandbox state at the end: {stats}")
    if args.json:
        c.write_json(
            args.json,
            {
                "benchmark": "sandbox",
                "settings": s.__dict__,
                "placement": placement,
                "samples": {
                    label: [w.__dict__ | {"rate": w.rate, "capacity": w.capacity} for w in ws]
                    for label, ws in results.items()
                },
                "medians": {
                    label: {
                        "rate": c.median(w.rate for w in ws),
                        "sandbox_busy": c.median(w.sandbox_busy for w in ws),
                        "load_busy": c.median(w.load_busy for w in ws),
                        "load_cpu_per_op": c.median(w.load_cpu_per_op for w in ws),
                        "sandbox_cpu_per_op": c.median(w.sandbox_cpu_per_op for w in ws),
                        "capacity": c.median(w.capacity for w in ws),
                    }
                    for label, ws in results.items()
                },
                "sandbox_stats": stats,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
