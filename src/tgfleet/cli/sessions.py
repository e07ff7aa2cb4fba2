"""``tgfleet session convert``: session strings between Pyrogram (362/351/356) and Telethon (IPv4/IPv6).

The converted string alone goes to stdout (so scripts can capture it); what was converted goes to stderr.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import sys

import click

from tgfleet.client.session_strings import (
    SessionData,
    SessionStringError,
    decode_session_string,
    export_pyrogram,
    export_telethon,
)
from tgfleet.net import Network


@click.group()
def session() -> None:
    """Session strings: convert between Pyrogram and Telethon formats."""


def parse_server(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` for IPv6) with HOST an IP address, as Telethon stores it."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{text!r} is not HOST:PORT", param_hint="--server")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise click.BadParameter(
            f"{host!r} is not an IP address (Telethon stores one)", param_hint="--server"
        ) from None
    return host, int(port)


def convert(
    data: SessionData, to: str, *, api_id: int | None, user_id: int | None, server: tuple[str, int] | None
) -> str:
    """The string in format ``to``, filling what the source lacks from the options; a clear error otherwise."""
    if to == "pyrogram":
        missing = []
        if data.api_id is None and api_id is None:
            missing.append(("api_id", "--api-id N (the app's api_id, from my.telegram.org)"))
        if data.user_id is None and user_id is None:
            missing.append(("user_id", "--user-id N (the account's id; `tgfleet me` shows it)"))
        if missing:
            lacks = " and ".join(name for name, _ in missing)
            flags = " and ".join(flag for _, flag in missing)
            why = f"Pyrogram strings carry the {lacks}, which this {data.format} string lacks"
            raise click.UsageError(f"{why}: pass {flags}")
        filled = dataclasses.replace(
            data, api_id=api_id or data.api_id, user_id=user_id or data.user_id, is_bot=bool(data.is_bot)
        )
        return export_pyrogram(filled)
    target = server or data.server
    if target is None:
        hint = ""
        if not data.test_mode:
            address = Network.production().address(data.dc_id)
            hint = f" (Telegram's production DC {data.dc_id} is {address.host}:{address.port})"
        raise click.UsageError(
            f"a Telethon string stores the server address, which a {data.format} string lacks: "
            f"pass --server HOST:PORT of DC {data.dc_id}{hint}"
        )
    return export_telethon(dataclasses.replace(data, server=target))


@session.command("convert")
@click.argument("string")
@click.option("--to", "to", type=click.Choice(["pyrogram", "telethon"]), required=True, help="Target format.")
@click.option("--api-id", type=int, help="api_id for Pyrogram when the source has none (Telethon, old Pyrogram).")
@click.option("--user-id", type=int, help="The account's id for Pyrogram when the source has none (Telethon).")
@click.option("--server", help="HOST:PORT of the session's DC, for Telethon when the source has none.")
def convert_command(string: str, to: str, api_id: int | None, user_id: int | None, server: str | None) -> None:
    """Convert STRING (a session string, or - to read it from stdin) to another library's format.

    Pyrogram strings carry dc_id, api_id (362-character ones), test_mode, auth_key, user_id and is_bot;
    Telethon's carry dc_id, the server's IP and port, and auth_key. What the target needs and the source
    lacks must be given as options.
    """
    text = sys.stdin.read() if string == "-" else string
    try:
        data = decode_session_string(text)
    except SessionStringError as e:
        raise click.UsageError(str(e)) from None
    result = convert(data, to, api_id=api_id, user_id=user_id, server=parse_server(server) if server else None)
    kind = "telethon" if to == "telethon" else "pyrogram-362"
    click.echo(f"{data.format} (DC {data.dc_id}) -> {kind}", err=True)
    click.echo(result)
