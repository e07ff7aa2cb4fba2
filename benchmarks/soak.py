"""Full-size runs of the scale and soak scenarios that CI runs at a reduced size.

    .venv/bin/python benchmarks/soak.py            # everything below at full size
    .venv/bin/python benchmarks/soak.py --quick    # CI sizes (a smoke test of this script)

- 1,000 messages as fast as possible through the client's rate limits, never a FLOOD_WAIT from the
  sandbox's defaults (tests/client/test_ratelimit.py; CI: 200);
- 500 messages to an account whose connection is dropped five times and which restarts once, every
  message seen once and in order (tests/client/test_updates.py; CI: 150);
- 1,000 posts to a supergroup across 100 dropped connections, 20% of the channel's pushes lost and a restart,
  every post seen once and in order (tests/client/test_channel_updates.py; CI: 150 posts, 10 drops);
- the full-schema TL round trip with 10 hypothesis examples per constructor (tests/tl/test_roundtrip.py;
  CI: 1).

Each scenario is the test itself, run by pytest with the full size in its environment variable; the
script prints a table of outcome and wall time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    ("1,000 messages under the rate limits", "tests/client/test_ratelimit.py", {"TGFLEET_RATE_MESSAGES": "1000"}),
    ("500 messages across 5 drops + a restart", "tests/client/test_updates.py", {"TGFLEET_UPDATES_MESSAGES": "500"}),
    (
        "1,000 channel posts across 100 drops, 20% lost, a restart",
        "tests/client/test_channel_updates.py",
        {"TGFLEET_CHANNEL_MESSAGES": "1000", "TGFLEET_CHANNEL_DROPS": "100"},
    ),
    ("TL round trip, 10 examples/constructor", "tests/tl/test_roundtrip.py", {"TGFLEET_TL_EXAMPLES": "10"}),
]


def main() -> int:
    quick = "--quick" in sys.argv
    rows = []
    for title, path, env in SCENARIOS:
        started = time.monotonic()
        extra = {} if quick else env
        args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path]
        if "roundtrip" in path:
            args += ["-n", "2"]
        done = subprocess.run(args, cwd=ROOT, env={**os.environ, **extra}, capture_output=True, text=True)
        outcome = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        rows.append((title + (" [CI size]" if quick else ""), outcome, time.monotonic() - started))
        if done.returncode:
            print(done.stdout[-3000:], done.stderr[-2000:], sep="\n")
    print("| scenario | outcome | wall time |\n|:--|:--|--:|")
    for title, outcome, seconds in rows:
        print(f"| {title} | {outcome} | {seconds:.1f} s |")
    return 0 if all(r[1] == "passed" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
