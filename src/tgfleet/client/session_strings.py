"""Session strings of Pyrogram (current and two older layouts) and Telethon (IPv4 and IPv6).

Formats (docs/protocol.md §13): Pyrogram is URL-safe base64 without ``=`` padding of a big-endian record,
chosen by the string's length: 362 chars ``>BI?256sQ?`` (dc_id, api_id, test_mode, auth_key, user_id,
is_bot), 351 chars ``>B?256sI?`` and 356 chars ``>B?256sQ?`` (no api_id). Telethon's StringSession is
``"1"`` + URL-safe base64 (with padding) of ``>B4sH256s`` (IPv4) or ``>B16sH256s`` (IPv6): dc_id, server
address, port, auth_key. ``export_pyrogram`` writes the current Pyrogram layout byte-compatibly.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import struct
from dataclasses import dataclass, field

from tgfleet.errors import TgfleetError
from tgfleet.net import Network
from tgfleet.storage import Storage

_PYROGRAM = {362: (">BI?256sQ?", True), 351: (">B?256sI?", False), 356: (">B?256sQ?", False)}
_TELETHON = {353: ">B4sH256s", 369: ">B16sH256s"}


class SessionStringError(TgfleetError, ValueError):
    """A session string in none of the known formats. The message lists each format tried and why it
    failed. What to do: check the string was copied whole (no cut ends, no added quotes or spaces)."""


@dataclass(frozen=True)
class SessionData:
    """What a session string carries. Missing parts are ``None`` (old Pyrogram: api_id; Telethon:
    api_id, user_id, is_bot; only Telethon carries the server address)."""

    format: str
    dc_id: int
    auth_key: bytes = field(repr=False)  # a secret: never in logs or reprs
    test_mode: bool = False
    api_id: int | None = None
    user_id: int | None = None
    is_bot: bool | None = None
    server: tuple[str, int] | None = None


def decode_session_string(text: str) -> SessionData:
    """Detect the format and decode; raises SessionStringError naming every format tried."""
    text = text.strip()
    problems: list[str] = []
    for decoder in (_pyrogram, _telethon):
        try:
            return decoder(text)
        except _NotThis as e:
            problems.append(str(e))
    raise SessionStringError(f"not a session string ({len(text)} characters): " + "; ".join(problems))


def export_pyrogram(data: SessionData) -> str:
    """Pyrogram's current 362-character format."""
    if data.api_id is None or data.user_id is None:
        raise SessionStringError("a Pyrogram session string needs the api_id and the user id (log in first)")
    record = struct.pack(
        ">BI?256sQ?", data.dc_id, data.api_id, data.test_mode, data.auth_key, data.user_id, bool(data.is_bot)
    )
    return base64.urlsafe_b64encode(record).decode().rstrip("=")


def export_telethon(data: SessionData) -> str:
    """Telethon's StringSession (the server address is required: Telethon stores it)."""
    if data.server is None:
        raise SessionStringError("a Telethon session string needs the server address of the DC")
    ip = ipaddress.ip_address(data.server[0]).packed
    record = struct.pack(f">B{len(ip)}sH256s", data.dc_id, ip, data.server[1], data.auth_key)
    return "1" + base64.urlsafe_b64encode(record).decode()


class _NotThis(Exception):
    pass


def _b64(text: str, padded: bool, name: str) -> bytes:
    if padded and len(text) % 4:
        raise _NotThis(f"{name}: base64 padding missing")
    try:
        data = text + "=" * (-len(text) % 4) if not padded else text
        return base64.b64decode(data, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as e:
        raise _NotThis(f"{name}: not URL-safe base64 ({e})") from None


def _pyrogram(text: str) -> SessionData:
    if len(text) not in _PYROGRAM:
        raise _NotThis(f"Pyrogram strings have 351, 356 or 362 characters, this one has {len(text)}")
    fmt, has_api_id = _PYROGRAM[len(text)]
    raw = _b64(text, padded=False, name=f"Pyrogram ({len(text)} chars)")
    if len(raw) != struct.calcsize(fmt):
        raise _NotThis(f"Pyrogram ({len(text)} chars): decodes to {len(raw)} bytes, not {struct.calcsize(fmt)}")
    fields = struct.unpack(fmt, raw)
    if has_api_id:
        dc_id, api_id, test_mode, key, user_id, is_bot = fields
    else:
        (dc_id, test_mode, key, user_id, is_bot), api_id = fields, None
    _check_dc(dc_id, f"Pyrogram ({len(text)} chars)")
    return SessionData(f"pyrogram-{len(text)}", dc_id, key, test_mode, api_id, user_id, is_bot)


def _telethon(text: str) -> SessionData:
    if not text.startswith("1"):
        raise _NotThis("Telethon strings start with the version '1'")
    body = text[1:]
    fmt = _TELETHON.get(len(text))
    if fmt is None:
        raise _NotThis(f"Telethon strings have 353 (IPv4) or 369 (IPv6) characters, this one has {len(text)}")
    raw = _b64(body, padded=True, name="Telethon")
    if len(raw) != struct.calcsize(fmt):
        raise _NotThis(f"Telethon: decodes to {len(raw)} bytes, not {struct.calcsize(fmt)}")
    dc_id, ip, port, key = struct.unpack(fmt, raw)
    _check_dc(dc_id, "Telethon")
    return SessionData("telethon", dc_id, key, server=(str(ipaddress.ip_address(ip)), port))


def _check_dc(dc_id: int, name: str) -> None:
    if not 1 <= dc_id <= 1000:
        raise _NotThis(f"{name}: DC id {dc_id} is not plausible")


def load_session_string(storage: Storage, text: str, *, api_id: int | None, network: Network) -> SessionData:
    """Decode ``text`` into ``storage`` (home DC, its auth key, and whatever else the format carries)."""
    data = decode_session_string(text)
    if data.test_mode != network.test_mode:
        kind = "test" if data.test_mode else "production"
        raise SessionStringError(f"this {data.format} session string belongs to the {kind} DCs, not {network.name!r}")
    if data.dc_id not in network.dc_ids:
        known = ", ".join(map(str, network.dc_ids))
        raise SessionStringError(
            f"this {data.format} session string is for DC {data.dc_id}; network {network.name!r} has DC {known}"
        )
    with storage.transaction():
        storage.set_dc_id(data.dc_id)
        storage.set_test_mode(data.test_mode)
        storage.set_auth_key(data.dc_id, data.auth_key)
        known_api_id = data.api_id or api_id
        if storage.get_api_id() is None and known_api_id:
            storage.set_api_id(known_api_id)
        if data.user_id is not None:
            storage.set_user(data.user_id, bool(data.is_bot))
    return data
