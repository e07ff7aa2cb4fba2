"""The session rows of an account: reading a snapshot and writing changes, each under the fence.

The fence: ``accounts.fence_epoch`` is raised in the transaction that grants the account's lease, and every write
for the account (``fence``) first updates the account row on the condition that the fence still holds the writer's
epoch. On PostgreSQL that row is locked until commit, so a grant and a fenced write never interleave; on SQLite
``BEGIN IMMEDIATE`` serialises them. A refused write raises StaleEpoch and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import AccountNotFound, DuplicateAccountError, SealedDataError, StaleEpoch
from tgfleet.fleet.seal import Sealer, auth_key_aad
from tgfleet.fleet.snapshot import SCALARS, DcRecord, SessionChanges, SessionSnapshot
from tgfleet.fleet.store import Tx
from tgfleet.storage import DcOption, PeerRecord, PeerType, UpdateState
from tgfleet.storage.records import dc_flags_kwargs

_RESET = {name: None for name in SCALARS} | {"test_mode": 0}


_PEER_INSERT = (
    "INSERT INTO session_peers (account_id, peer_id, type, access_hash, username, phone, is_min, updated_at,"
    " resolved_at) VALUES (:id, :peer_id, :type, :access_hash, :username, :phone, :is_min, :updated_at,"
    " :resolved_at) ON CONFLICT (account_id, peer_id)"
)
"""A peer row of ``_peer_row``'s parameters; the caller says what a conflict does."""

FENCE = "UPDATE accounts SET updated_at = {now} WHERE id = :id AND fence_epoch = :epoch"  # params: fence_params


def fence_params(account_id: int, epoch: int) -> dict[str, int]:
    return {"id": account_id, "epoch": epoch}


FENCES = (  # many accounts' fences in one statement: params fences_params
    "UPDATE accounts SET updated_at = {now} WHERE (id, fence_epoch) IN ({id_pairs}) RETURNING id, fence_epoch"
)


def fences_params(fences: Sequence[tuple[int, int]]) -> dict[str, str]:
    """``FENCES``' parameters for ``(account_id, epoch)`` pairs."""
    return {"pairs": json.dumps([[account_id, epoch] for account_id, epoch in fences])}


async def held_fences(tx: Tx, fences: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hold the fences of many ``(account_id, epoch)`` pairs for this transaction, in one statement: the pairs
    whose fence held (the others' ``refuse`` says why)."""
    rows = await tx.fetch(FENCES, fences_params(fences))
    return {(int(account_id), int(epoch)) for account_id, epoch in rows}


async def fence(tx: Tx, account_id: int, epoch: int) -> None:
    """Hold the fence for this transaction, or raise StaleEpoch (AccountNotFound when there is no such account)."""
    if not await tx.execute(FENCE, fence_params(account_id, epoch)):
        await refuse(tx, account_id, epoch)


async def refuse(tx: Tx, account_id: int, epoch: int) -> NoReturn:
    """The fence did not hold (``FENCE`` changed no row, e.g. in a ``Tx.batch``): raise StaleEpoch or
    AccountNotFound."""
    current = await tx.scalar("SELECT fence_epoch FROM accounts WHERE id = :id", {"id": account_id})
    if current is None:
        raise AccountNotFound(f"no account with id {account_id}")
    raise StaleEpoch(account_id, epoch, int(current))


async def fence_counted(tx: Tx, account_id: int, epoch: int, counters: Counters) -> None:
    """``fence``, with a refusal counted in ``counters.fence_refusals`` (the holders' writes: outbox, inbox)."""
    try:
        await fence(tx, account_id, epoch)
    except StaleEpoch:
        counters.fence_refusals += 1
        raise


async def write(tx: Tx, account_id: int, changes: SessionChanges, sealer: Sealer) -> None:
    """Apply ``changes`` to the account's session rows (the caller holds the fence, or created the account)."""
    params = {"id": account_id}
    if changes.wipe:
        for table in ("session_dcs", "session_peers", "session_channels"):
            await tx.execute(f"DELETE FROM {table} WHERE account_id = :id", params)
    scalars = (_RESET if changes.wipe else {}) | changes.scalars
    if scalars:
        values = {name: _column(name, value) for name, value in scalars.items() if name in SCALARS}
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        await tx.execute(f"UPDATE accounts SET {assignments} WHERE id = :id", values | params)
    await refuse_held_keys(tx, account_id, changes.dcs)
    await _write_dcs(tx, account_id, changes.dcs, sealer)
    await tx.executemany(
        _PEER_INSERT + " DO UPDATE SET type = excluded.type,"
        " access_hash = excluded.access_hash, username = excluded.username, phone = excluded.phone,"
        " is_min = excluded.is_min, updated_at = excluded.updated_at, resolved_at = excluded.resolved_at",
        [_peer_row(account_id, peer) for peer in changes.peers],
    )
    await _write_channels(tx, account_id, changes.channels)


async def keep_channels(tx: Tx, account_id: int, channels: Mapping[int, int], records: Sequence[PeerRecord]) -> None:
    """The inbox's part of the session, written with the messages it stores (the caller holds the fence): the pts of
    each channel those messages cover, and the channels' ``records`` (their access hashes) where the account has none
    yet. A new holder then asks each such channel's difference from there, even when the old holder died before its
    session's own flush."""
    await _write_channels(tx, account_id, channels)
    await tx.executemany(
        _PEER_INSERT + " DO NOTHING",
        [_peer_row(account_id, peer) for peer in records],
    )


async def _write_channels(tx: Tx, account_id: int, channels: Mapping[int, int | None]) -> None:
    kept = [{"id": account_id, "channel": c, "pts": pts} for c, pts in channels.items() if pts is not None]
    gone = [{"id": account_id, "channel": c} for c, pts in channels.items() if pts is None]
    await tx.executemany(
        "INSERT INTO session_channels (account_id, channel_id, pts) VALUES (:id, :channel, :pts)"
        " ON CONFLICT (account_id, channel_id) DO UPDATE SET pts = excluded.pts",
        kept,
    )
    await tx.executemany("DELETE FROM session_channels WHERE account_id = :id AND channel_id = :channel", gone)


async def replace_keys(tx: Tx, account_id: int, session: SessionSnapshot, sealer: Sealer) -> None:
    """Give the account the auth keys (and home DC, user, API id) of ``session``, a new login of the same user: every
    key it had is forgotten; its peers, update state and channels stay (they are the account's, not the key's). The
    caller holds the fence (raised for this write, so a holder of the old key writes nothing after it)."""
    await tx.execute("DELETE FROM session_dcs WHERE account_id = :id", {"id": account_id})
    scalars = {"dc_id": session.dc_id, "test_mode": session.test_mode, "api_id": session.api_id,
               "user_id": session.user_id, "is_bot": session.is_bot}  # fmt: skip
    await write(tx, account_id, SessionChanges(scalars=scalars, dcs=dict(session.dcs)), sealer)


async def _write_dcs(tx: Tx, account_id: int, dcs: dict[int, DcRecord], sealer: Sealer) -> None:
    rows = []
    for dc_id, dc in dcs.items():
        sealed = None if dc.auth_key is None else sealer.seal(dc.auth_key, auth_key_aad(account_id, dc_id))
        rows.append({"id": account_id, "dc": dc_id, "key_id": dc.auth_key_id, "sealed": sealed,
                     "salt": dc.server_salt, "offset": float(dc.time_offset)})  # fmt: skip
    await tx.executemany(
        "INSERT INTO session_dcs (account_id, dc_id, auth_key_id, sealed_key, server_salt, time_offset)"
        " VALUES (:id, :dc, :key_id, :sealed, :salt, :offset) ON CONFLICT (account_id, dc_id) DO UPDATE SET"
        " auth_key_id = excluded.auth_key_id, sealed_key = excluded.sealed_key, server_salt = excluded.server_salt,"
        " time_offset = excluded.time_offset",
        rows,
    )


async def refuse_held_keys(tx: Tx, account_id: int, dcs: dict[int, DcRecord]) -> None:
    """DuplicateAccountError when another account has one of these keys (``auth_key_id`` is unique in the store;
    the constraint is the backstop for a race, this check names the holder)."""
    for dc in dcs.values():
        holder = await key_holder(tx, dc.auth_key_id, exclude=account_id)
        if holder is not None:
            raise DuplicateAccountError(f"this auth key is already account {holder!r}", holder=holder)


async def key_holder(tx: Tx, key_id: int | None, *, exclude: int | None = None) -> str | None:
    """The label of the account that has the key with ``key_id`` (other than ``exclude``), or None."""
    if key_id is None:
        return None
    label = await tx.scalar(
        "SELECT a.label FROM session_dcs d JOIN accounts a ON a.id = d.account_id"
        " WHERE d.auth_key_id = :key_id AND d.account_id <> :exclude",
        {"key_id": key_id, "exclude": -1 if exclude is None else exclude},
    )
    return None if label is None else str(label)


async def read(tx: Tx, account_id: int, sealer: Sealer) -> SessionSnapshot:
    """The account's whole session (auth keys unsealed); SealedDataError when a key does not open."""
    params = {"id": account_id}
    row = await tx.fetchone(f"SELECT {', '.join(SCALARS)} FROM accounts WHERE id = :id", params)
    if row is None:
        raise AccountNotFound(f"no account with id {account_id}")
    s = dict(zip(SCALARS, row, strict=True))
    dcs = {}
    for dc_id, sealed, salt, offset in await tx.fetch(
        "SELECT dc_id, sealed_key, server_salt, time_offset FROM session_dcs WHERE account_id = :id", params
    ):
        dcs[int(dc_id)] = DcRecord(_unseal(sealer, account_id, int(dc_id), sealed), salt, float(offset))
    peers = [_peer(r) for r in await tx.fetch(
        "SELECT peer_id, type, access_hash, username, phone, is_min, updated_at, resolved_at FROM session_peers"
        " WHERE account_id = :id", params)]  # fmt: skip
    channels = {int(c): int(p) for c, p in await tx.fetch(
        "SELECT channel_id, pts FROM session_channels WHERE account_id = :id", params)}  # fmt: skip
    state = None if s["pts"] is None else UpdateState(s["pts"], s["qts"], s["date"], s["seq"])
    return SessionSnapshot(
        dc_id=s["dc_id"], test_mode=bool(s["test_mode"]), api_id=s["api_id"], user_id=s["user_id"],
        is_bot=None if s["is_bot"] is None else bool(s["is_bot"]), dcs=dcs,
        dc_options=_options(s["dc_options"]), dc_options_at=s["dc_options_at"], peers=peers,
        update_state=state, channel_pts=channels,
    )  # fmt: skip


def unseal_key(sealer: Sealer, account_id: int, dc_id: int, sealed: bytes) -> bytes:
    key = sealer.unseal(sealed, auth_key_aad(account_id, dc_id))
    if key is None:
        raise SealedDataError(
            f"the auth key of account {account_id} (DC {dc_id}) does not open under the store's key:"
            " the row was damaged or copied from another account"
        )
    return key


def _unseal(sealer: Sealer, account_id: int, dc_id: int, sealed: Any) -> bytes | None:
    return None if sealed is None else unseal_key(sealer, account_id, dc_id, bytes(sealed))


def _column(name: str, value: Any) -> Any:
    if name == "dc_options":
        return None if value is None else json.dumps([_option_json(o) for o in value])
    if name in ("test_mode", "is_bot"):
        return None if value is None else int(bool(value))
    return value


def _option_json(o: DcOption) -> list[Any]:
    return [o.dc_id, o.ip_address, o.port, o.flags, None if o.secret is None else o.secret.hex()]


def _options(text: str | None) -> list[DcOption]:
    out = []
    for dc_id, ip, port, flags, secret in json.loads(text) if text else []:
        out.append(DcOption(dc_id, ip, port, secret=None if secret is None else bytes.fromhex(secret),
                            **dc_flags_kwargs(flags)))  # fmt: skip
    return out


def _peer_row(account_id: int, p: PeerRecord) -> dict[str, Any]:
    return {"id": account_id, "peer_id": p.id, "type": PeerType(p.type).value, "access_hash": p.access_hash,
            "username": p.username, "phone": p.phone, "is_min": int(p.is_min), "updated_at": p.updated_at,
            "resolved_at": p.resolved_at}  # fmt: skip


def _peer(row: tuple[Any, ...]) -> PeerRecord:
    peer_id, kind, access_hash, username, phone, is_min, updated_at, resolved_at = row
    return PeerRecord(peer_id, PeerType(kind), access_hash, username, phone, bool(is_min), updated_at, resolved_at)
