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
