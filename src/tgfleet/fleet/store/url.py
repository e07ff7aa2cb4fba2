"""The store URL: ``sqlite:///path/fleet.db`` (a file on this host) or ``postgresql://...`` (libpq's URL form).

``sqlite:///fleet.db`` is relative to the working directory, ``sqlite:////var/lib/fleet.db`` absolute (SQLAlchemy's
convention: three slashes, then the path). ``postgres://`` is accepted as PostgreSQL's own alias. ``display`` is the
URL without its password, for messages and logs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from tgfleet.fleet.errors import StoreUrlError

DEFAULT_URL = "sqlite:///fleet.db"
STORE_ENV = "TGFLEET_STORE"


@dataclass(frozen=True)
class StoreUrl:
    engine: str  # "sqlite" or "postgresql"
    url: str = ""  # the PostgreSQL URL as given (libpq reads it)
    path: str = ""  # the SQLite file
    display: str = ""

    def __repr__(self) -> str:
        return f"StoreUrl({self.display!r})"


def default_url() -> str:
    """``$TGFLEET_STORE`` or ``sqlite:///fleet.db`` (in the working directory)."""
    return os.environ.get(STORE_ENV) or DEFAULT_URL


def parse_url(url: str) -> StoreUrl:
    """The engine and its address; StoreUrlError for anything else."""
    if not isinstance(url, str) or not url.strip():
        raise StoreUrlError("the store URL is empty: use sqlite:///path/fleet.db or postgresql://user@host/db")
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise StoreUrlError(f"{url!r} is not a store URL: use sqlite:///path/fleet.db or postgresql://user@host/db")
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise StoreUrlError(f"{url!r}: an SQLite store URL is sqlite:///relative/path or sqlite:////absolute/path")
        path = unquote(rest[1:].split("?", 1)[0])
        if not path or path.endswith("/"):
            raise StoreUrlError(f"{url!r}: the SQLite store URL names no file")
        return StoreUrl("sqlite", path=path, display=f"sqlite:///{path}")
    if scheme in ("postgresql", "postgres"):
        return StoreUrl("postgresql", url=url, display=_without_password(url))
    raise StoreUrlError(f"{url!r}: unknown store engine {scheme!r}; use sqlite:///path/fleet.db or postgresql://...")


def _without_password(url: str) -> str:
    """The URL with any password (in the user part or a ``password=`` parameter) replaced by ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username or ''}:***@{netloc.rpartition('@')[2]}"
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
