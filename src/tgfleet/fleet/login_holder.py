"""``LoginHolder``: the writes of the worker holding one login flow's lease, each one transaction fenced by the
lease's epoch (``logins.fence_epoch``, raised by every grant of ``login:<id>``): a holder whose lease a newer epoch
took gets ``StaleLoginEpoch`` and stops; a flow that ended meanwhile (cancelled, expired) reads as ``None``.

``authorize`` ends a flow: the account (its session sealed, as an import's; or the account the flow logs in again given
the new key, ``relogin``), the future auth token and the state ``authorized`` in ONE transaction, so a crash leaves
either an open flow or a finished one with its account.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tgfleet.fleet.accounts import insert_account
from tgfleet.fleet.errors import DuplicateAccountError, StaleLoginEpoch
from tgfleet.fleet.importers import ImportedSession
from tgfleet.fleet.login_records import FLOW_COLUMNS, OPEN_SQL, LoginFlow, LoginSettings, LoginState, flow_from_row
from tgfleet.fleet.login_secrets import FlowSession, seal_session, seal_token, unseal_session, unseal_token
from tgfleet.fleet.relogin import log_in_again
from tgfleet.fleet.seal import Sealer
from tgfleet.fleet.snapshot import SessionSnapshot
from tgfleet.fleet.store import Store, Tx


@dataclass(frozen=True)
class HeldFlow:
    """The flow as its holder sees it: the public row, its sealed session opened, and the pending input."""

    flow: LoginFlow
    session: FlowSession
    input_kind: str | None
    input: bytes | None


class LoginHolder:
    def __init__(
        self,
        store: Store,
        sealer: Sealer,
        settings: LoginSettings,
        login_id: int,
        epoch: int,
        worker: str,
        channel: str,
        count: Callable[[str], None] | None = None,
    ) -> None:
        self._store, self._sealer, self._settings = store, sealer, settings
        self.login_id, self.epoch, self.worker, self._channel = login_id, epoch, worker, channel
        self._count = count  # each state written, by its result (the error's name, else the state): the metrics

    async def read(self) -> HeldFlow | None:
        """The flow (None once it ended); StaleEpoch when a newer holder took it."""
        async with self._store.transaction(readonly=True) as tx:
            row = await tx.fetchone(
                f"SELECT {FLOW_COLUMNS}, fence_epoch, sealed_session, input_kind, input FROM logins WHERE id = :id",
                {"id": self.login_id},
            )
        if row is None or int(row[-4]) != self.epoch:
            raise StaleLoginEpoch(self.login_id, self.epoch, None if row is None else int(row[-4]))
        flow = flow_from_row(row[:-4])
        if not flow.state.open:
            return None
        session = unseal_session(self._sealer, self.login_id, None if row[-3] is None else bytes(row[-3]))
        return HeldFlow(flow, session, row[-2], None if row[-1] is None else bytes(row[-1]))

    async def save(
        self,
        state: LoginState,
        *,
        session: FlowSession | None = None,
        info: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
        clear_input: bool = False,
    ) -> bool:
        """Move the flow to ``state`` (with its new session, public info, last error); False when it ended meanwhile.
        An ended state forgets the session and the input."""
        sets = ["state = :state", "updated_at = {now}", "error = :error"]
        params: dict[str, Any] = {"state": state.value, "error": None if error is None else json.dumps(error)}
        if session is not None and state.open:
            sets.append("sealed_session = :session")
            params["session"] = seal_session(self._sealer, self.login_id, session)
        if info is not None:
            sets.append("info = :info")
            params["info"] = json.dumps(info)
        if clear_input or not state.open:
            sets += ["input_kind = NULL", "input = NULL"]
        if not state.open:
            sets.append("sealed_session = NULL")
        async with self._store.transaction() as tx:
            return await self._update(tx, ", ".join(sets), params)

    async def _update(self, tx: Tx, sets: str, params: dict[str, Any]) -> bool:
        row = await tx.fetchone(
            f"UPDATE logins SET {sets} WHERE id = :id AND fence_epoch = :epoch AND state IN ({OPEN_SQL}) RETURNING id",
            params | {"id": self.login_id, "epoch": self.epoch},
        )
        if row is None:
            epoch = await tx.scalar("SELECT fence_epoch FROM logins WHERE id = :id", {"id": self.login_id})
            if epoch is not None and int(epoch) != self.epoch:
                raise StaleLoginEpoch(self.login_id, self.epoch, int(epoch))
            return False
        tx.notify(self._channel, str(self.login_id))
        if self._count is not None:
            error = json.loads(params["error"]) if params.get("error") else None
            self._count(str(error.get("name") or params["state"]) if error else str(params["state"]))
        return True

    async def authorize(self, flow: LoginFlow, session: SessionSnapshot, future_token: bytes | None) -> bool:
        """The login is done: the account made from ``session`` (or, for a flow started for an account of the store,
        that account given the new key: ``relogin``), the token kept, the flow ``authorized``. A label or key already
        in the store ends the flow ``failed`` (DUPLICATE_ACCOUNT, naming it) instead, and so does a re-login that
        ``relogin`` refuses (ACCOUNT_MISMATCH, ACCOUNT_ENDED)."""
        async with self._store.transaction() as tx:
            target = await tx.scalar("SELECT account_id FROM logins WHERE id = :id", {"id": self.login_id})
            try:
                if target is not None:
                    account_id = int(target)
                    refused = await log_in_again(tx, self._sealer, account_id, flow.id, session, self.worker)
                else:
                    imported = ImportedSession("login", session, {"login": flow.id})
                    account_id = await insert_account(tx, self._sealer, imported, flow.label, flow.pool, flow.phone,
                                                      "{}")  # fmt: skip
                    refused = None
            except DuplicateAccountError as exc:
                refused = {"code": 0, "name": "DUPLICATE_ACCOUNT", "message": str(exc)}
            if refused is not None:
                return await self._update(tx, _ENDED, {"state": "failed", "error": json.dumps(refused)})
            if future_token:
                await self._keep_token(tx, flow.phone, future_token)
            return await self._update(tx, _ENDED + ", account_id = :account", {"state": "authorized", "error": None,
                                                                               "account": account_id})  # fmt: skip

    async def _keep_token(self, tx: Tx, phone: str, token: bytes) -> None:
        await tx.execute(
            "INSERT INTO login_tokens (phone, sealed_token, created_at) VALUES (:phone, :token, {now})",
            {"phone": phone, "token": seal_token(self._sealer, phone, token)},
        )
        await tx.execute(
            "DELETE FROM login_tokens WHERE phone = :phone AND id NOT IN (SELECT id FROM login_tokens"
            " WHERE phone = :phone ORDER BY id DESC LIMIT :keep)",
            {"phone": phone, "keep": self._settings.tokens_per_phone},
        )

    async def tokens(self, phone: str) -> list[bytes]:
        """The phone's kept future auth tokens, oldest first (those that no longer open are skipped)."""
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                "SELECT sealed_token FROM login_tokens WHERE phone = :phone ORDER BY id DESC LIMIT :keep",
                {"phone": phone, "keep": self._settings.tokens_per_phone},
            )
        opened = [unseal_token(self._sealer, phone, bytes(row[0])) for row in reversed(rows)]
        return [token for token in opened if token]

    async def phone_wait(self, phone: str, seconds: float, error: dict[str, Any]) -> None:
        """Telegram made the phone wait (FLOOD_WAIT on a login call, PHONE_NUMBER_FLOOD): no flow starts before."""
        async with self._store.transaction() as tx:
            await tx.execute(
                "INSERT INTO phone_waits (phone, until, error_code, error_name, error_message, recorded_at)"
                " VALUES (:phone, {now} + :seconds, :code, :name, :message, {now}) ON CONFLICT (phone) DO UPDATE"
                " SET until = {now} + :seconds, error_code = :code, error_name = :name, error_message = :message,"
                " recorded_at = {now}",
                {"phone": phone, "seconds": seconds, "code": error.get("code"), "name": error.get("name"),
                 "message": error.get("message")},
            )  # fmt: skip


_ENDED = "state = :state, error = :error, updated_at = {now}, sealed_session = NULL, input_kind = NULL, input = NULL"
