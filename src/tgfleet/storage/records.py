"""The records a session storage holds (small frozen dataclasses) and the checks every storage applies."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tgfleet.storage.errors import StorageValueError

AUTH_KEY_SIZE = 256
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class PeerType(str, enum.Enum):
    """What kind of chat a peer is (Pyrogram's chat types)."""

    USER = "user"
    BOT = "bot"
    GROUP = "group"
    CHANNEL = "channel"
    SUPERGROUP = "supergroup"


@dataclass(frozen=True)
class PeerRecord:
    """A peer the client can address: its id, access hash and the names it can be found by.

    ``id`` is the Bot-API-style marked id (users > 0, basic groups < 0, channels -100...), so ids of different
    types never collide. ``access_hash`` is None for basic groups (they have none) or when unknown.
    ``username`` is stored as given (lookups ignore case and a leading ``@``); ``phone`` as digits only.

    ``is_min``: the record comes from a ``min`` constructor (a peer seen in someone else's message). On
    write such a record never replaces a known access hash and never erases a known username or phone. On
    read it is True while the peer was only ever seen through min records.

    ``updated_at`` (when the peer was last written) and ``resolved_at`` (when its username was last
    confirmed) are set by the storage from its clock; values passed in are ignored.
    """

    id: int
    type: PeerType
    access_hash: int | None = None
    username: str | None = None
    phone: str | None = None
    is_min: bool = False
    updated_at: float = 0.0
    resolved_at: float | None = None


# Bit positions of the TL dcOption flags, used as the stored flags word.
DC_FLAG_BITS: dict[str, int] = {
    "ipv6": 1 << 0,
    "media_only": 1 << 1,
    "tcpo_only": 1 << 2,
    "cdn": 1 << 3,
    "static": 1 << 4,
    "this_port_only": 1 << 5,
}


@dataclass(frozen=True)
class DcOption:
    """One address of a DC as listed by help.getConfig (``dcOption``)."""

    dc_id: int
    ip_address: str
    port: int
    ipv6: bool = False
    media_only: bool = False
    tcpo_only: bool = False
    cdn: bool = False
    static: bool = False
    this_port_only: bool = False
    secret: bytes | None = None

    @property
    def flags(self) -> int:
        """The TL flags word of this option (without the secret bit)."""
        return sum(bit for name, bit in DC_FLAG_BITS.items() if getattr(self, name))


def dc_flags_kwargs(flags: int) -> dict[str, bool]:
    """The boolean fields of a DcOption from a stored flags word."""
    return {name: bool(flags & bit) for name, bit in DC_FLAG_BITS.items()}


@dataclass(frozen=True)
class UpdateState:
    """The common update sequence (updates.getState): pts, qts, date, seq."""

    pts: int
    qts: int
    date: int
    seq: int


# --- checks and normalisation (shared by every storage) ---------------------------------------------------------


def check_int(name: str, value: int, low: int = INT64_MIN, high: int = INT64_MAX) -> int:
    """``value`` if it is an int within [low, high]; otherwise StorageValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StorageValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return value


def check_dc_id(dc_id: int) -> int:
    """A DC id (test DCs are 10000+dc, media DCs may be negative in some configs): any non-zero int32."""
    if check_int("dc_id", dc_id, INT32_MIN, INT32_MAX) == 0:
        raise StorageValueError("dc_id must not be 0")
    return dc_id


def check_auth_key(dc_id: int, key: bytes) -> bytes:
    """``key`` as bytes if it is a 256-byte auth key; otherwise StorageValueError."""
    if not isinstance(key, (bytes, bytearray, memoryview)) or len(key) != AUTH_KEY_SIZE:
        size = len(key) if isinstance(key, (bytes, bytearray, memoryview)) else type(key).__name__
        raise StorageValueError(f"auth key for DC {dc_id} must be {AUTH_KEY_SIZE} bytes, got {size}")
    return bytes(key)


def normalize_username(username: str | None) -> str | None:
    """The username without a leading ``@`` (None for an empty one)."""
    if username is None:
        return None
    name = username.strip().lstrip("@")
    return name or None


def username_key(username: str) -> str:
    """The lookup key of a username: lowercase, no ``@``."""
    return (normalize_username(username) or "").lower()


def normalize_phone(phone: str | None) -> str | None:
    """Digits only (``+1 (555) 010-0001`` -> ``15550100001``); None when no digit is left."""
    if phone is None:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits or None


def check_peer(peer: PeerRecord) -> PeerRecord:
    """The peer with its names normalised; StorageValueError for a bad id, type or access hash."""
    if check_int("peer id", peer.id) == 0:
        raise StorageValueError("peer id must not be 0")
    try:
        kind = PeerType(peer.type)
    except ValueError:
        raise StorageValueError(f"peer {peer.id}: type must be a PeerType, got {peer.type!r}") from None
    if peer.access_hash is not None:
        check_int(f"peer {peer.id} access_hash", peer.access_hash)
    return PeerRecord(
        id=peer.id,
        type=kind,
        access_hash=peer.access_hash,
        username=normalize_username(peer.username),
        phone=normalize_phone(peer.phone),
        is_min=bool(peer.is_min),
    )


def merge_peer(old: PeerRecord | None, new: PeerRecord, now: float) -> PeerRecord:
    """The record to store when ``new`` (already checked) arrives and ``old`` is known.

    A full record replaces the known one, except that a missing access hash keeps the known hash. A min
    record keeps the known access hash, username and phone and only fills what is unknown.
    """
    username_seen = new.username is not None
    if old is None:
        return _stamped(new, now, now if username_seen else None)
    if new.is_min:
        merged = PeerRecord(
            id=new.id,
            type=new.type,
            access_hash=old.access_hash if old.access_hash is not None else new.access_hash,
            username=new.username if new.username is not None else old.username,
            phone=old.phone if old.phone is not None else new.phone,
            is_min=old.is_min,
        )
    else:
        merged = PeerRecord(
            id=new.id,
            type=new.type,
            access_hash=new.access_hash if new.access_hash is not None else old.access_hash,
            username=new.username,
            phone=new.phone,
            is_min=False,
        )
    same_name = merged.username is not None and old.username is not None
    same_name = same_name and username_key(merged.username or "") == username_key(old.username or "")
    resolved_at = now if username_seen else (old.resolved_at if same_name else None)
    return _stamped(merged, now, resolved_at)


def _stamped(peer: PeerRecord, now: float, resolved_at: float | None) -> PeerRecord:
    return PeerRecord(
        id=peer.id,
        type=peer.type,
        access_hash=peer.access_hash,
        username=peer.username,
        phone=peer.phone,
        is_min=peer.is_min,
        updated_at=now,
        resolved_at=resolved_at if peer.username is not None else None,
    )


def check_dc_option(option: DcOption) -> DcOption:
    """The option if its DC id, address and port are plausible; otherwise StorageValueError."""
    check_dc_id(option.dc_id)
    if not isinstance(option.ip_address, str) or not option.ip_address:
        raise StorageValueError(f"DC {option.dc_id}: ip_address must be a non-empty string")
    check_int(f"DC {option.dc_id} port", option.port, 0, 65535)
    if option.secret is not None and not isinstance(option.secret, bytes):
        raise StorageValueError(f"DC {option.dc_id}: secret must be bytes or None")
    return option


def check_update_state(state: UpdateState) -> UpdateState:
    """The state if every field is an int32; otherwise StorageValueError."""
    for name in ("pts", "qts", "date", "seq"):
        check_int(f"update state {name}", getattr(state, name), INT32_MIN, INT32_MAX)
    return state
