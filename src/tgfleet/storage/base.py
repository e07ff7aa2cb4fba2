"""``Storage``: the interface every session storage implements (memory, SQLite; later PostgreSQL).

A storage holds one account's session: the home DC, test mode, api_id, the user, auth keys (with server salt
and time offset) per DC, the DC list from help.getConfig, known peers with access hashes and a username cache,
and the update state. The API is synchronous: every call is a short local operation, made from the client's
event loop. A storage belongs to one owner (one client, one thread or event loop); calls are serialised, but
interleaving two clients on one storage would mix two MTProto sessions.

``open``, ``close``, ``save`` and ``delete`` do their work before they return and return :data:`DONE`, which
may be awaited: Pyrogram's storage methods are coroutines, so ``await app.storage.open()`` works as written
for Pyrogram, as do its async accessors (``pyrogram_accessors.py``).

Every write method is one transaction and is committed when it returns. ``transaction()`` groups several
writes into one: either all of them are kept or, when the block raises, none. Never ``await`` inside a
``transaction()`` block: other tasks of the loop would write into it (and other threads would wait).
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TypeVar

from tgfleet.storage.pyrogram_accessors import PyrogramAccessors
from tgfleet.storage.records import DcOption, PeerRecord, UpdateState

USERNAME_TTL = 8 * 60 * 60  # seconds a resolved username stays trusted (Pyrogram's value)

_S = TypeVar("_S", bound="Storage")


class Done:
    """What the lifecycle methods return: nothing is left to do, and awaiting it (Pyrogram's style) is a no-op."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        yield from ()

    def __repr__(self) -> str:
        return "DONE"


DONE = Done()


class Storage(PyrogramAccessors, abc.ABC):
    """One account's session data. Use as a context manager, or call ``open()`` and ``close()``.
    Pyrogram's async accessors (``await storage.user_id()``...) come from ``PyrogramAccessors``.

    ``clock`` returns unix time (injected in tests); ``username_ttl`` is how long a username -> peer mapping
    is trusted after it was last seen.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, username_ttl: float = USERNAME_TTL) -> None:
        self.clock = clock
        self.username_ttl = username_ttl

    # --- lifecycle ------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def open(self) -> Done:
        """Open (create when missing) the storage. Opening an open storage does nothing."""

    @abc.abstractmethod
    def close(self) -> Done:
        """Release the storage (and its session lock). Idempotent."""

    @property
    @abc.abstractmethod
    def is_open(self) -> bool:
        """Whether the storage is open."""

    @abc.abstractmethod
    def save(self) -> Done:
        """Make everything written so far durable (writes are already committed; this also syncs to disk)."""

    @abc.abstractmethod
    def delete(self) -> Done:
        """Log out: erase every item (keys, DCs, peers, state). The storage stays open and usable."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A block whose writes are kept together or not at all (nested blocks join the outer one)."""

    def __enter__(self: _S) -> _S:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- account ----------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def get_dc_id(self) -> int | None:
        """The home DC, or None before the first connection."""

    @abc.abstractmethod
    def set_dc_id(self, dc_id: int) -> None: ...

    @abc.abstractmethod
    def get_test_mode(self) -> bool:
        """Whether the session belongs to Telegram's test servers (False when never set)."""

    @abc.abstractmethod
    def set_test_mode(self, test_mode: bool) -> None: ...

    @abc.abstractmethod
    def get_api_id(self) -> int | None: ...

    @abc.abstractmethod
    def set_api_id(self, api_id: int) -> None: ...

    @abc.abstractmethod
    def get_user_id(self) -> int | None:
        """The logged-in user's id, or None before sign-in."""

    @abc.abstractmethod
    def get_is_bot(self) -> bool | None:
        """Whether the logged-in account is a bot, or None before sign-in."""

    @abc.abstractmethod
    def set_user(self, user_id: int, is_bot: bool) -> None:
        """Record the signed-in account (both values in one write)."""

    def get_login_unverified(self) -> bool:
        """Whether the home DC's key came from elsewhere without the user it is logged in as (a converted
        Telethon file): the client then asks the server once who it is, and ``set_user`` ends it. False unless a
        storage says so."""
        return False

    # --- auth keys, salts, time offsets -------------------------------------------------------------------------
    @abc.abstractmethod
    def get_auth_key(self, dc_id: int) -> bytes | None:
        """The 256-byte auth key for ``dc_id``, or None."""

    @abc.abstractmethod
    def set_auth_key(self, dc_id: int, key: bytes | None) -> None:
        """Store (or with None forget) the auth key of a DC. A new key forgets the DC's server salt.

        Raises StorageValueError when the key is not 256 bytes.
        """

    @abc.abstractmethod
    def get_auth_keys(self) -> dict[int, bytes]:
        """Every stored auth key by DC id."""

    @abc.abstractmethod
    def get_server_salt(self, dc_id: int) -> int | None: ...

    @abc.abstractmethod
    def set_server_salt(self, dc_id: int, salt: int) -> None:
        """The last server salt of the DC's auth key (signed int64)."""

    @abc.abstractmethod
    def get_time_offset(self, dc_id: int) -> float:
        """Server time minus local time for the DC, in seconds (0.0 when unknown)."""

    @abc.abstractmethod
    def set_time_offset(self, dc_id: int, offset: float) -> None: ...

    # --- DC list ------------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def set_dc_options(self, options: Sequence[DcOption], *, fetched_at: float | None = None) -> None:
        """Replace the DC list (help.getConfig) and its fetch time (default: now). The order is kept."""

    @abc.abstractmethod
    def get_dc_options(self) -> list[DcOption]: ...

    @abc.abstractmethod
    def get_dc_options_fetched_at(self) -> float | None:
        """When the DC list was fetched (unix time), or None when it never was."""

    # --- peers --------------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def put_peers(self, peers: Iterable[PeerRecord]) -> None:
        """Insert or update peers in one write (see PeerRecord for min records and timestamps).

        A username belongs to one peer: storing it for a peer removes it from any other peer.
        """

    @abc.abstractmethod
    def peer_by_id(self, peer_id: int) -> PeerRecord | None: ...

    @abc.abstractmethod
    def peer_by_username(self, username: str, *, ignore_expiry: bool = False) -> PeerRecord | None:
        """The peer with this username (any case, with or without ``@``).

        None when unknown or when the mapping was last confirmed more than ``username_ttl`` seconds ago
        (unless ``ignore_expiry``): the caller should resolve the username again and ``put_peers`` the result.
        """

    @abc.abstractmethod
    def peer_by_phone(self, phone: str) -> PeerRecord | None:
        """The peer with this phone number (any formatting: only the digits count)."""

    # --- update state -------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def get_update_state(self) -> UpdateState | None: ...

    @abc.abstractmethod
    def set_update_state(self, state: UpdateState) -> None: ...

    @abc.abstractmethod
    def get_channel_pts(self, channel_id: int) -> int | None: ...

    @abc.abstractmethod
    def set_channel_pts(self, channel_id: int, pts: int | None) -> None:
        """Store a channel's pts (None forgets the channel)."""

    @abc.abstractmethod
    def get_all_channel_pts(self) -> dict[int, int]: ...

    # --- shared helpers -------------------------------------------------------------------------------------------
    def _username_fresh(self, peer: PeerRecord, ignore_expiry: bool) -> bool:
        if ignore_expiry:
            return True
        return peer.resolved_at is not None and self.clock() - peer.resolved_at <= self.username_ttl
