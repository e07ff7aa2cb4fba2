"""``tgfleet demo``: the processes of docs/requirements.md end to end against an embedded 3-DC sandbox.

Steps (one module each): new client + key exchange, login with PHONE_MIGRATE / code / 2FA (``login``),
session string export and restore (``session``), messages and flood waits (``traffic``), connection
states and recovery (``states``). Nothing leaves loopback; the whole run takes a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from tgfleet.cli.demo.base import Demo, DemoFailed, describe, ms
from tgfleet.cli.demo.login import login, new_client
from tgfleet.cli.demo.session import restore
from tgfleet.cli.demo.states import recovery
from tgfleet.cli.demo.traffic import flood_waits, messages
from tgfleet.cli.output import Out
from tgfleet.net.timeouts import within

Step = Callable[[Demo], Awaitable[str]]
STEPS: list[tuple[str, Step]] = [
    ("New client: connect and key exchange", new_client),
    ("Login: send_code, the code, sign_in, 2FA (check_password)", login),
    ("Session string: export, then restore a new client from it", restore),
    ("Messages: by username and by id, received by a second account", messages),
    ("FloodWait: slept and retried below sleep_threshold, raised above it", flood_waits),
    ("Connection states: drop, recovery, FAILED, disconnect", recovery),
]
STEP_TIMEOUT = 30.0


async def run_demo(out: Out) -> int:
    """Run every step; 0 when all of them behaved as expected, 1 otherwise (the error says where)."""
    from tgfleet.sandbox import Sandbox

    started = time.monotonic()
    out.title("tgfleet demo: a Telegram client against a local Telegram (loopback only)")
    with out.waiting("starting an embedded sandbox: 3 DCs on 127.0.0.1 with a fresh RSA key"):
        tg = Sandbox(dcs=3)
        try:
            await tg.start()
        except OSError as e:
            out.error(f"the embedded sandbox could not listen on 127.0.0.1: {e}")
            return 1
    results: list[tuple[str, str, float]] = []
    try:
        demo = Demo.create(tg, out)
        addresses = ", ".join(f"DC {a.dc_id} {a.host}:{a.port}" for a in tg.dc_addresses)
        out.say(f"sandbox: {addresses}; key fingerprint {tg.rsa_key.public.fingerprint & (2**64 - 1):#018x}")
        out.say(f"accounts: Alice +{demo.alice.phone} @{demo.alice.username} (2FA, home DC {demo.alice.dc}), "
                f"Bob +{demo.bob.phone} @{demo.bob.username} (home DC {demo.bob.dc})")  # fmt: skip
        try:
            for number, (title, step) in enumerate(STEPS, 1):
                out.step(number, len(STEPS), title)
                step_started = time.monotonic()
                try:
                    summary = await within(step(demo), STEP_TIMEOUT)
                except asyncio.TimeoutError:
                    raise DemoFailed(f"the step did not finish within {STEP_TIMEOUT:.0f} s") from None
                except DemoFailed:
                    raise
                except Exception as e:
                    raise DemoFailed(f"unexpected {describe(e)}") from e
                results.append((title, summary, time.monotonic() - step_started))
        except DemoFailed as e:
            out.error(f"demo step {len(results) + 1} ({STEPS[len(results)][0]}) failed: {e}")
            return 1
        finally:
            await demo.close()
    finally:
        await tg.stop()
    _summary(out, results, time.monotonic() - started)
    return 0


def _summary(out: Out, results: list[tuple[str, str, float]], total: float) -> None:
    out.always("")
    out.always("Summary", "bold")
    for number, (title, summary, took) in enumerate(results, 1):
        mark = "✓" if out.console else "ok"
        out.always(f"{mark} {number}. {title.split(':')[0]} ({ms(took)}): {summary}", "green", 1)
    out.always(f"all {len(results)} steps passed in {total:.1f} s", "bold green")
    out.always("next: `tgfleet sandbox` runs this Telegram on its own; `tgfleet --help` lists every command")
