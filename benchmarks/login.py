"""Login and message bursts against one sandbox: tgfleet vs Telethon vs Pyrogram (Kurigram), side by side.

The sandbox runs in a child process pinned to CPU 0 (rate limits off); the clients run here, pinned to CPU 1.
The libraries reach it as in ``client.py`` (whose adapters this script extends).

1. Full login: a fresh client (no key) to logged in: ``connect()`` (key exchange + initConnection) + send_code
   + sign_in with the code the sandbox issued, each login on its own pre-created account. The same with 2FA
   (+ check_password: the real SRP KDF, PBKDF2-HMAC-SHA512 with 100,000 iterations), as a separate row.
2. send_message burst: one logged-in account sends N messages to another at once (``asyncio.gather``), with
   the sandbox's and tgfleet's rate limits off; messages per second, and the recipient's box checked (over the
   control channel) to hold exactly N new, distinct messages after every burst.
3. tgfleet only: a burst with tgfleet's default rate limits (30 messages/s) against a second sandbox with its
   default limits: the rate, and the FLOOD_WAITs the sandbox answered (none expected).

Run: ``.venv/bin/python benchmarks/login.py [--quick] [--json out.json] [--profile]``
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import _common as c
import client as cl

LIBS = cl.LIBS
PEERS = cl.PEERS
PASSWORD = "correct horse battery staple"
KINDS = {"plain": 1, "2fa": 2, "sender": 3, "recipient": 4}


@dataclass(frozen=True)
class Settings:
    logins: int
    """Timed logins per library and kind (after one warm-up login), each on its own account."""
    burst: int
    """Messages per burst."""
    burst_rounds: int
    """Interleaved bursts per library (after one warm-up burst)."""
    limited: int
    """Messages of the rate-limited tgfleet burst (one burst; ~limited / 30 seconds)."""


FULL = Settings(logins=15, burst=500, burst_rounds=15, limited=300)
QUICK = Settings(logins=5, burst=100, burst_rounds=3, limited=90)


def phone(kind: str, lib: str, i: int = 0) -> str:
    """A distinct account number per kind, library and index (``+1555KLIIII``)."""
    return f"+1555{KINDS[kind]}{LIBS.index(lib)}{i:04d}"


def username(lib: str) -> str:
    return f"benchrcpt_{lib.lower()}"


# -- the adapters of client.py, plus login steps and messages -------------------------------------------------------
class LoginAdapter(cl.Adapter):
    """Login in steps (so the clock can stop while the benchmark reads the code) and send_message."""

    sends = ""

    async def send_code(self, client: Any, phone: str) -> Any:
        """auth.sendCode; whatever ``sign_in`` needs besides the code."""
        raise NotImplementedError

    async def sign_in(self, client: Any, phone: str, sent: Any, code: str) -> bool:
        """auth.signIn; True if the account has 2FA (the library asked for the password)."""
        raise NotImplementedError

    async def check_password(self, client: Any, password: str) -> None:
        raise NotImplementedError

    async def resolve(self, client: Any, name: str) -> int:
        """Look ``name`` up (the library caches the peer); its user id."""
        raise NotImplementedError

    async def send(self, client: Any, user_id: int, text: str) -> None:
        """The library's ``send_message`` to a cached user id, plain text."""
        raise NotImplementedError


class TgfleetLogin(cl.TgfleetAdapter, LoginAdapter):
    sends = "send_message(user_id, text) (no parsing)"

    async def send_code(self, client: Any, phone: str) -> Any:
        return (await client.send_code(phone)).phone_code_hash

    async def sign_in(self, client: Any, phone: str, sent: Any, code: str) -> bool:
        from tgfleet import errors

        try:
            await client.sign_in(phone, sent, code)
        except errors.SessionPasswordNeeded:
            return True
        return False

    async def check_password(self, client: Any, password: str) -> None:
        await client.check_password(password)

    async def resolve(self, client: Any, name: str) -> int:
        return int((await client.resolve_peer("@" + name)).user_id)

    async def send(self, client: Any, user_id: int, text: str) -> None:
        await client.send_message(user_id, text)


class TgfleetLimited(TgfleetLogin):
    """tgfleet with its default client rate limits (RateLimits(): 100 requests/s, 30 messages/s, burst 5);
    every FLOOD_WAIT it meets is kept in ``flood_events``."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info)
        from tgfleet.client.ratelimit import RateLimits

        self.flood_events: list[Any] = []
        self._options["rate_limits"] = RateLimits()
        self._options["on_flood_wait"] = self.flood_events.append


class TelethonLogin(cl.TelethonAdapter, LoginAdapter):
    sends = "send_message(user_id, text, parse_mode=None)"

    async def send_code(self, client: Any, phone: str) -> Any:
        return (await client.send_code_request(phone)).phone_code_hash

    async def sign_in(self, client: Any, phone: str, sent: Any, code: str) -> bool:
        from telethon.errors import SessionPasswordNeededError

        try:
            await client.sign_in(phone, code, phone_code_hash=sent)
        except SessionPasswordNeededError:
            return True
        return False

    async def check_password(self, client: Any, password: str) -> None:
        await client.sign_in(password=password)

    async def resolve(self, client: Any, name: str) -> int:
        return int((await client.get_input_entity(name)).user_id)

    async def send(self, client: Any, user_id: int, text: str) -> None:
        await client.send_message(user_id, text, parse_mode=None)


class PyrogramLogin(cl.PyrogramAdapter, LoginAdapter):
    sends = "send_message(user_id, text, parse_mode=ParseMode.DISABLED)"

    async def send_code(self, client: Any, phone: str) -> Any:
        return (await client.send_code(phone)).phone_code_hash

    async def sign_in(self, client: Any, phone: str, sent: Any, code: str) -> bool:
        from pyrogram.errors import SessionPasswordNeeded

        try:
            await client.sign_in(phone, sent, code)
        except SessionPasswordNeeded:
            return True
        return False

    async def check_password(self, client: Any, password: str) -> None:
        await client.check_password(password)

    async def resolve(self, client: Any, name: str) -> int:
        return int((await client.resolve_peer(name)).user_id)

    async def send(self, client: Any, user_id: int, text: str) -> None:
        from pyrogram.enums import ParseMode

        await client.send_message(user_id, text, parse_mode=ParseMode.DISABLED)


ADAPTERS: dict[str, type[LoginAdapter]] = {
    "tgfleet": TgfleetLogin,
    "Telethon": TelethonLogin,
    "Pyrogram": PyrogramLogin,
}


# -- 1: logins ------------------------------------------------------------------------------------------------------
PHASES = ("connect", "send_code", "sign_in", "check_password")


async def login(
    adapter: LoginAdapter, sandbox: c.SandboxProcess, number: str, password: str | None
) -> tuple[Any, dict[str, float]]:
    """Log a fresh client in on ``number``; the client and the seconds of each phase.

    The clock stops while the code is read over the control channel (a blocking pipe round trip, ~0.1 ms:
    nothing of the client runs meanwhile); its own time is returned as ``control``."""
    clock = time.perf_counter
    client = adapter.fresh()
    took: dict[str, float] = {}
    t0 = clock()
    await adapter.connect(client)
    t1 = clock()
    sent = await adapter.send_code(client, number)
    t2 = clock()
    code = sandbox.login_code(number)
    t3 = clock()
    needs_password = await adapter.sign_in(client, number, sent, code)
    t4 = clock()
    took.update(connect=t1 - t0, send_code=t2 - t1, control=t3 - t2, sign_in=t4 - t3)
    if needs_password != (password is not None):
        raise AssertionError(f"{adapter.name}: 2FA asked={needs_password}, expected={password is not None}")
    if password is not None:
        await adapter.check_password(client, password)
        took["check_password"] = clock() - t4
    took["total"] = sum(took.get(p, 0.0) for p in PHASES)
    return client, took


async def measure_logins(adapters: dict[str, LoginAdapter], sandbox: c.SandboxProcess, s: Settings) -> dict[str, Any]:
    """Interleaved rounds: per round one plain and one 2FA login of each library, each on a new account."""
    users = sandbox.info["users"]
    out: dict[str, Any] = {kind: {lib: [] for lib in LIBS} for kind in ("plain", "2fa")}
    for i in range(s.logins + 1):  # i == 0: warm-up, discarded
        print(f"  login round {i}/{s.logins}{' (warm-up)' if not i else ''}", file=sys.stderr)
        for kind in ("plain", "2fa"):
            for name, adapter in adapters.items():
                number = phone(kind, name, i)
                client, took = await login(adapter, sandbox, number, PASSWORD if kind == "2fa" else None)
                got = await adapter.call(client)  # untimed: logged in as the right account?
                if got[0].id != users[number]:
                    raise AssertionError(f"{name}: logged in as {got[0].id}, not {users[number]}")
                await adapter.disconnect(client)
                if i:
                    out[kind][name].append(took)
    return out


# -- 2: bursts ------------------------------------------------------------------------------------------------------
gc_runs = [0, 0, 0]
"""Garbage collections of each generation so far (counted by :func:`_count_gc`)."""


def _count_gc(phase: str, info: dict[str, int]) -> None:
    if phase == "stop":
        gc_runs[info["generation"]] += 1


async def burst(adapter: LoginAdapter, client: Any, user_id: int, texts: list[str]) -> float:
    """Every text at once (``asyncio.gather``); messages per second."""
    t0 = time.perf_counter()
    await asyncio.gather(*(adapter.send(client, user_id, t) for t in texts))
    return len(texts) / (time.perf_counter() - t0)


def delivered(sandbox: c.SandboxProcess, recipient: int, sender: int) -> dict[str, int]:
    """Messages from ``sender`` in ``recipient``'s box (and distinct texts), and the sender's copies (and
    distinct random_ids: the sandbox keeps a random_id on the sender's copy only)."""
    inbox = sandbox.request("count", user_id=recipient, peer_id=sender)
    outbox = sandbox.request("count", user_id=sender, peer_id=recipient)
    return {
        "incoming": int(inbox["incoming"]),
        "texts": int(inbox["texts"]),
        "outgoing": int(outbox["outgoing"]),
        "random_ids": int(outbox["random_ids"]),
    }


def check_delivery(name: str, before: dict[str, int], after: dict[str, int], n: int) -> None:
    """The recipient got exactly ``n`` new messages with ``n`` new distinct texts, and the sender's box holds
    ``n`` new copies with ``n`` new distinct random_ids (no duplicates, none lost)."""
    grown = {k: after[k] - before[k] for k in before}
    if any(v != n for v in grown.values()):
        raise AssertionError(f"{name}: sent {n} messages, the boxes grew by {grown}")


async def sender_of(adapter: LoginAdapter, sandbox: c.SandboxProcess, name: str) -> tuple[Any, int, int]:
    """A logged-in sender client of ``name``, with the recipient resolved: client, recipient id, sender id."""
    users = sandbox.info["users"]
    client, _ = await login(adapter, sandbox, phone("sender", name), None)
    recipient = await adapter.resolve(client, username(name))
    if recipient != users[phone("recipient", name)]:
        raise AssertionError(f"{name}: @{username(name)} resolved to {recipient}")
    return client, recipient, users[phone("sender", name)]


async def measure_bursts(adapters: dict[str, LoginAdapter], sandbox: c.SandboxProcess, s: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {
        m: {lib: [] for lib in LIBS} for m in ("rate", "client_cpu", "sandbox_cpu", "sandbox_busy", "full_gc")
    }
    gc.callbacks.append(_count_gc)
    senders = {name: await sender_of(adapter, sandbox, name) for name, adapter in adapters.items()}
    for round_ in range(s.burst_rounds + 1):  # round 0: warm-up, discarded (but checked)
        print(f"  burst round {round_}/{s.burst_rounds}{' (warm-up)' if not round_ else ''}", file=sys.stderr)
        for name, adapter in adapters.items():
            client, recipient, sender = senders[name]
            texts = [f"{name} burst {round_} message {i}" for i in range(s.burst)]
            before = delivered(sandbox, recipient, sender)
            gc.collect()  # the garbage of earlier samples is not collected inside this one
            collections = gc_runs[2]
            meter = cl.Meter(sandbox)
            rate = await burst(adapter, client, recipient, texts)
            cpu, busy = meter.stop(s.burst)
            check_delivery(name, before, delivered(sandbox, recipient, sender), s.burst)
            if round_:
                out["full_gc"][name].append(gc_runs[2] - collections)
                out["rate"][name].append(rate)
                out["client_cpu"][name].append(cpu)
                out["sandbox_busy"][name].append(busy)
                out["sandbox_cpu"][name].append(busy / rate)
    for name, adapter in adapters.items():
        await adapter.disconnect(senders[name][0])
    gc.callbacks.remove(_count_gc)
    return out


# -- 3: tgfleet's rate limits against the sandbox's default limits --------------------------------------------------
async def measure_limited(adapter: TgfleetLimited, sandbox: c.SandboxProcess, s: Settings) -> dict[str, Any]:
    client, recipient, sender = await sender_of(adapter, sandbox, "tgfleet")
    floods0 = int(sandbox.request("floods")["floods"])
    before = delivered(sandbox, recipient, sender)
    texts = [f"tgfleet limited message {i}" for i in range(s.limited)]
    t0 = time.perf_counter()
    rate = await burst(adapter, client, recipient, texts)
    seconds = time.perf_counter() - t0
    after = delivered(sandbox, recipient, sender)
    check_delivery("tgfleet (rate limited)", before, after, s.limited)
    floods = int(sandbox.request("floods")["floods"]) - floods0
    await adapter.disconnect(client)
    return {
        "messages": s.limited,
        "rate": rate,
        "seconds": seconds,
        "server_floods": floods,
        "client_flood_events": len(adapter.flood_events),
        "delivered": after["incoming"] - before["incoming"],
    }


# -- profile --------------------------------------------------------------------------------------------------------
async def profile_tgfleet(adapter: LoginAdapter, sandbox: c.SandboxProcess, s: Settings) -> str:
    """cProfile of tgfleet: logins (fresh client to logged in, no 2FA) and one burst (top by own time)."""
    report = io.StringIO()
    sender = await sender_of(adapter, sandbox, "tgfleet")
    client, recipient, _ = sender
    numbers = iter(phone("plain", "tgfleet", i) for i in range(s.logins + 1, 2 * s.logins + 2))

    async def logins() -> None:
        for number in numbers:
            fresh, _ = await login(adapter, sandbox, number, None)
            await adapter.disconnect(fresh)

    texts = [f"tgfleet profile message {i}" for i in range(s.burst)]
    jobs: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        (f"logins (x{s.logins + 1})", logins),
        (f"burst of {s.burst} messages", lambda: burst(adapter, client, recipient, texts)),
    ]
    for title, job in jobs:
        prof = cProfile.Profile()
        prof.enable()
        await job()
        prof.disable()
        print(f"\n### tgfleet: {title}\n", file=report)
        pstats.Stats(prof, stream=report).sort_stats("tottime").print_stats(15)
    await adapter.disconnect(client)
    return report.getvalue()


# -- main -----------------------------------------------------------------------------------------------------------
def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", action="store_true", help="also print a cProfile of tgfleet's logins and a burst")


def accounts(s: Settings, profile: bool) -> list[tuple[str, str]]:
    """The accounts without 2FA, created with the sandbox (the 2FA ones are added over the control channel)."""
    extra = s.logins + 1 if profile else 0
    users = [(phone("plain", lib, i), f"{lib} {i}") for lib in LIBS for i in range(s.logins + 1 + extra)]
    users += [(phone("sender", lib), f"{lib} sender") for lib in LIBS]
    return users


def add_special(sandbox: c.SandboxProcess, twofa: int, libs: tuple[str, ...]) -> None:
    """The recipients (with usernames) and ``twofa`` 2FA accounts per library, on the default DC; their ids go
    into ``info``."""
    users, dc = sandbox.info["users"], sandbox.info["default_dc"]
    for lib in libs:
        number = phone("recipient", lib)
        users[number] = sandbox.request("add_user", phone=number, first_name="rcpt", username=username(lib), dc=dc)[
            "id"
        ]
    for lib in libs:
        for i in range(twofa):
            number = phone("2fa", lib, i)
            users[number] = sandbox.request("add_user", phone=number, first_name="2fa", password=PASSWORD, dc=dc)["id"]


def main() -> int:
    args = c.parse_args(__doc__.splitlines()[0], extra=_options)
    s = QUICK if args.quick else FULL
    pinned = False
    with c.SandboxProcess(users=accounts(s, args.profile)) as sandbox:
        pinned = c.pin_to(c.LOAD_CPU)
        print("creating the 2FA accounts and the recipients ...", file=sys.stderr)
        add_special(sandbox, s.logins + 1, LIBS)
        info = sandbox.info
        adapters = {name: ADAPTERS[name](info) for name in LIBS}
        print(f"logging in: {s.logins} interleaved rounds (+1 warm-up) ...", file=sys.stderr)
        logins = asyncio.run(measure_logins(adapters, sandbox, s))
        print(f"bursts of {s.burst} messages: {s.burst_rounds} interleaved rounds (+1 warm-up) ...", file=sys.stderr)
        bursts = asyncio.run(measure_bursts(adapters, sandbox, s))
        profile = asyncio.run(profile_tgfleet(adapters["tgfleet"], sandbox, s)) if args.profile else ""
        placement = sandbox.placement() if pinned else sandbox.placement() + " (the load is unpinned)"
        floods_off = int(sandbox.request("floods")["floods"])
    print(f"rate-limited burst: {s.limited} messages, sandbox with its default limits ...", file=sys.stderr)
    with c.SandboxProcess(users=[(phone("sender", "tgfleet"), "tgfleet sender")], limits={}) as limited_box:
        add_special(limited_box, 0, ("tgfleet",))
        limited_adapter = TgfleetLimited(limited_box.info)
        limited = asyncio.run(measure_limited(limited_adapter, limited_box, s))

    def med(samples: dict[str, list[dict[str, float]]], key: str) -> dict[str, float]:
        return {lib: c.median(t[key] for t in samples[lib]) for lib in LIBS}

    medians: dict[str, dict[str, float]] = {
        "login": med(logins["plain"], "total"),
        "login_2fa": med(logins["2fa"], "total"),
        "burst_rate": {lib: c.median(bursts["rate"][lib]) for lib in LIBS},
        "burst_client_cpu": {lib: c.median(bursts["client_cpu"][lib]) for lib in LIBS},
        "burst_sandbox_cpu": {lib: c.median(bursts["sandbox_cpu"][lib]) for lib in LIBS},
        "burst_sandbox_busy": {lib: c.median(bursts["sandbox_busy"][lib]) for lib in LIBS},
    }
    for kind in ("plain", "2fa"):
        for phase in (*PHASES, "control"):
            if phase != "check_password" or kind == "2fa":
                medians[f"{kind}_{phase}"] = med(logins[kind], phase)

    control = c.median(t["control"] for kind in logins.values() for lib in LIBS for t in kind[lib])
    rows_spec = [
        ("full login (connect + send_code + sign_in)", "login", False, c.fmt_seconds),
        ("full login with 2FA (+ check_password)", "login_2fa", False, c.fmt_seconds),
        (f"send_message burst of {s.burst}, messages/s", "burst_rate", True, c.fmt_rate),
    ]
    wins: dict[str, bool] = {}
    rows = []
    for label, key, higher, fmt in rows_spec:
        m = medians[key]
        adv = c.advantage(m["tgfleet"], [m[p] for p in PEERS], higher_is_better=higher)
        wins[label] = adv is not None and adv > 1
        rows.append([label, *(fmt(m[lib]) for lib in LIBS), c.fmt_ratio(adv)])

    print(f"# Login and send_message bursts against the sandbox (Python {sys.version.split()[0]})\n")
    print(c.NOISE_NOTE)
    print(
        f"Placement: {placement}. The sandbox runs with rate limits off, as in client.py, and tgfleet's client"
        f" rate limiter is off (RateLimits.disabled()). Abridged transport to DC {info['default_dc']}. Logins:"
        f" {s.logins} interleaved rounds after a warm-up round; per round and library one login without and one"
        " with 2FA, each on its own pre-created account, from a fresh client with no key (in-memory session) to"
        " logged in. The clock stops while the login code is read over the control channel (median"
        f" {c.fmt_seconds(control)}); that read blocks this process, so no client work"
        " is hidden in the gap. Each login is then checked with users.getUsers(self), untimed. Bursts: one"
        f" logged-in sender per library sends {s.burst} messages to its own recipient at once (asyncio.gather),"
        f" {s.burst_rounds} interleaved rounds after a warm-up round, median messages/s; after every burst the"
        f" recipient's box (read over the control channel) has grown by exactly {s.burst} messages with"
        f" {s.burst} new distinct texts, and the sender's by {s.burst} copies with {s.burst} new distinct"
        " random_ids (no duplicates, none lost).\n"
    )
    print("## Side by side (ratio: above 1 means tgfleet is better than the best peer)\n")
    print(c.table(["", *LIBS, "tgfleet vs best peer"], rows))

    print("\n## Where the time goes\n")
    print(
        "Login phases: the median of each phase on its own (the code read over the control channel is not"
        " counted). Burst: the CPU time of this process per message (the library's own cost), the sandbox's CPU"
        " time per message and its CPU time / wall time over the burst. With both near the same cost per message"
        " the two pinned CPUs are both busy, and the burst rate reads the slower side: see sandbox.py.\n"
    )
    rows = []
    for kind, title in (("plain", "login"), ("2fa", "2FA login")):
        for phase in PHASES:
            key = f"{kind}_{phase}"
            if key in medians:
                m = medians[key]
                adv = c.advantage(m["tgfleet"], [m[p] for p in PEERS], higher_is_better=False)
                rows.append([f"{title}: {phase}", *(c.fmt_seconds(m[lib]) for lib in LIBS), c.fmt_ratio(adv)])
    m = medians["burst_client_cpu"]
    adv = c.advantage(m["tgfleet"], [m[p] for p in PEERS], higher_is_better=False)
    rows.append(["burst: client CPU per message", *(c.fmt_seconds(m[lib]) for lib in LIBS), c.fmt_ratio(adv)])
    m = medians["burst_sandbox_cpu"]
    rows.append(["burst: sandbox CPU per message", *(c.fmt_seconds(m[lib]) for lib in LIBS), ""])
    rows.append(["burst: sandbox busy", *(f"{medians['burst_sandbox_busy'][lib]:.0%}" for lib in LIBS), ""])
    print(c.table(["", *LIBS, "tgfleet vs best peer"], rows))
    print("\nHow each library sends:\n")
    for name, adapter in adapters.items():
        print(f"- {name}: {adapter.sends}.")

    print("\n## tgfleet with its default rate limits (tgfleet only: the peers have no client-side limiter)\n")
    print(
        f"A second sandbox with its default limits (tgfleet.sandbox.Limits(): 30 messages/s and 100 requests/s"
        f" per account, burst 30); tgfleet with RateLimits() (30 messages/s, 100 requests/s, burst 5). One burst"
        f" of {s.limited} messages at once. FLOOD_WAITs are counted in the sandbox (answers of its rate limiter)"
        " and in the client (on_flood_wait).\n"
    )
    print(
        c.table(
            ["", "tgfleet"],
            [
                [f"burst of {s.limited}, messages/s", c.fmt_rate(limited["rate"])],
                ["seconds", f"{limited['seconds']:.1f} s"],
                ["messages delivered", str(limited["delivered"])],
                ["FLOOD_WAIT answered by the sandbox", str(limited["server_floods"])],
                ["FLOOD_WAIT seen by the client", str(limited["client_flood_events"])],
            ],
        )
    )

    goals = {
        "tgfleet ahead of both peers on every side-by-side row": all(wins.values()),
        f"default rate limits: all {s.limited} messages delivered with zero FLOOD_WAIT": limited["server_floods"] == 0
        and limited["client_flood_events"] == 0
        and limited["delivered"] == s.limited,
        "no FLOOD_WAIT in the unlimited sandbox": floods_off == 0,
    }
    print("\n## Goals\n")
    for text, ok in goals.items():
        print(f"- [{'x' if ok else ' '}] {text}")
    for label, ok in wins.items():
        if not ok:
            print(f"  - behind a peer: {label}")
    if profile:
        print("\n## Profile of tgfleet (cProfile, top by own time)")
        print(profile)
    if args.json:
        c.write_json(
            args.json,
            {
                "benchmark": "login",
                "settings": s.__dict__,
                "placement": placement,
                "logins": logins,
                "bursts": bursts,
                "limited": limited,
                "medians": medians,
                "goals": goals,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
