"""``tgfleet login`` / ``me`` / ``send``: one account's session file, against Telegram or a sandbox.

Prompts read the terminal (the password hidden) or, when stdin is not a terminal, one line each from stdin,
so scripts and tests can drive a login. Answers are read in a thread: the connection stays alive meanwhile.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from tgfleet import Client
from tgfleet.cli.netinfo import SandboxInfo, parse_addresses, public_key_from_file, sidecar, write_atomically
from tgfleet.errors import TgfleetError
from tgfleet.net import Network

F = TypeVar("F", bound=Callable[..., Any])
FILE = click.Path(dir_okay=False, path_type=Path)
DIR = click.Path(file_okay=False, path_type=Path)


@dataclass(frozen=True)
class Target:
    """The account's session file and where its Telegram is."""

    name: str
    workdir: Path
    network: Network
    api_id: int | None
    api_hash: str | None
    sandbox: SandboxInfo | None

    def client(self) -> Client:
        return Client(
            self.name, api_id=self.api_id, api_hash=self.api_hash, workdir=self.workdir, network=self.network,
            timeout=30.0,
        )  # fmt: skip

    @property
    def session_file(self) -> Path:
        return self.workdir / f"{self.name}.session"


def target_options(command: F) -> F:
    """The options every account command shares; the command receives ``target: Target``."""

    @click.option("--session", "name", default="tgfleet", show_default=True, help="Session name (NAME.session).")
    @click.option("--workdir", type=DIR, default=Path("."), show_default=True, help="Where the session file lives.")
    @click.option("--sandbox", "addresses", metavar="HOST:PORT,...", help="A sandbox's DCs, DC 1 first.")
    @click.option("--sandbox-key", type=FILE, help="The key of --sandbox (PEM, private or public).")
    @click.option("--sandbox-info", type=FILE, help="The JSON of `tgfleet sandbox --info FILE` (addresses, key, api).")
    @click.option("--api-id", type=int, envvar="TGFLEET_API_ID", help="Your app's api_id [env TGFLEET_API_ID].")
    @click.option("--api-hash", envvar="TGFLEET_API_HASH", help="Your app's api_hash [env TGFLEET_API_HASH].")
    @wraps(command)
    def wrapper(name: str, workdir: Path, addresses: str | None, sandbox_key: Path | None, sandbox_info: Path | None,
                api_id: int | None, api_hash: str | None, **rest: Any) -> Any:  # fmt: skip
        target = resolve_target(name, workdir, addresses, sandbox_key, sandbox_info, api_id, api_hash)
        return command(target=target, **rest)

    return wrapper  # type: ignore[return-value]


def resolve_target(
    name: str, workdir: Path, addresses: str | None, key: Path | None, info_file: Path | None,
    api_id: int | None, api_hash: str | None,
) -> Target:  # fmt: skip
    info: SandboxInfo | None = None
    if info_file is not None:
        info = SandboxInfo.load(info_file)
    elif addresses is not None:
        if key is None:
            raise click.UsageError("--sandbox needs --sandbox-key FILE (the key the sandbox printed or was given)")
        from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID

        pem = public_key_from_file(key).to_pem()
        info = SandboxInfo(parse_addresses(addresses), pem, api_id or DEFAULT_API_ID, api_hash or DEFAULT_API_HASH)
    elif sidecar(workdir, name).exists():
        info = SandboxInfo.load(sidecar(workdir, name))
    if info is not None:
        return Target(name, workdir, info.network(), api_id or info.api_id, api_hash or info.api_hash, info)
    return Target(name, workdir, Network.production(), api_id, api_hash, None)


def run(coro: Awaitable[None]) -> None:
    """Run a command's coroutine; tgfleet errors become a clear message and exit code 1."""

    async def main() -> None:
        await coro

    try:
        asyncio.run(main())
    except TgfleetError as e:
        raise click.ClickException(f"{type(e).__name__}: {e}") from None
    except (ConnectionError, ValueError) as e:
        raise click.ClickException(str(e)) from None


def ask(secret: bool = False) -> Callable[[str], Awaitable[str]]:
    """A prompt callback for ``Client.start``: the terminal, or one line of stdin when it is not a terminal."""

    def read(prompt: str) -> str:
        if sys.stdin.isatty():
            return getpass.getpass(prompt) if secret else input(prompt)
        click.echo(prompt, nl=False)
        line = sys.stdin.readline()
        click.echo()
        if not line:
            raise click.ClickException(f"stdin ended before the answer to {prompt.strip()!r}")
        return line.strip()

    async def answer(prompt: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(None, read, prompt)

    return answer


async def _login(target: Target, phone: str | None) -> None:
    if target.sandbox is None:
        if target.api_id is None or target.api_hash is None:
            raise click.UsageError("logging in to Telegram needs --api-id and --api-hash (or TGFLEET_API_ID/_HASH)")
    else:
        click.echo(f"Sandbox at {', '.join(f'{h}:{p}' for _, h, p in target.sandbox.dcs)}: "
                   "its console prints every login code")  # fmt: skip
    target.workdir.mkdir(parents=True, exist_ok=True)
    client = target.client()
    try:
        await client.start(phone_number=phone or ask(), code=ask(), password=ask(secret=True), first_name=ask())
        user = client.me
        if target.sandbox is not None:
            write_atomically(sidecar(target.workdir, target.name), target.sandbox.to_json())
        handle = f" (@{user.username})" if user.username else ""
        click.echo(f"Logged in as {user.full_name}{handle}, id {user.id}; session saved to {target.session_file}")
    finally:
        await client.disconnect()


@click.command()
@target_options
@click.option("--phone", help="The phone number (else you are asked).")
def login(target: Target, phone: str | None) -> None:
    """Log in interactively and save the session file (phone, code, then the 2FA password if set).

    Against Telegram by default (needs your api_id/api_hash); against a running `tgfleet sandbox` with
    --sandbox-info FILE, or --sandbox HOST:PORT,... --sandbox-key FILE.
    """
    run(_login(target, phone))


async def _connected(target: Target) -> Client:
    if not target.session_file.exists():
        raise click.UsageError(f"no session {target.session_file}: run `tgfleet login --session {target.name}` first")
    client = target.client()
    if not await client.connect():
        await client.disconnect()
        raise click.UsageError(f"session {target.session_file} is not logged in: run `tgfleet login` again")
    return client


async def _me(target: Target) -> None:
    client = await _connected(target)
    try:
        user = await client.get_me()
        where = target.network.name
        click.echo(f"{user.full_name} (@{user.username})" if user.username else user.full_name)
        click.echo(f"id: {user.id}")
        if user.phone_number:
            click.echo(f"phone: +{user.phone_number}")
        click.echo(f"home DC: {client.dcs.home_dc} ({where})")
    finally:
        await client.disconnect()


@click.command()
@target_options
def me(target: Target) -> None:
    """Show the account a session file is logged in as."""
    run(_me(target))


async def _send(target: Target, chat: str, text: str) -> None:
    client = await _connected(target)
    try:
        message = await client.send_message(chat, text)
        click.echo(f"sent message {message.id} to {chat} (chat id {message.chat.id})")
    finally:
        await client.disconnect()


@click.command()
@target_options
@click.argument("chat")
@click.argument("text")
def send(target: Target, chat: str, text: str) -> None:
    """Send TEXT to CHAT: @username, a user id the session has seen, "me", or a phone number."""
    run(_send(target, chat, text))
