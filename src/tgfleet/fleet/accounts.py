"""``Accounts``: import and export of sessions, listing, operator enable/disable, and fenced state changes.

An account is created by importing a session (state ``new``); its lease row (``account:<id>``) is created with it,
marked ready for claims while the state is one a worker should run (``AccountState.runnable``). Every state change
writes an event; a change made by a lease holder passes its epoch and is fenced. ``auth_key_id`` is unique in the
store, so importing a key that any account already holds fails and names that account. Exports are recorded.
"""

from __future__ import annotations

import asyncio
import builtins
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet.fleet import events, probe_results, sessions
from tgfleet.fleet.account_fields import check_label, default_label, phone_number, policy_json
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import AccountNotFound, DuplicateAccountError, ExportError, FleetValueError, StaleEpoch
from tgfleet.fleet.exporters import export_string
from tgfleet.fleet.health_rules import Authorizations
from tgfleet.fleet.importers import ImportedSession, read_source, read_string
from tgfleet.fleet.records import Account, AccountSessions, AccountState, Event, Evidence, account_resource
from tgfleet.fleet.seal import Sealer
from tgfleet.fleet.snapshot import SessionSnapshot
from tgfleet.fleet.store import IntegrityError, Store, Tx
from tgfleet.net.proxy import ProxyLike

ACCOUNTS_CHANNEL = "tgfleet_accounts"  # wake-ups: an account became claimable (payload: its id)
_COLUMNS = (
    "a.id, a.label, a.pool, a.state, a.phone, a.user_id, a.is_bot, a.dc_id, a.test_mode, a.api_id, d.auth_key_id,"
    " a.policy, a.origin_format, a.origin_at, a.state_since, a.state_until, a.created_at, a.updated_at, a.exported_at,"
    " a.exported_format, CASE WHEN l.expires_at > {now} THEN l.holder END, a.fence_epoch, p.at, p.result"
    " FROM accounts a LEFT JOIN session_dcs d ON d.account_id = a.id AND d.dc_id = a.dc_id"
    " LEFT JOIN leases l ON l.resource = 'account:' || a.id LEFT JOIN account_probes p ON p.account_id = a.id"
)


class Accounts:
    def __init__(self, store: Store, sealer: Sealer, counters: Counters) -> None:
        self._store, self._sealer, self._counters = store, sealer, counters

    # --- import / export --------------------------------------------------------------------------------------
    async def import_session(
        self,
        source: str | os.PathLike[str],
        *,
        label: str | None = None,
        pool: str = "default",
        phone: str | None = None,
        proxy: ProxyLike | None = None,
        policy: dict[str, Any] | None = None,
        storage_key: bytes | str | None = None,
        files: bool = True,
    ) -> Account:
        """Import a session string or session file (see ``importers``) as a new account in state ``new``;
        ``files=False``: a session string only, never a path (what a remote caller sends).

        DuplicateAccountError when the label is taken or another account has the key; SessionImportError for a bad
        source. ``policy``: limits, proxy, device profile (JSON); ``proxy`` is a shorthand for ``policy['proxy']``;
        either takes every form ``Client(proxy=...)`` takes, checked now (``account_fields.proxy_text``).
        """
        if files:
            imported = await asyncio.to_thread(read_source, source, storage_key=storage_key)
        else:
            imported = read_string(str(source))
        label = check_label(label or default_label(imported))
        policy_text = policy_json(policy, proxy)
        try:
            account_id = await self._insert(imported, label, pool, phone_number(phone), policy_text)
        except IntegrityError:  # a concurrent import won the race: name what it took
            async with self._store.transaction(readonly=True) as tx:
                await _refuse_duplicates(tx, label, imported)
            raise
        return await self.get(account_id)

    async def create(
        self,
        label: str,
        *,
        pool: str = "default",
        phone: str | None = None,
        proxy: ProxyLike | None = None,
        policy: dict[str, Any] | None = None,
    ) -> Account:
        """A new account without a session (state ``needs_login``, not claimed): a holder of its lease logs it in,
        and the login's keys and user reach the store through the fenced storage."""
        imported = ImportedSession("created", SessionSnapshot())
        account_id = await self._insert(
            imported, check_label(label), pool, phone_number(phone), policy_json(policy, proxy)
        )
        return await self.get(account_id)

    async def _insert(self, imported: ImportedSession, label: str, pool: str, phone: str | None, policy: str) -> int:
        async with self._store.transaction() as tx:
            return await insert_account(tx, self._sealer, imported, label, pool, phone, policy)

    async def export(self, account: str | int, format: str, *, server: tuple[str, int] | None = None) -> str:
        """The account's login as a ``pyrogram`` or ``telethon`` session string. The export is recorded (when, which
        format) on the account and in its events: a copy of the key has left the fleet."""
        async with self._store.transaction() as tx:
            account_id = await _resolve(tx, account)
            snapshot = await sessions.read(tx, account_id, self._sealer)
            label, origin = await tx.fetchone(
                "SELECT label, origin_detail FROM accounts WHERE id = :id", {"id": account_id}
            ) or ("", "{}")
            key = snapshot.home_key
            if snapshot.dc_id is None or key is None:
                raise ExportError(f"account {label!r} has no auth key for its home DC")
            text = export_string(
                format, label=label, dc_id=snapshot.dc_id, auth_key=key, test_mode=snapshot.test_mode,
                api_id=snapshot.api_id, user_id=snapshot.user_id, is_bot=snapshot.is_bot,
                origin_server=json.loads(origin).get("server"), dc_options=snapshot.dc_options, server=server,
            )  # fmt: skip
            await tx.execute(
                "UPDATE accounts SET exported_at = {now}, exported_format = :format WHERE id = :id",
                {"id": account_id, "format": format},
            )
            await events.record(tx, account_id, "export", evidence=Evidence(detail={"format": format}))
        return text

    # --- reading ----------------------------------------------------------------------------------------------
    async def list(
        self,
        *,
        pool: str | None = None,
        state: AccountState | str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[Account]:
        """Accounts by label, of ``pool`` and/or in ``state``; a page: the first ``limit`` whose label sorts after
        ``after``."""
        where: builtins.list[str] = []
        params: dict[str, Any] = {}
        if pool is not None:
            where.append("a.pool = :pool")
            params["pool"] = pool
        if state is not None:
            where.append("a.state = :state")
            params["state"] = AccountState(state).value
        if after is not None:
            where.append("a.label > :after")
            params["after"] = after
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        page = "" if limit is None else " LIMIT :limit"
        if limit is not None:
            params["limit"] = max(1, int(limit))
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(f"SELECT {_COLUMNS}{condition} ORDER BY a.label{page}", params)
        return [_account(row) for row in rows]

    async def get(self, account: str | int) -> Account:
        """The account by label (str) or id (int); AccountNotFound."""
        column = "a.id" if isinstance(account, int) else "a.label"
        async with self._store.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"SELECT {_COLUMNS} WHERE {column} = :key", {"key": account})
        if row is None:
            raise AccountNotFound(f"no account {account!r} in the fleet store")
        return _account(row)

    async def events(self, account: str | int, *, limit: int = 50) -> builtins.list[Event]:
        async with self._store.transaction(readonly=True) as tx:
            return await events.recent(tx, await _resolve(tx, account), limit)

    async def sessions(self, account: str | int) -> AccountSessions | None:
        """The account's sessions as its last probe that listed them found them (None: never listed)."""
        async with self._store.transaction(readonly=True) as tx:
            return await probe_results.sessions(tx, await _resolve(tx, account))

    async def record_probe(
        self, account: str | int, result: str, *, epoch: int, listed: Authorizations | None = None
    ) -> Account:
        """A probe was taken now with ``result`` (``ok`` or the error's name; ``listed``: the sessions it listed);
        fenced like a state change (StaleEpoch when a newer lease owns the account)."""

        async def write(tx: Tx, account_id: int, old: str) -> None:
            await probe_results.write(tx, account_id, result, listed)

        return await self._change(account, None, epoch, None, write)

    # --- state --------------------------------------------------------------------------------------------------
    async def disable(self, account: str | int, *, reason: str | None = None) -> Account:
        """Operator: stop running the account (workers do not claim it)."""
        return await self.set_state(account, AccountState.DISABLED, evidence=Evidence(message=reason or "operator"))

    async def enable(self, account: str | int) -> Account:
        """Operator: run the account again, probed afresh (state ``new``), from ``disabled`` or a state with no
        automatic way back (needs_login, revoked, banned: the probe says again what it is); a state a worker runs is
        kept. FleetValueError for ``deleted``: a deleted account never comes back (import the new one's session)."""
        current = await self.get(account)
        if current.state is AccountState.DELETED:
            raise FleetValueError(f"account {current.label!r} was deleted on Telegram; it cannot come back")
        if not current.state.enableable:
            return current
        return await self.set_state(account, AccountState.NEW, evidence=Evidence(message="operator"))

    async def set_state(
        self,
        account: str | int,
        state: AccountState | str,
        *,
        evidence: Evidence | None = None,
        epoch: int | None = None,
        worker: str | None = None,
        expect: AccountState | str | None = None,
        until: float | None = None,
    ) -> Account:
        """Move the account to ``state`` (holding ``until``, when known) and write the event (with the evidence: the
        raw error). A lease holder passes its ``epoch``: the change is fenced (StaleEpoch when a newer lease owns the
        account). ``expect``: move only from this state; when the account is in another one (an operator disabled it
        meanwhile), nothing changes and the account is returned as it is."""
        new = AccountState(state)

        async def move(tx: Tx, account_id: int, old: str) -> None:
            await move_state(tx, account_id, old, new, evidence=evidence, worker=worker, epoch=epoch, until=until)

        return await self._change(account, new.runnable, epoch, expect, move)

    async def note(
        self,
        account: str | int,
        evidence: Evidence,
        *,
        epoch: int | None = None,
        worker: str | None = None,
        expect: AccountState | str | None = None,
        until: float | None = None,
    ) -> Account:
        """Write a finding that changes no state (an ``evidence`` event: the freeze dates of a frozen account, a limit
        extended, a login waiting for confirmation); ``until`` replaces the state's end when given. Fenced and
        conditional on ``expect`` as ``set_state``."""

        async def add(tx: Tx, account_id: int, old: str) -> None:
            if until is not None:
                await tx.execute("UPDATE accounts SET state_until = :until WHERE id = :id",
                                 {"id": account_id, "until": until})  # fmt: skip
            await events.record(tx, account_id, "evidence", from_state=old, to_state=old, evidence=evidence,
                                worker=worker, epoch=epoch)  # fmt: skip

        return await self._change(account, None, epoch, expect, add)

    async def _change(
        self,
        account: str | int,
        ready: bool | None,
        epoch: int | None,
        expect: AccountState | str | None,
        write: Callable[[Tx, int, str], Awaitable[None]],
    ) -> Account:
        """One transaction: the lease row locked first (its readiness set when ``ready`` is given), the fence checked,
        the state compared with ``expect`` (``_Moved`` rolls everything back), then ``write(tx, id, old state)``."""
        try:
            async with self._store.transaction() as tx:
                account_id = await _resolve(tx, account)
                await set_ready(tx, account_id, ready)  # the lease row first: every writer locks in this order
                if epoch is not None:
                    await sessions.fence(tx, account_id, epoch)
                old = str(await tx.scalar("SELECT state FROM accounts WHERE id = :id", {"id": account_id}))
                if expect is not None and old != AccountState(expect).value:
                    raise _Moved(account_id)  # rolls the readiness change back
                await write(tx, account_id, old)
        except StaleEpoch:
            self._counters.fence_refusals += 1
            raise
        except _Moved as moved:
            account_id = moved.account_id
        return await self.get(account_id)


class _Moved(Exception):
    """``set_state(expect=...)`` found the account in another state (internal: rolls the transaction back)."""

    def __init__(self, account_id: int) -> None:
        self.account_id = account_id


async def move_state(
    tx: Tx,
    account_id: int,
    old: str,
    new: AccountState,
    *,
    evidence: Evidence | None,
    worker: str | None = None,
    epoch: int | None = None,
    until: float | None = None,
) -> None:
    """Write the move from ``old`` to ``new`` and its event in ``tx`` (the caller locked the lease row first and set its
    readiness: ``set_ready``); a runnable state wakes the workers."""
    await tx.execute(
        "UPDATE accounts SET state = :state, state_since = {now}, state_until = :until, updated_at = {now}"
        " WHERE id = :id",
        {"id": account_id, "state": new.value, "until": until},
    )
    await events.record(tx, account_id, "state", from_state=old, to_state=new.value, evidence=evidence,
                        worker=worker, epoch=epoch)  # fmt: skip
    if new.runnable:
        tx.notify(ACCOUNTS_CHANNEL, str(account_id))


async def set_ready(tx: Tx, account_id: int, ready: bool | None) -> None:
    """Mark the account's lease row claimable or not (None: leave it), keeping the count of ready accounts (the fair
    share's numerator) exact without counting the fleet. The lease row is locked first in any case (PostgreSQL), so
    two state changes of one account never interleave."""
    lock = {"resource": account_resource(account_id)}
    await tx.execute("UPDATE leases SET ready = ready WHERE resource = :resource", lock)
    if ready is None:
        return
    changed = await tx.execute(
        "UPDATE leases SET ready = :ready WHERE resource = :resource AND ready <> :ready",
        {"ready": int(ready), "resource": account_resource(account_id)},
    )
    if changed:
        await _count_ready(tx, +1 if ready else -1)


async def _count_ready(tx: Tx, delta: int) -> None:
    await tx.execute("UPDATE counters SET value = value + :delta WHERE name = 'ready_accounts'", {"delta": delta})


async def _resolve(tx: Tx, account: str | int) -> int:
    column = "id" if isinstance(account, int) else "label"
    found = await tx.scalar(f"SELECT id FROM accounts WHERE {column} = :key", {"key": account})
    if found is None:
        raise AccountNotFound(f"no account {account!r} in the fleet store")
    return int(found)


async def _refuse_duplicates(tx: Tx, label: str, imported: ImportedSession) -> None:
    if await tx.scalar("SELECT id FROM accounts WHERE label = :label", {"label": label}) is not None:
        raise DuplicateAccountError(f"the label {label!r} is already an account", holder=label)
    await sessions.refuse_held_keys(tx, -1, imported.session.dcs)


def _account(row: tuple[Any, ...]) -> Account:
    (id_, label, pool, state, phone, user_id, is_bot, dc_id, test_mode, api_id, key_id, policy, origin_format,
     origin_at, state_since, state_until, created_at, updated_at, exported_at, exported_format, holder,
     epoch, probed_at, probe_result) = row  # fmt: skip
    return Account(
        id=id_, label=label, pool=pool, state=AccountState(state), phone=phone, user_id=user_id,
        is_bot=None if is_bot is None else bool(is_bot), dc_id=dc_id, test_mode=bool(test_mode), api_id=api_id,
        auth_key_id=key_id, policy=json.loads(policy), origin_format=origin_format, origin_at=origin_at,
        state_since=state_since, state_until=state_until, created_at=created_at, updated_at=updated_at,
        exported_at=exported_at, exported_format=exported_format, holder=holder, epoch=epoch,
        last_probe_at=probed_at, last_probe_result=probe_result,
    )  # fmt: skip


async def insert_account(
    tx: Tx, sealer: Sealer, imported: ImportedSession, label: str, pool: str, phone: str | None, policy: str
) -> int:
    """Insert an account with its sealed session and its lease row in ``tx`` (an import, a finished login flow);
    DuplicateAccountError when the label or a key is taken. Its id."""
    state = AccountState.NEW if imported.session.home_key is not None else AccountState.NEEDS_LOGIN
    await _refuse_duplicates(tx, label, imported)
    account_id = int(await tx.scalar(
        "INSERT INTO accounts (label, pool, phone, state, state_since, policy, origin_format, origin_at,"
        " origin_detail, created_at, updated_at) VALUES (:label, :pool, :phone, :state, {now}, :policy,"
        " :format, {now}, :detail, {now}, {now}) RETURNING id",
        {"label": label, "pool": pool, "phone": phone, "state": state.value, "policy": policy,
         "format": imported.format, "detail": json.dumps(imported.detail)},
    ))  # fmt: skip
    await sessions.write(tx, account_id, imported.session.as_changes(), sealer)
    await tx.execute(
        "INSERT INTO leases (resource, account_id, ready) VALUES (:resource, :id, :ready)",
        {"resource": account_resource(account_id), "id": account_id, "ready": int(state.runnable)},
    )
    if state.runnable:
        await _count_ready(tx, +1)
        tx.notify(ACCOUNTS_CHANNEL, str(account_id))
    detail = {"format": imported.format} | imported.detail
    await events.record(tx, account_id, "import", to_state=state.value, evidence=Evidence(detail=detail))
    return account_id
