"""``rpc_error(code, message)``: the typed error for what the server answered, looked up in the generated tables
(``_gen``: every name of the error table and its class per code, loaded on first use). Kept apart from ``rpc``,
whose base classes the generated ones subclass, so no module of ``tgfleet.errors`` imports itself in a circle.
"""

from __future__ import annotations

import re
from typing import Any

from tgfleet.errors.rpc import (
    NUMBER_TOKEN,
    BadRequest,
    Flood,
    Forbidden,
    InternalServerError,
    NotAcceptable,
    NotFound,
    RPCError,
    SeeOther,
    ServiceUnavailable,
    Unauthorized,
    UnknownError,
)

_numbered: tuple[re.Pattern[str], tuple[str, ...]] | None = None


def _match_numbered(message: str) -> tuple[str, int] | None:
    """``FLOOD_WAIT_31`` -> (``FLOOD_WAIT_X``, 31), for the numbered names of the table."""
    global _numbered
    if _numbered is None:
        from tgfleet.errors._gen import NUMBERED

        alternatives = "|".join(NUMBER_TOKEN.sub(r"(\\d+)", re.escape(n), count=1) for n in NUMBERED)
        _numbered = (re.compile(f"(?:{alternatives})"), NUMBERED)
    m = _numbered[0].fullmatch(message)
    if m is None or m.lastindex is None:
        return None
    return _numbered[1][m.lastindex - 1], int(m[m.lastindex])


def rpc_error(code: int, message: str, request: Any = None) -> RPCError:
    """The typed error for an ``rpc_error(code, message)``.

    Known names map to their class (by code when a name is listed under several); numbered names carry
    their number in ``value``; an unknown name falls back to its code's class and keeps its raw ID; an
    unknown code is an ``UnknownError`` (treated like 500).
    """
    from tgfleet.errors._gen import BY_NAME

    value: int | None = None
    if (numbered := _match_numbered(message)) is not None:  # FILE_PART_0_MISSING is FilePartMissing, 0
        name, value = numbered
        entry = BY_NAME.get(name)
    else:
        entry = BY_NAME.get(message)
    if entry is not None:
        cls = entry.get(abs(code)) or next(iter(entry.values()))
    else:
        cls = _CODE_CLASSES.get(abs(code), UnknownError)
    return cls(value, ID=message, code=code, request=request)


_CODE_CLASSES: dict[int, type[RPCError]] = {
    c.CODE: c
    for c in (
        SeeOther,
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        NotAcceptable,
        Flood,
        InternalServerError,
        ServiceUnavailable,
    )
}
