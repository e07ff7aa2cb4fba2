"""RPC errors: what the server answered with ``rpc_error`` (https://core.telegram.org/api/errors).

The tree is ``RPCError`` -> one class per error code (``BadRequest`` 400, ``FloodWait``'s ``Flood`` 420,
...) -> one generated class per error name (``tgfleet.errors._gen``, Pyrogram's class names). A name
listed under several codes has a common class (catch that) with one subclass per code.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from tgfleet.errors.base import TgfleetError

_PLACEHOLDER = re.compile(r"\bX\b|%d|\{seconds\}|\{value\}")
#: The parameter token of a numbered name (``FLOOD_WAIT_X``, ``FILE_PART_X_MISSING``, ``..._WAIT_XMIN``).
NUMBER_TOKEN = re.compile(r"(?<=_)X(?=_|$|MIN$)")


class RPCError(TgfleetError):
    """The server refused a request. ``ID`` is the raw error name (``FLOOD_WAIT_31``), ``code`` the
    error code, ``value`` the number carried in the name (None if it carries none), ``request`` the
    call that failed (when known).

    What to do: depends on the class; an unknown error of a known code behaves like that code's class.
    """

    CODE: ClassVar[int] = 0
    NAME: ClassVar[str] = "RPC_ERROR"
    MESSAGE: ClassVar[str] = "The server refused the request."

    def __init__(
        self,
        value: int | None = None,
        *,
        ID: str | None = None,
        code: int | None = None,
        request: Any = None,
        detail: str | None = None,
    ) -> None:
        self.value = value
        self.code = self.CODE if code is None else code
        self.ID = ID or (self.NAME if value is None else NUMBER_TOKEN.sub(str(value), self.NAME, count=1))
        self.request = request
        text = self.MESSAGE if value is None else _PLACEHOLDER.sub(str(value), self.MESSAGE)
        caused = f" (caused by {type(request).__name__})" if request is not None else ""
        more = f": {detail}" if detail else ""
        super().__init__(f"[{self.code} {self.ID}] {text}{more}{caused}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.value, self.ID, self.code))


def _rebuild(cls: type[RPCError], value: int | None, ID: str, code: int) -> RPCError:
    return cls(value, ID=ID, code=code)


class SeeOther(RPCError):
    """303: the request must be repeated on another data center, ``value`` (migrate errors)."""

    CODE = 303
    NAME = "SEE_OTHER"


class BadRequest(RPCError):
    """400: the request was malformed or its arguments invalid. Fix the arguments; do not retry as is."""

    CODE = 400
    NAME = "BAD_REQUEST"


class Unauthorized(RPCError):
    """401: the session is not authorized (not logged in, key revoked, 2FA needed)."""

    CODE = 401
    NAME = "UNAUTHORIZED"


class Forbidden(RPCError):
    """403: the account may not do this (privacy settings, missing rights)."""

    CODE = 403
    NAME = "FORBIDDEN"


class NotFound(RPCError):
    """404: the requested object or method does not exist."""

    CODE = 404
    NAME = "NOT_FOUND"


class NotAcceptable(RPCError):
    """406: do not show this to the user; Telegram sends a service notification itself."""

    CODE = 406
    NAME = "NOT_ACCEPTABLE"


class Flood(RPCError):
    """420: too many requests. Wait ``value`` seconds before repeating this call."""

    CODE = 420
    NAME = "FLOOD"


class InternalServerError(RPCError):
    """500 (and any unknown code): a server-side problem. Retrying later may succeed."""

    CODE = 500
    NAME = "INTERNAL"


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
    unknown code is treated like 500.
    """
    from tgfleet.errors._gen import BY_NAME

    value: int | None = None
    entry = BY_NAME.get(message)
    if entry is None and (numbered := _match_numbered(message)) is not None:
        name, value = numbered
        entry = BY_NAME[name]
    if isinstance(entry, dict):
        entry = entry.get(code) or next(iter(entry.values()))
    cls = entry if entry is not None else _CODE_CLASSES.get(code, InternalServerError)
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
    )
}
