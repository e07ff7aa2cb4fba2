"""A session's content as the store keeps it for one account: ``SessionSnapshot`` (all of it, as loaded at lease
time or read from an import source) and ``SessionChanges`` (what a holder changed since the last flush).

The auth keys are plain bytes here, between the store (where they are sealed) and the client; they never show in a
repr. Scalars of a change set are named by their ``accounts`` column (``SCALARS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tgfleet.crypto.kdf import auth_key_id
from tgfleet.storage import DcOption, PeerRecord, UpdateState

SCALARS = ("dc_id", "test_mode", "api_id", "user_id", "is_bot", "dc_options", "dc_options_at",
           "pts", "qts", "date", "seq")  # fmt: skip


@dataclass(frozen=True)
class DcRecord:
    """One DC of a session: its auth key (None: none yet), server salt and clock offset."""

    auth_key: bytes | None = field(default=None, repr=False)
    server_salt: int | None = None
    time_offset: float = 0.0

    @property
    def auth_key_id(self) -> int | None:
        return None if self.auth_key is None else auth_key_id(self.auth_key)


@dataclass(frozen=True)
class SessionSnapshot:
    dc_id: int | None = None
    test_mode: bool = False
    api_id: int | None = None
    user_id: int | None = None
    is_bot: bool | None = None
    dcs: dict[int, DcRecord] = field(default_factory=dict)
    dc_options: list[DcOption] = field(default_factory=list, repr=False)
    dc_options_at: float | None = None
    peers: list[PeerRecord] = field(default_factory=list, repr=False)
    update_state: UpdateState | None = None
    channel_pts: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def home_key(self) -> bytes | None:
        dc = self.dcs.get(self.dc_id) if self.dc_id is not None else None
        return None if dc is None else dc.auth_key

    def as_changes(self) -> SessionChanges:
        """The change set that turns any stored session into this one."""
        state = self.update_state
        scalars: dict[str, Any] = {
            "dc_id": self.dc_id, "test_mode": self.test_mode, "api_id": self.api_id, "user_id": self.user_id,
            "is_bot": self.is_bot, "dc_options": list(self.dc_options), "dc_options_at": self.dc_options_at,
            "pts": state.pts if state else None, "qts": state.qts if state else None,
            "date": state.date if state else None, "seq": state.seq if state else None,
        }  # fmt: skip
        channels: dict[int, int | None] = dict(self.channel_pts)
        return SessionChanges(wipe=True, scalars=scalars, dcs=dict(self.dcs), peers=list(self.peers), channels=channels)


@dataclass
class SessionChanges:
    """What to write: ``wipe`` first forgets the stored session (a log-out), then the rest is applied. ``dcs``
    holds the whole new state of each changed DC; ``channels`` maps a channel to its pts (None: forget it)."""

    wipe: bool = False
    scalars: dict[str, Any] = field(default_factory=dict)
    dcs: dict[int, DcRecord] = field(default_factory=dict)
    peers: list[PeerRecord] = field(default_factory=list, repr=False)
    channels: dict[int, int | None] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.wipe or self.scalars or self.dcs or self.peers or self.channels)
