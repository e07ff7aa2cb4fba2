"""Checks of ``Client``'s constructor arguments: a setting that cannot work fails at once, naming the argument
(``TypeError`` for a wrong type, :class:`~tgfleet.errors.ConfigurationError`, a ``ValueError``, for a wrong
value), instead of surfacing later as a timeout or a dead connection."""

from __future__ import annotations

import math
import re

from tgfleet.errors import ConfigurationError
from tgfleet.mtproto.transport import FRAMINGS
from tgfleet.storage import Storage

INT32_MAX = (1 << 31) - 1
_API_HASH = re.compile(r"[0-9a-fA-F]{32}")
_DIGITS = re.compile(r"[0-9]+")


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
