"""``tgfleet sandbox``: a standalone local Telegram in the foreground until Ctrl-C / SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tgfleet.cli.netinfo import SandboxInfo, write_atomically
from tgfleet.cli.output import Out
from tgfleet.cli.users_file import UserSpec, load_users_file, parse_user_flag
from tgfleet.net.timeouts import within

if TYPE_CHECKING:
    from tgfleet.crypto.rsa import RsaPrivateKey
    from tgfleet.sandbox import Sandbox
    from tgfleet.sandbox.codes import LoginCode
    from tgfleet.sandbox.world import World

FILE = click.Path(dir_okay=False, path_type=Path)
PORT = click.IntRange(1, 65535)
USER_SPEC = "PHONE[:FIRST[:USERNAME[:PASSWORD]]]"
AUTOSAVE_EVERY = 2.0
"""Seconds between checks for changes to write to the ``--state`` file."""


@dataclass(frozen=True)
class Options:
    dcs: int
    host: str
    ports: list[int] | None
    users: list[UserSpec]
    key_file: Path | None
    api_id: int | None
    api_hash: str | None
    state: Path | None
    info: Path | None


def load_or_create_key(path: Path | None) -> RsaPrivateKey:
    from tgfleet.crypto.rsa import RsaPrivateKey
    from tgfleet.errors import DecodeError

    if path is None:
        return RsaPrivateKey.generate()
    if path.exists():
        try:
            return RsaPrivateKey.from_pem(path.read_text())
        except (OSError, DecodeError) as e:
            raise click.UsageError(f"--key {path}: {e}") from None
    key = RsaPrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, key.to_pem(), mode=0o600)
    return key


@click.command()
@click.option("--dcs", type=click.IntRange(1, 16), default=3, show_default=True, help="How many DCs.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", "base", type=PORT, metavar="BASE", help="DC n listens on BASE+n-1 (default: free ports).")
@click.option("--users", "users_file", type=FILE, help="Accounts from a JSON or TOML file (see above).")
@click.option("--user", "user_flags", multiple=True, metavar=USER_SPEC, help="An account (repeatable); PASSWORD: 2FA.")
@click.option("--key", "key_file", type=FILE, help="RSA private key (PEM); created if missing, so it stays the same.")
@click.option("--api-id", type=int, help="The api_id clients must use (default: 1).")
@click.option("--api-hash", help="The api_hash clients must use (default: the sandbox's built-in one).")
@click.option("--state", type=FILE, help="Keep the world (accounts, messages, auth keys, logins) here across restarts.")
@click.option("--info", type=FILE, help="Write addresses, public key, api_id/api_hash here (JSON, for --sandbox-info).")
@click.option("--no-color", is_flag=True, help="No colours, even on a terminal.")
def sandbox(
    dcs: int, host: str, base: int | None, users_file: Path | None, user_flags: tuple[str, ...], key_file: Path | None,
    api_id: int | None, api_hash: str | None, state: Path | None, info: Path | None, no_color: bool,
) -> None:  # fmt: skip
    """Run a local multi-DC Telegram in the foreground (until Ctrl-C) and print every login code it issues.

    Users file (JSON list or {"users": [...]}, or TOML [[users]] on Python 3.11+): phone, first_name,
    last_name, username, password, dc.

    --state keeps the accounts (2FA as a verifier, never the password), the messages, the auth keys and the
    logins, so saved client sessions keep working after a restart (use --key too, and --port for stable
    addresses).
    """
    if base is not None and base + dcs - 1 > 65535:
        raise click.BadParameter(f"BASE+{dcs - 1} is above 65535", param_hint="--port")
    users = (load_users_file(users_file) if users_file else []) + [parse_user_flag(u) for u in user_flags]
    ports = None if base is None else [base + n for n in range(dcs)]
    options = Options(dcs, host, ports, users, key_file, api_id, api_hash, state, info)
    asyncio.run(serve(options, Out(color=not no_color)))


def build(options: Options, out: Out) -> tuple[Sandbox, World, str | None]:
    """The sandbox with its accounts (restored from ``--state``, then ``--users`` / ``--user``)."""
    from tgfleet.cli.world_state import load
    from tgfleet.sandbox import Sandbox
    from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID
    from tgfleet.sandbox.world import World

    key = load_or_create_key(options.key_file)
    api = (options.api_id or DEFAULT_API_ID, options.api_hash or DEFAULT_API_HASH)
    tg = Sandbox(options.dcs, host=options.host, ports=options.ports, rsa_key=key, api_id=api[0], api_hash=api[1])
    world = tg.world
    assert isinstance(world, World)
    note = None
    if options.state is not None:
        restored = load(tg, options.state) if options.state.exists() else 0
        note = f"state file {options.state}: {restored} accounts restored; saved on changes and on exit"
    for spec in options.users:
        if world.user_by_phone(spec.phone) is not None:
            continue  # already there (restored from --state)
        try:
            tg.add_user(spec.phone, spec.first_name, spec.last_name, spec.username, spec.password, spec.dc)
        except ValueError as e:
            raise click.UsageError(f"user {spec.phone}: {e}") from None
    world.codes.on_issue = lambda login: _print_code(out, world, login)
    return tg, world, note


def _print_code(out: Out, world: World, login: LoginCode) -> None:
    account = world.accounts.by_phone(login.phone)
    who = f" ({account.first_name or 'no name'})" if account is not None else " (not registered: sign-up)"
    stamp = time.strftime("%H:%M:%S")
    out.always(f"{stamp} login code for +{login.phone}{who}: {login.code}", "bold yellow")


async def serve(options: Options, out: Out) -> None:
    from tgfleet.cli.sandbox_banner import banner, fingerprint
    from tgfleet.cli.world_state import save, signature

    tg, _, note = build(options, out)
    try:
        await tg.start()
    except OSError as e:
        raise click.ClickException(f"cannot listen on {options.host} (ports {options.ports or 'free'}): {e}") from None
    try:
        if options.info is not None:
            dcs = [(a.dc_id, a.host, a.port) for a in tg.dc_addresses]
            media = [(a.dc_id, a.host, a.port) for a in tg.media_addresses]
            info = SandboxInfo(dcs, tg.public_key_pem, tg.api_id, tg.api_hash, tg.default_dc, fingerprint(tg), media)
            write_atomically(options.info, info.to_json())
        stop = _stop_event()  # before the banner: its last line tells that Ctrl-C / SIGTERM work
        banner(out, tg, key_file=options.key_file, info_file=options.info, state_note=note)
        last = signature(tg)
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await within(stop.wait(), AUTOSAVE_EVERY)
            if options.state is not None and signature(tg) != last:
                save(tg, options.state)
                last = signature(tg)
    finally:
        if options.state is not None:
            save(tg, options.state)
        await tg.stop()
    out.always("sandbox stopped")


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl-C raises KeyboardInterrupt instead
            pass
    return stop
