"""Shared helpers of the benchmark scripts: command line, fresh-interpreter sampling, in-process timing, tables, JSON.

Every benchmark compares tgfleet with its peers on the same work. Machines are shared and noisy, so everything
is sampled several times, interleaved across the contenders (one round = one sample of each, so a burst of load
hits all of them alike), and the median is reported.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

K = TypeVar("K")

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

NOISE_NOTE = "Shared, noisy machine: every figure is the median of several samples, interleaved across the libraries."


# -- command line ---------------------------------------------------------------------------------------------------
def parse_args(
    description: str,
    argv: Sequence[str] | None = None,
    extra: Callable[[argparse.ArgumentParser], object] | None = None,
) -> argparse.Namespace:
    """The options every benchmark takes: ``--quick`` (fewer, shorter samples) and ``--json PATH``.

    ``extra`` adds a script's own options to the parser.
    """
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="fewer and shorter samples (smoke test, noisier)")
    p.add_argument("--json", metavar="PATH", type=Path, help="also write the results as JSON to PATH")
    if extra is not None:
        extra(p)
    return p.parse_args(argv)


# -- fresh interpreters ---------------------------------------------------------------------------------------------
def subprocess_env() -> dict[str, str]:
    """The environment of measured interpreters: bytecode caches read *and* written, nothing else changed."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def compile_tree(path: Path) -> None:
    """Write ``__pycache__`` for every module under ``path`` (the environment may have disabled that)."""
    if not compileall.compile_dir(str(path), quiet=1, workers=0):
        raise RuntimeError(f"compileall failed under {path}")


def missing_bytecode(package: str) -> list[str]:
    """Modules of an installed package whose cached bytecode is absent or older than the source."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not an installed package")
    missing = []
    for root in spec.submodule_search_locations:
        for src in Path(root).rglob("*.py"):
            pyc = Path(importlib.util.cache_from_source(str(src)))
            if not pyc.exists() or pyc.stat().st_mtime < src.stat().st_mtime:
                missing.append(str(src))
    return missing


def run_python(code: str, *, timeout: float = 120.0) -> str:
    """Run ``code`` with ``python -c`` in a fresh interpreter (same venv, neutral cwd) and return its stdout."""
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=cwd,
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"subprocess failed ({proc.returncode}):\n{code}\n--- stderr ---\n{proc.stderr}")
    return proc.stdout


# Measures the statements in a fresh interpreter: wall time of the statements, then resident memory. Reads
# /proc with builtins only and prints a Python literal, so nothing is imported besides ``time`` (built in).
_PROBE = """\
import time as _t
_t0 = _t.perf_counter()
{code}
_t1 = _t.perf_counter()
_rss = -1
try:
    with open("/proc/self/status") as _f:
        for _line in _f:
            if _line.startswith("VmRSS:"):
                _rss = int(_line.split()[1]) * 1024
except OSError:
    pass
if _rss < 0:
    import resource as _r
    _rss = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss * 1024
print(repr({{"seconds": _t1 - _t0, "rss": _rss}}))
"""


def probe(code: str) -> dict[str, float]:
    """One fresh-interpreter sample of ``code``: ``seconds`` it took and ``rss`` (bytes) right after."""
    out = run_python(_PROBE.format(code=code))
    result: dict[str, float] = ast.literal_eval(out.strip().splitlines()[-1])
    return result


def sample_fresh(snippets: Mapping[K, str], runs: int) -> dict[K, list[dict[str, float]]]:
    """``runs`` probes of every snippet, interleaved round by round. The first round is a discarded warm-up
    (it also writes any missing bytecode cache and fills the OS page cache)."""
    samples: dict[K, list[dict[str, float]]] = {k: [] for k in snippets}
    for round_ in range(runs + 1):
        for key, code in snippets.items():
            s = probe(code)
            if round_:
                samples[key].append(s)
    return samples


# -- in-process timing ----------------------------------------------------------------------------------------------
def ops_per_second(
    timers: Mapping[K, timeit.Timer], *, repeats: int, min_time: float, on_sample: Callable[[], None] | None = None
) -> dict[K, list[float]]:
    """Operations per second of each timer (a ``timeit.Timer`` of one operation), one sample per repeat.

    Each timer's loop count is calibrated so a sample lasts ``min_time`` seconds; the repeats are interleaved
    across the timers. ``timeit`` switches the garbage collector off inside each sample, for every timer alike.
    """
    loops: dict[K, int] = {}
    for key, timer in timers.items():
        n, elapsed = timer.autorange()
        loops[key] = max(1, int(n * min_time / max(elapsed, 1e-9)))
    rates: dict[K, list[float]] = {k: [] for k in timers}
    for _ in range(repeats):
        for key, timer in timers.items():
            rates[key].append(loops[key] / timer.timeit(loops[key]))
        if on_sample is not None:
            on_sample()
    return rates


def median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


# -- reporting ------------------------------------------------------------------------------------------------------
def advantage(ours: float, peers: Iterable[float], *, higher_is_better: bool) -> float | None:
    """How many times better ``ours`` is than the best peer (> 1: we win). None if undefined."""
    values = [p for p in peers if p == p]  # drop NaN
    if not values:
        return None
    if higher_is_better:
        best = max(values)
        return ours / best if best > 0 else None
    best = min(values)
    return best / ours if ours > 0 else None


def fmt_ratio(r: float | None) -> str:
    return "n/a" if r is None else f"{r:.2f}x"


def fmt_seconds(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def fmt_bytes(n: float) -> str:
    if abs(n) >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    return f"{n / 1024:.0f} KiB"


def fmt_rate(r: float) -> str:
    if r >= 1e6:
        return f"{r / 1e6:.2f} M/s"
    if r >= 1e3:
        return f"{r / 1e3:.1f} k/s"
    return f"{r:.0f} /s"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A markdown table: first column left-aligned, the others right-aligned."""
    body = [list(r) for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        parts = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i else (":" + "-" * (w + 1)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in body)])


def machine() -> dict[str, Any]:
    """Context stored with every JSON result."""
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if hasattr(os, "getloadavg"):
        info["loadavg"] = os.getloadavg()
    return info


def write_json(path: Path, results: Mapping[str, Any]) -> None:
    path.write_text(json.dumps({"machine": machine(), **results}, indent=2) + "\n")


# -- a sandbox in a child process -----------------------------------------------------------------------------------
SANDBOX_CPU = 0
"""The CPU a :class:`SandboxProcess` is pinned to (when the machine has two or more)."""
LOAD_CPU = 1
"""The CPU the load (the benchmark process and its workers) is pinned to (when the machine has two or more)."""


def can_pin() -> bool:
    """Whether the sandbox and the load can each have a CPU of their own (Linux, CPUs 0 and 1 usable)."""
    return hasattr(os, "sched_setaffinity") and {SANDBOX_CPU, LOAD_CPU} <= os.sched_getaffinity(0)


def pin_to(cpu: int) -> bool:
    """Pin this process to ``cpu`` if :func:`can_pin`; returns whether it did."""
    if not can_pin():
        return False
    os.sched_setaffinity(0, {cpu})
    return True


def rss_bytes(pid: int | None = None) -> int:
    """The resident set size (VmRSS) of this process (or of ``pid``), in bytes."""
    with open(f"/proc/{'self' if pid is None else pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


# Runs in the child: a Sandbox with the given limits and users, then one JSON reply per JSON request on stdin
# (EOF stops it). The first line on stdout describes the sandbox. Only the reply lines go to stdout.
_SANDBOX_CHILD = """\
import asyncio, json, os, sys, time
cfg = json.loads(sys.argv[1])
pinned = False
if cfg["cpu"] is not None:
    os.sched_setaffinity(0, {cfg["cpu"]})
    pinned = True
from tgfleet.errors import FloodWait
from tgfleet.sandbox import Limits, Sandbox
from tgfleet.sandbox.server_limits import Rate
from tgfleet.sandbox.flood import FloodGuard

floods = 0  # FLOOD_WAIT answers of the sandbox's rate limiter (the "floods" request)
_check = FloodGuard.check


def counted_check(self, *args, **kwargs):
    global floods
    try:
        _check(self, *args, **kwargs)
    except FloodWait:
        floods += 1
        raise


FloodGuard.check = counted_check


def handle(tg, req):
    op = req["op"]
    if op == "code":
        return {"code": tg.login_code(req["phone"])}
    if op == "cpu":
        return {"cpu": time.process_time(), "wall": time.perf_counter()}
    if op == "stats":
        return {"stats": {k: {str(d): n for d, n in v.items()} if isinstance(v, dict) else v
                          for k, v in tg.stats().items()}}
    if op == "add_user":
        user = tg.add_user(req["phone"], req.get("first_name", ""), username=req.get("username"),
                           password=req.get("password"), dc=req.get("dc"))
        return {"id": user.id}
    if op == "count":
        msgs = tg.messages_of(req["user_id"], req.get("peer_id"))
        incoming = [m for m in msgs if not m.out]
        outgoing = [m for m in msgs if m.out]
        return {"count": len(msgs), "incoming": len(incoming), "outgoing": len(outgoing),
                "texts": len({m.text for m in incoming}),
                "random_ids": len({m.random_id for m in outgoing if m.random_id is not None})}
    if op == "floods":
        return {"floods": floods}
    if op == "seed":
        return {"accounts": seed(tg, req["count"], req.get("dc", tg.default_dc))}
    if op == "overlaps":
        return {"overlaps": [[key, vars(a), vars(b)] for key, a, b in tg.key_use.overlaps()]}
    if op == "duplicate_keys":
        tg.detect_duplicate_keys(req["enabled"])
        return {}
    raise ValueError(f"unknown op {op!r}")


def seed(tg, count, dc):
    # accounts with existing keys: a user, a permanent key on its DC and the key's login (as --state restores them)
    from tgfleet.crypto.kdf import auth_key_id

    out = []
    for _ in range(count):
        n = len(tg.world.accounts.all())
        user = tg.add_user(f"+1557{n:07d}", f"Seeded {n}", dc=dc)
        key = os.urandom(256)
        tg.restore_key(dc, key)
        tg.world.auths.authorize(auth_key_id(key), user.id, dc)
        out.append([user.id, dc, key.hex()])
    return out


async def main():
    limits = Limits(**{k: Rate(**v) if isinstance(v, dict) else v for k, v in cfg["limits"].items()})
    async with Sandbox(dcs=cfg["dcs"], limits=limits) as tg:
        users = {phone: tg.add_user(phone, name, dc=tg.default_dc).id for phone, name in cfg["users"]}
        info = {
            "pid": os.getpid(), "pinned_cpu": cfg["cpu"] if pinned else None, "api_id": tg.api_id,
            "api_hash": tg.api_hash, "public_key_pem": tg.public_key_pem, "default_dc": tg.default_dc,
            "dcs": [[a.dc_id, a.host, a.port] for a in tg.dc_addresses], "users": users,
            "media_dcs": [[a.dc_id, a.host, a.port] for a in tg.media_addresses],
        }
        print(json.dumps(info), flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            try:
                reply = handle(tg, json.loads(line))
            except Exception as e:
                reply = {"error": repr(e)}
            print(json.dumps(reply), flush=True)


asyncio.run(main())
"""

UNLIMITED = {
    "requests": None,
    "messages": None,
    "new_account_requests": None,
    "new_account_messages": None,
    "max_sessions_per_key": 1_000_000,
    "max_connections_per_dc": 16_384,
    "max_pending_calls": 4096,
}
"""``Limits`` fields for benchmarks: no rate limits, and room for thousands of sessions and connections."""


class SandboxProcess:
    """A ``tgfleet.sandbox.Sandbox`` in a child interpreter (pinned to :data:`SANDBOX_CPU` if :func:`can_pin`),
    driven over a line-based JSON control channel on its stdin/stdout.

    ``users`` are ``(phone, first_name)`` pairs created up front on the default DC. ``limits`` are keyword
    arguments of ``tgfleet.sandbox.Limits`` (default: :data:`UNLIMITED`; a rate as ``{"count": n, "per": s}``).
    Use as a context manager; ``info``
    holds what clients need (``dcs`` as ``[dc, host, port]``, ``media_dcs`` the same for the media listeners,
    ``public_key_pem``, ``api_id``, ``api_hash``,
    ``users`` as phone -> id, ``pid``, ``pinned_cpu``).
    """

    def __init__(
        self, *, dcs: int = 2, users: Sequence[tuple[str, str]] = (), limits: Mapping[str, Any] | None = None
    ) -> None:
        self.config = {
            "dcs": dcs,
            "users": [list(u) for u in users],
            "limits": dict(UNLIMITED if limits is None else limits),
            "cpu": SANDBOX_CPU if can_pin() else None,
        }
        self.info: dict[str, Any] = {}
        self._proc: subprocess.Popen[str] | None = None
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in __exit__)

    def __enter__(self) -> SandboxProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SANDBOX_CHILD, json.dumps(self.config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=subprocess_env(),
        )
        self.info = self._read()
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._stderr.close()

    def _read(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise RuntimeError(f"the sandbox process ended:\n{self._stderr.read()[-4000:]}")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"sandbox control error: {reply['error']}")
        return reply

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        """One control request; blocks for the reply (~0.1 ms). ``code`` (``phone``): the live login code;
        ``cpu``: the sandbox's CPU time; ``stats``: its counts; ``add_user`` (``phone``, optional ``first_name``,
        ``username``, ``password`` (2FA; ~0.1 s to derive) and ``dc``): the new account's ``id``; ``count``
        (``user_id``, optional ``peer_id``): the messages in that box (``count``), the incoming and outgoing
        ones, the distinct ``texts`` of the incoming ones and the distinct ``random_ids`` of the outgoing ones (the
        sandbox keeps a random_id on the sender's copy only); ``floods``: how many FLOOD_WAIT answers the
        sandbox's rate limiter has given so far; ``seed`` (``count``, optional ``dc``): that many accounts with
        existing keys (``accounts``: ``[user_id, dc, auth key hex]`` each); ``overlaps``: the auth keys used on two
        connections at once so far (``Sandbox.key_use``); ``duplicate_keys`` (``enabled``): the AUTH_KEY_DUPLICATED
        rule on or off (``Sandbox.detect_duplicate_keys``)."""
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self._proc.stdin.flush()
        return self._read()

    def login_code(self, phone: str) -> str:
        return str(self.request("code", phone=phone)["code"])

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the sandbox process has used so far."""
        return float(self.request("cpu")["cpu"])

    def stats(self) -> dict[str, Any]:
        return dict(self.request("stats")["stats"])

    @property
    def address(self) -> tuple[str, int]:
        """Host and port of the default DC."""
        for dc, host, port in self.info["dcs"]:
            if dc == self.info["default_dc"]:
                return str(host), int(port)
        raise LookupError("no address for the default DC")

    def placement(self) -> str:
        """Where the sandbox and the load run, for the report."""
        if self.info.get("pinned_cpu") is None:
            return "sandbox in a child process, unpinned (fewer than 2 usable CPUs): it shares the CPUs with the load"
        return f"sandbox in a child process pinned to CPU {SANDBOX_CPU}; the load pinned to CPU {LOAD_CPU}"
