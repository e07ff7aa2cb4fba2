"""Writing an account's login out as a Pyrogram (362-character) or Telethon session string.

A Pyrogram string carries the api_id and the user id; a Telethon string the address of the home DC, taken from (in
order) the ``server`` argument, the address the session was imported with, the account's stored DC list, and
Telegram's production address for that DC. The strings themselves are written by ``tgfleet.client.session_strings``.
"""

from __future__ import annotations

from typing import Any

from tgfleet.client.session_strings import SessionData, SessionStringError, export_pyrogram, export_telethon
from tgfleet.fleet.errors import ExportError
from tgfleet.net import Network
from tgfleet.storage import DcOption

FORMATS = ("pyrogram", "telethon")


def export_string(
    fmt: str,
    *,
    label: str,
    dc_id: int,
    auth_key: bytes,
    test_mode: bool,
    api_id: int | None,
    user_id: int | None,
    is_bot: bool | None,
    origin_server: Any,
    dc_options: list[DcOption],
    server: tuple[str, int] | None = None,
) -> str:
    """The session string; ExportError naming what the format needs and the account lacks."""
    if fmt == "pyrogram":
        missing = [name for name, value in (("api_id", api_id), ("user id", user_id)) if value is None]
        if missing:
            raise ExportError(
                f"account {label!r} has no {' and '.join(missing)} yet, which a Pyrogram string carries"
                " (a worker fills the user id on its first connection; or export to telethon)"
            )
        return export_pyrogram(SessionData("pyrogram-362", dc_id, auth_key, test_mode, api_id, user_id, bool(is_bot)))
    if fmt == "telethon":
        address = server or _home_address(dc_id, test_mode, origin_server, dc_options)
        if address is None:
            raise ExportError(f"account {label!r}: pass the address of DC {dc_id} (a Telethon string stores it)")
        try:
            return export_telethon(SessionData("telethon", dc_id, auth_key, test_mode, server=address))
        except (SessionStringError, ValueError) as exc:
            raise ExportError(f"account {label!r}: {exc}") from None
    raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _home_address(
    dc_id: int, test_mode: bool, origin_server: Any, dc_options: list[DcOption]
) -> tuple[str, int] | None:
    if isinstance(origin_server, list) and len(origin_server) == 2:
        return str(origin_server[0]), int(origin_server[1])
    for option in dc_options:
        if option.dc_id == dc_id and not (option.ipv6 or option.media_only or option.cdn or option.tcpo_only):
            return option.ip_address, option.port
    if not test_mode:
        try:
            address = Network.production().address(dc_id)
        except KeyError:
            return None
        return address.host, address.port
    return None
