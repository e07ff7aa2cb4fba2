"""``fleet.logins``: login flows (code, 2FA, QR) as persisted state machines (docs/fleet.md, "Logins").

Every call here is one short store transaction in the calling process, on any host: it writes an intent (a new
flow, a code, an SRP proof, a cancel) and sends a notice on the ``logins`` channel; the worker holding the flow's
lease ``login:<id>`` (``logins_driver``, ``login_runner``) is the only one talking to Telegram for it, with the flow's
own temporary key (sealed in the flow's row, so another worker goes on after a crash).

The 2FA password never reaches the store: ``submit_password`` turns it into the one-time SRP proof for the
parameters the worker stored (https://core.telegram.org/api/srp) and stores only that proof.

A phone may start :attr:`LoginSettings.daily_logins` flows in 24 hours and none while Telegram makes it wait (a
flood wait of scope ``phone``, ``phone_waits``) or while another of its flows is open.
"""

from __future__ import annotations

import asyncio
import builtins
import json

from tgfleet.client.methods.auth import password_proof
from tgfleet.errors import RPCError
from tgfleet.fleet.account_fields import check_label, phone_number
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import FleetValueError, LoginBudgetExceeded, LoginNotFound, LoginStateError
from tgfleet.fleet.login_holder import LoginHolder
from tgfleet.fleet.login_records import (
    FLOW_COLUMNS,
    METHODS,
    OPEN_SQL,
    LoginFlow,
    LoginSettings,
    LoginState,
    flow_from_row,
)
from tgfleet.fleet.seal import Sealer
from tgfleet.fleet.store import Listener, Store, Tx
from tgfleet.tl import types

LOGINS_CHANNEL = "tgfleet_logins"
DAY = 86400.0
MAX_CODE_CHARS = 32
MAX_PASSWORD_CHARS = 1024
MAX_NAME_CHARS = 256
"""Characters of a first or last name a sign-up stores (a bound on the input: Telegram judges the name itself)."""
WAIT_POLL = 0.25


class Logins:
    def __init__(
        self, store: Store, sealer: Sealer, settings: LoginSettings | None = None, counters: Counters | None = None
    ) -> None:
        self._store, self._sealer, self._counters = store, sealer, counters
        self.settings = settings or LoginSettings()

    # --- what the CLI, the API and the dashboard call -------------------------------------------------------------
    async def start(
        self, *, phone: str, method: str = "code", label: str | None = None, pool: str | None = None
    ) -> LoginFlow:
        """A new flow for ``phone`` (``method`` ``code`` or ``qr``), state ``starting``. When the store has an account
        of that phone (in any state but ``banned``/``deleted``), the flow logs THAT account in again (``account_id`` is
        set from the start; ``relogin``); else the account it makes is named ``label`` (default: the phone's digits)
        in ``pool`` (default ``default``). LoginBudgetExceeded past the phone's budget or during its flood wait,
        LoginStateError while another flow of the phone is open, FleetValueError for bad arguments (a ``label`` or
        ``pool`` other than those of the account a re-login is for)."""
        number = phone_number(phone)
        if number is None or method not in METHODS:
            raise FleetValueError(f"a login needs a phone and a method in {METHODS}, got {phone!r}, {method!r}")
        async with self._store.transaction() as tx:
            await _expire(tx)
            await self._check_budget(tx, number)
            account_id, name, pool = await _target(tx, number, label, pool)
            login_id = int(await tx.scalar(
                "INSERT INTO logins (phone, method, label, pool, state, info, account_id, created_at, updated_at,"
                " expires_at) VALUES (:phone, :method, :label, :pool, 'starting', '{{}}', :account, {now}, {now},"
                " {now} + :lifetime) RETURNING id",
                {"phone": number, "method": method, "label": name, "pool": pool, "account": account_id,
                 "lifetime": self.settings.lifetime},
            ))  # fmt: skip
            tx.notify(LOGINS_CHANNEL, str(login_id))
        return await self.get(login_id)

    async def _check_budget(self, tx: Tx, phone: str) -> None:
        busy = await tx.scalar(
            f"SELECT id FROM logins WHERE phone = :phone AND state IN ({OPEN_SQL}) ORDER BY id LIMIT 1",
            {"phone": phone},
        )
        if busy is not None:
            raise LoginStateError(f"login {busy} of {phone} is still open: finish or cancel it first", "open")
        wait = await tx.scalar("SELECT until - {now} FROM phone_waits WHERE phone = :phone", {"phone": phone})
        if wait is not None and float(wait) > 0:
            raise LoginBudgetExceeded(f"Telegram makes {phone} wait {float(wait):.0f} s before it logs in", float(wait))
        count, oldest = await tx.fetchone(
            "SELECT count(*), min(created_at) FROM logins WHERE phone = :phone AND created_at > {now} - :day",
            {"phone": phone, "day": DAY},
        ) or (0, None)
        if int(count) >= self.settings.daily_logins:
            left = float(oldest) + DAY - float(await tx.scalar("SELECT {now}"))
            raise LoginBudgetExceeded(
                f"{phone} started {count} logins in 24 hours (the budget is {self.settings.daily_logins})", left
            )

    async def submit_code(self, login_id: int, code: str) -> LoginFlow:
        """The login code for a flow in ``code_sent`` (the worker signs in with it)."""
        code = str(code).strip()
        if not code or len(code) > MAX_CODE_CHARS:
            raise FleetValueError("a login code is 1 to 32 characters")
        return await self._put_input(login_id, LoginState.CODE_SENT, "code", code.encode())

    async def submit_password(self, login_id: int, password: str) -> LoginFlow:
        """The 2FA password for a flow in ``password_needed``: only its one-time SRP proof is stored."""
        if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_CHARS:
            raise FleetValueError("a 2FA password is 1 to 1024 characters")
        flow = await self.get(login_id)
        srp = flow.extra.get("srp")
        if flow.state is not LoginState.PASSWORD_NEEDED or not isinstance(srp, str):
            raise LoginStateError(f"login {login_id} is {flow.state.value}, not waiting for a password", flow.state)
        try:
            proof = password_proof(types.account.Password.from_bytes(bytes.fromhex(srp)), password)
        except (RPCError, ValueError) as exc:
            raise LoginStateError(
                f"login {login_id}: the stored 2FA parameters allow no proof ({exc})", "failed"
            ) from None
        return await self._put_input(login_id, LoginState.PASSWORD_NEEDED, "password", proof.to_bytes(), srp=srp)

    async def resend_code(self, login_id: int) -> LoginFlow:
        """Ask for the code again for a flow in ``code_sent`` (the worker calls ``auth.resendCode``: the code goes the
        way the flow's ``next_type`` said, and the flow shows the new ``code_type``, ``next_type`` and
        ``resend_after``). Telegram's refusals stay on the flow's ``error``: SEND_CODE_UNAVAILABLE (no other way left:
        the code sent last still works), FLOOD_WAIT (also kept for the phone); PHONE_CODE_EXPIRED fails it."""
        return await self._put_input(login_id, LoginState.CODE_SENT, "resend", b"")

    async def submit_name(self, login_id: int, first_name: str, last_name: str = "") -> LoginFlow:
        """The new account's name for a flow in ``sign_up_needed`` (the number has no account: the worker signs it up
        with ``auth.signUp``). Telegram refuses an empty or too long name (FIRSTNAME_INVALID, LASTNAME_INVALID: the
        flow stays and says so)."""
        first, last = str(first_name).strip(), str(last_name).strip()
        if not first or len(first) > MAX_NAME_CHARS or len(last) > MAX_NAME_CHARS:
            raise FleetValueError(
                f"a first name is 1 to {MAX_NAME_CHARS} characters, a last name 0 to {MAX_NAME_CHARS}"
            )
        name = json.dumps({"first_name": first, "last_name": last}).encode()
        return await self._put_input(login_id, LoginState.SIGN_UP_NEEDED, "name", name)

    async def _put_input(
        self, login_id: int, state: LoginState, kind: str, data: bytes, srp: str | None = None
    ) -> LoginFlow:
        """Leave ``data`` for the flow's worker; the flow as this write left it (a read after it could already show
        the worker's answer, and a caller waiting for that answer would wait for a write that came before)."""
        same_params = "" if srp is None else " AND info LIKE :srp"
        async with self._store.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE logins SET input_kind = :kind, input = :data, updated_at = {now}"
                f" WHERE id = :id AND state = :state{same_params} RETURNING {FLOW_COLUMNS}",
                {"id": login_id, "state": state.value, "kind": kind, "data": data, "srp": f"%{srp}%"},
            )
            if row is None:
                raise await _refusal(tx, login_id, f"waiting for a {kind}")
            tx.notify(LOGINS_CHANNEL, str(login_id))
        return flow_from_row(row)

    async def cancel(self, login_id: int) -> LoginFlow:
        """End an open flow (``failed``, error CANCELLED); its worker lets it go."""
        error = json.dumps({"code": 0, "name": "CANCELLED", "message": "cancelled by an operator"})
        async with self._store.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE logins SET state = 'failed', error = :error, input_kind = NULL, input = NULL,"
                f" sealed_session = NULL, updated_at = {{now}} WHERE id = :id AND state IN ({OPEN_SQL}) RETURNING id",
                {"id": login_id, "error": error},
            )
            if row is None:
                raise await _refusal(tx, login_id, "open")
            tx.notify(LOGINS_CHANNEL, str(login_id))
        return await self.get(login_id)

    async def get(self, login_id: int) -> LoginFlow:
        async with self._store.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"SELECT {FLOW_COLUMNS} FROM logins WHERE id = :id", {"id": int(login_id)})
        if row is None:
            raise LoginNotFound(f"no login flow with id {login_id}")
        return flow_from_row(row)

    async def list(self, *, state: LoginState | str | None = None, limit: int = 100) -> builtins.list[LoginFlow]:
        """Flows, newest first (``state``: only those)."""
        where = "" if state is None else " WHERE state = :state"
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                f"SELECT {FLOW_COLUMNS} FROM logins{where} ORDER BY id DESC LIMIT :limit",
                {"state": None if state is None else LoginState(state).value, "limit": max(1, min(int(limit), 1000))},
            )
        return [flow_from_row(row) for row in rows]

    async def wait(
        self, login_id: int, *, until: frozenset[str] | set[str] | None = None, timeout: float = 60.0
    ) -> LoginFlow:
        """The flow once its state is one of ``until`` (default: any but the one it has now), or once it ended;
        ``asyncio.TimeoutError`` after ``timeout`` seconds."""
        first = await self.get(login_id)
        wanted = until or {s.value for s in LoginState} - {first.state.value}

        async def poll() -> LoginFlow:
            flow = first
            while flow.state.value not in wanted and flow.state.open:
                await asyncio.sleep(WAIT_POLL)
                flow = await self.get(login_id)
            return flow

        return await asyncio.wait_for(poll(), timeout)

    async def wakeups(self) -> Listener:
        """Notices of a new flow or a new input (payload: the flow's id); poll as well, they are hints."""
        return await self._store.listen(LOGINS_CHANNEL)

    # --- what the workers call ------------------------------------------------------------------------------------
    async def claimable(self, grace: float, limit: int = 100) -> builtins.list[int]:
        """Open flows whose lease is free (never taken, released, or expired past ``grace``); expires old flows."""
        async with self._store.transaction() as tx:
            await _expire(tx)
            rows = await tx.fetch(
                f"SELECT f.id FROM logins f LEFT JOIN leases l ON l.resource = 'login:' || CAST(f.id AS TEXT)"
                f" WHERE f.state IN ({OPEN_SQL}) AND (l.resource IS NULL OR l.holder IS NULL"
                " OR l.expires_at + :grace < {now}) ORDER BY f.id LIMIT :limit",
                {"grace": grace, "limit": limit},
            )
        return [int(row[0]) for row in rows]

    def holder(self, login_id: int, epoch: int, worker: str) -> LoginHolder:
        """The fenced writes of the worker holding ``login:<id>`` at ``epoch``."""
        count = self._counters.login if self._counters is not None else None
        return LoginHolder(self._store, self._sealer, self.settings, login_id, epoch, worker, LOGINS_CHANNEL, count)


async def _target(tx: Tx, phone: str, label: str | None, pool: str | None) -> tuple[int | None, str, str]:
    """(the account a flow for ``phone`` logs in again or None, its label, its pool)."""
    row = await tx.fetchone(
        "SELECT id, label, pool FROM accounts WHERE phone = :phone AND state NOT IN ('banned', 'deleted')"
        " ORDER BY id DESC LIMIT 1",
        {"phone": phone},
    )
    if row is None:
        return None, check_label(label or phone.lstrip("+")), pool or "default"
    account_id, name, its_pool = int(row[0]), str(row[1]), str(row[2])
    if (label is not None and label != name) or (pool is not None and pool != its_pool):
        raise FleetValueError(
            f"{phone} is account {name!r} (pool {its_pool!r}): a login logs it in again under its label and pool;"
            " leave label and pool out (or give its own)"
        )
    return account_id, name, its_pool


async def _expire(tx: Tx) -> None:
    await tx.execute(
        "UPDATE logins SET state = 'expired', sealed_session = NULL, input_kind = NULL, input = NULL,"
        f" updated_at = {{now}} WHERE state IN ({OPEN_SQL}) AND expires_at < {{now}}"
    )


async def _refusal(tx: Tx, login_id: int, wanted: str) -> LoginNotFound | LoginStateError:
    state = await tx.scalar("SELECT state FROM logins WHERE id = :id", {"id": login_id})
    if state is None:
        return LoginNotFound(f"no login flow with id {login_id}")
    return LoginStateError(f"login {login_id} is {state}, not {wanted}", str(state))
