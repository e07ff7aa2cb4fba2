"""Checks of ``Client``'s constructor arguments: a setting that cannot work fails at once, naming the argument
(``TypeError`` for a wrong type, :class:`~tgfleet.errors.ConfigurationError`, a ``ValueError``, for a wrong
value), instead of surfacing later as a timeout or a dead connection."""

from __future__ import annotations

import math
import re
from typing import Any

from tgfleet.enums import ParseMode
from tgfleet.errors import ConfigurationError
from tgfleet.mtproto.transport import FRAMINGS
from tgfleet.net import Network
from tgfleet.storage import Storage

INT32_MAX = (1 << 31) - 1
_API_HASH = re.compile(r"[0-9a-fA-F]{32}")
_DIGITS = re.compile(r"[0-9]+")
_BOT_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,}")


def check_api_id(value: object) -> int | None:
    """``api_id`` as an int: an int or a numeric string (Pyrogram takes both) in 1 .. 2**31 - 1, or None."""
    if value is None:
        return None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    elif isinstance(value, str):
        raise ConfigurationError(
            f"api_id={value!r} is not a positive whole number (yours is at https://my.telegram.org)"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"api_id must be an int or a numeric string, not {type(value).__name__}")
    if not 1 <= value <= INT32_MAX:
        raise ConfigurationError(f"api_id={value} does not fit a positive signed 32-bit integer")
    return value


def check_api_hash(value: object) -> str | None:
    """``api_hash``: 32 hexadecimal characters, or None (a restored session needs none)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"api_hash must be a str, not {type(value).__name__}")
    if not _API_HASH.fullmatch(value):
        raise ConfigurationError(f"api_hash must be 32 hexadecimal characters, got {len(value)} characters")
    return value


def check_seconds(name: str, value: object, *, zero: bool = False, infinite: bool = False) -> float:
    """A duration in seconds: an int or a float, above 0 (``zero``: 0 allowed too; ``infinite``: inf too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    seconds = float(value)
    if math.isnan(seconds) or (math.isinf(seconds) and not infinite) or seconds < 0 or (seconds == 0 and not zero):
        kind = "number" if infinite else "finite number"
        raise ConfigurationError(f"{name}={value!r} must be a {kind} of seconds {'>= 0' if zero else '> 0'}")
    return seconds


def check_transport(value: object) -> str:
    """``transport``: one of the MTProto framings by name."""
    if not isinstance(value, str):
        raise TypeError(f"transport must be a str, not {type(value).__name__}")
    if value not in FRAMINGS:
        raise ConfigurationError(f"transport={value!r} is not known; choose one of {', '.join(sorted(FRAMINGS))}")
    return value


def check_storage(value: object, *, in_memory: bool, storage_key: object) -> Storage | None:
    """``storage``: a :class:`~tgfleet.storage.Storage`, or None; it replaces the session file, so it cannot
    come with ``in_memory`` or ``storage_key`` (a key for that file)."""
    if value is None:
        return None
    if not isinstance(value, Storage):
        raise TypeError(f"storage must be a tgfleet.storage.Storage, not {type(value).__name__}")
    for name, given in (("in_memory", in_memory), ("storage_key", storage_key is not None)):
        if given:
            raise ConfigurationError(f"storage= replaces the session file: pass it or {name}, not both")
    return value


def check_login(**values: object) -> tuple[str | None, ...]:
    """``bot_token``, ``phone_number``, ``phone_code``, ``password`` for ``start()``: each a str or None (a
    phone number or code may be an int too); a bot token is ``<bot id>:<secret>``."""
    checked: list[str | None] = []
    for name, value in values.items():
        if isinstance(value, int) and not isinstance(value, bool) and name in ("phone_number", "phone_code"):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        checked.append(value)
    token = checked[0]
    if token is not None and not _BOT_TOKEN.fullmatch(token):
        raise ConfigurationError("bot_token must look like '123456:ABC-DEF...' (the token @BotFather gave)")
    return tuple(checked)


def check_network(network: object, *, test_mode: object) -> Network:
    """``network`` (default: production, or Telegram's test DCs with ``test_mode=True``), agreeing with
    ``test_mode``."""
    if not isinstance(test_mode, bool):
        raise TypeError(f"test_mode must be a bool, not {type(test_mode).__name__}")
    if network is None:
        return Network.test() if test_mode else Network.production()
    if not isinstance(network, Network):
        raise TypeError(f"network must be a tgfleet.net.Network, not {type(network).__name__}")
    if test_mode and not network.test_mode:
        raise ConfigurationError(f"test_mode=True, but network {network.name!r} is not a test network")
    return network


def check_count(name: str, value: object) -> int:
    """A positive whole number (``workers``, ``max_concurrent_transmissions``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ConfigurationError(f"{name}={value} must be at least 1")
    return value


def check_plugins(value: object) -> dict[str, Any] | None:
    """Pyrogram's ``plugins``: ``dict(root="plugins", include=[...], exclude=[...], enabled=True)``; ``root``
    is a package path (dots or slashes) importable from the working directory."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"plugins must be a dict such as dict(root='plugins'), not {type(value).__name__}")
    unknown = value.keys() - {"root", "include", "exclude", "enabled"}
    if unknown:
        raise ConfigurationError(f"plugins has unknown keys {sorted(unknown)} (root, include, exclude, enabled)")
    root = value.get("root")
    if not isinstance(root, str) or not root.strip("./"):
        raise ConfigurationError("plugins needs root='<folder of handler modules>'")
    for key in ("include", "exclude"):
        listed = value.get(key, [])
        if not isinstance(listed, list | tuple) or not all(isinstance(x, str) for x in listed):
            raise ConfigurationError(f"plugins {key}= must be a list of 'module [function ...]' strings")
    return dict(value)


def check_parse_mode(value: object) -> ParseMode:
    if not isinstance(value, ParseMode):
        raise TypeError(f"parse_mode must be a tgfleet.enums.ParseMode, not {type(value).__name__}")
    return value


def check_takeout(value: object) -> bool:
    """``takeout``: True, False or None (Pyrogram's default, False)."""
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"takeout must be a bool, not {type(value).__name__}")
    return bool(value)
