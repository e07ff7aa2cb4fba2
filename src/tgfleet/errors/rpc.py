"""RPC errors: what the server answered with ``rpc_error`` (https://core.telegram.org/api/errors).

The tree is Pyrogram's: ``RPCError`` -> one class per error code (``BadRequest`` 400, ``FloodWait``'s ``Flood``
420, ...) -> one generated class per error name in Pyrogram's modules and names
(``tgfleet.errors.exceptions.bad_request_400.PeerIdInvalid``). A name listed under several codes is one
family: its lowest code has the plain name and each other code subclasses it (``ChatWriteForbidden403``),
so catching the plain name catches every code.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from tgfleet.errors.base import TgfleetError

_PLACEHOLDER = re.compile(r"\bX\b|%d|\{(?:seconds|value|index)\}")
#: The parameter token of a numbered name (``FLOOD_WAIT_X``, ``FILE_PART_X_MISSING``, ``..._WAIT_XMIN``).
NUMBER_TOKEN = re.compile(r"(?<=_)X(?=_|$|MIN$)")


class RPCError(TgfleetError):
    """The server refused a request.

    As in Pyrogram: ``ID`` is the error's name in the table (``FLOOD_WAIT_X``; for a name the table lacks, the
    name the server sent), ``CODE`` its category's code, ``NAME`` the category's name (``Flood``), ``value``
    the number carried in the name (``FLOOD_WAIT_31`` -> 31; None if it carries none). tgfleet adds
    ``error_message`` (what the server sent, ``FLOOD_WAIT_31``), ``code`` (the code it sent: -503 where
    ``CODE`` is 503) and ``request`` (the call that failed, when known).

    What to do: depends on the class; an unknown error of a known code behaves like that code's class.
    """

    ID: str | None = None
    CODE: ClassVar[int] = 0
    NAME: ClassVar[str] = "RPC Error"
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
        table_name = type(self).ID
        self.error_message = ID or _sent_name(table_name or self.NAME, value)
        self.ID = table_name or self.error_message
        self.request = request
        text = self.MESSAGE if value is None else _PLACEHOLDER.sub(str(value), self.MESSAGE)
        caused = f' (caused by "{request.QUALNAME}")' if hasattr(request, "QUALNAME") else ""
        more = f": {detail}" if detail else ""
        super().__init__(f"[{self.code} {self.error_message}] {text}{more}{caused}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.value, self.error_message, self.code))


def _sent_name(name: str, value: int | None) -> str:
    """The name as the server sends it: ``FLOOD_WAIT_X`` with 31 is ``FLOOD_WAIT_31``."""
    return name if value is None else NUMBER_TOKEN.sub(str(value), name, count=1)


def _rebuild(cls: type[RPCError], value: int | None, ID: str, code: int) -> RPCError:
    return cls(value, ID=ID, code=code)


class SeeOther(RPCError):
    """303: the request must be repeated on another data center, ``value`` (migrate errors)."""

    CODE = 303
    NAME = "See Other"


class BadRequest(RPCError):
    """400: the request was malformed or its arguments invalid. Fix the arguments; do not retry as is."""

    CODE = 400
    NAME = "Bad Request"


class Unauthorized(RPCError):
    """401: the session is not authorized (not logged in, key revoked, 2FA needed)."""

    CODE = 401
    NAME = "Unauthorized"


class Forbidden(RPCError):
    """403: the account may not do this (privacy settings, missing rights)."""

    CODE = 403
    NAME = "Forbidden"


class NotFound(RPCError):
    """404: the requested object or method does not exist."""

    CODE = 404
    NAME = "Not Found"


class NotAcceptable(RPCError):
    """406: do not show this to the user; Telegram sends a service notification itself."""

    CODE = 406
    NAME = "Not Acceptable"


class Flood(RPCError):
    """420: too many requests. Wait ``value`` seconds before repeating this call."""

    CODE = 420
    NAME = "Flood"


class InternalServerError(RPCError):
    """500 (and any unknown code): a server-side problem. Retrying later may succeed."""

    CODE = 500
    NAME = "Internal Server Error"


class ServiceUnavailable(InternalServerError):
    """503 (sent as -503 too: ``Timeout``): the server did not answer in time. Retrying later may succeed; a
    call that timed out may have been executed (a ``random_id`` makes repeating a message safe)."""

    CODE = 503
    NAME = "Service Unavailable"


class UnknownError(InternalServerError):
    """An error code the table does not know (``code`` is what the server sent). Treat it like a 500: a
    server-side problem; retrying later may succeed."""

    CODE = 520
    NAME = "Unknown error"
