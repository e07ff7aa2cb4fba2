"""``LoginRunner``: drives one login flow with its own Client while its worker holds ``login:<id>``.

The Client runs on a memory session seeded with the flow's sealed one (the key the code was sent to, so its
``phone_code_hash`` stays good under another holder), behind the lease's send gate, never sleeping a flood wait. What
each state does (https://core.telegram.org/api/auth, https://core.telegram.org/api/qr-login):

- ``starting`` (code): ``send_code`` offering the phone's kept future auth tokens: ``code_sent`` with where the code
  went, or logged in at once (``sentCodeSuccess``); (QR): ``qr_login``: ``qr_waiting`` with the link, refreshed.
- ``code_sent``: each submitted code is tried (``sign_in``): a wrong one stays with its error; 2FA stores the SRP
  parameters (``account.getPassword``: public) and moves to ``password_needed``. A resend asked for calls
  ``auth.resendCode`` and shows the new code's type, next type and timeout; SEND_CODE_UNAVAILABLE and FLOOD_WAIT stay
  on the flow (the code sent last still works).
- ``password_needed``: each submitted SRP proof goes to ``auth.checkPassword``; a wrong one gets fresh parameters.
- ``sign_up_needed`` (the code was right but the number has no account: ``auth.authorizationSignUpRequired``): the
  submitted name goes to ``auth.signUp`` with the same ``phone_code_hash``; a name Telegram refuses
  (FIRSTNAME_INVALID, LASTNAME_INVALID) stays with its error, a code that died meanwhile (PHONE_CODE_EXPIRED) fails.
- logged in: the client disconnects first (the key must never be on two connections), then the account, its token
  and ``authorized`` are written in one fenced transaction.

A flood wait or PHONE_NUMBER_FLOOD on a login call is kept per phone (``phone_waits``); an error no retry of the same
input fixes ends the flow ``failed`` with the raw error; a closed gate or a newer holder ends the runner silently.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from tgfleet import errors
from tgfleet.client import Client
from tgfleet.errors import ConnectionFailed, RPCError
from tgfleet.fleet.errors import StaleLoginEpoch
from tgfleet.fleet.login_holder import HeldFlow, LoginHolder
from tgfleet.fleet.login_records import LoginState
from tgfleet.fleet.login_secrets import FlowSession
from tgfleet.fleet.snapshot import DcRecord, SessionSnapshot
from tgfleet.net.timeouts import within
from tgfleet.storage import MemoryStorage
from tgfleet.tl import functions, types
from tgfleet.types import SentCode, User

log = logging.getLogger("tgfleet.fleet")
MakeClient = Callable[[MemoryStorage], Client]
_WRONG_INPUT = (errors.PhoneCodeInvalid, errors.PasswordHashInvalid, errors.SrpIdInvalid, errors.FirstnameInvalid,
                errors.LastnameInvalid)  # fmt: skip


class LoginRunner:
    def __init__(self, holder: LoginHolder, make_client: MakeClient, *, wake: asyncio.Event, poll: float) -> None:
        self._holder, self._make_client, self._wake, self._poll = holder, make_client, wake, poll
        self._storage = MemoryStorage()
        self._client: Client | None = None

    async def run(self) -> None:
        """Drive the flow until it ends, the lease goes or a newer holder writes."""
        try:
            held = await self._holder.read()
            if held is None:
                return
            self._storage.open()
            held.session.load_into(self._storage)
            self._client = self._make_client(self._storage)
            await self._client.connect()
            while held is not None:
                held = await self._step(self._client, held)
        except (StaleLoginEpoch, ConnectionFailed) as exc:
            log.info("login %d: let go (%s)", self._holder.login_id, exc)
        finally:
            if self._client is not None:
                await self._client.disconnect()

    async def _step(self, client: Client, held: HeldFlow) -> HeldFlow | None:
        flow = held.flow
        try:
            if flow.method == "qr" and flow.state in (LoginState.STARTING, LoginState.QR_WAITING):
                return await self._qr(client, held)
            if flow.state is LoginState.STARTING:
                return await self._send_code(client, held)
            return await self._use_input(client, held)
        except errors.SessionPasswordNeeded:
            return await self._password_needed(client, held, None)
        except errors.PhoneNumberUnoccupied:
            await self._holder.save(LoginState.SIGN_UP_NEEDED, clear_input=True)
            return await self._holder.read()
        except _WRONG_INPUT as exc:
            return await self._wrong(client, held, exc)
        except (errors.FloodWait, errors.PhoneNumberFlood) as exc:
            wait = float(getattr(exc, "value", None) or 86400)
            await self._holder.phone_wait(flow.phone, wait, _error(exc) or {})
            return await self._end(LoginState.FAILED, exc)
        except RPCError as exc:
            return await self._end(LoginState.FAILED, exc)

    async def _send_code(self, client: Client, held: HeldFlow) -> HeldFlow | None:
        tokens = await self._holder.tokens(held.flow.phone)
        sent = await client.send_code(held.flow.phone, future_auth_tokens=tokens)
        if sent.user is not None:
            return await self._authorized(client, held, sent.user)
        session = FlowSession.of(self._storage, sent.phone_code_hash)
        await self._holder.save(LoginState.CODE_SENT, session=session, info=_code_info(sent))
        return await self._holder.read()

    async def _qr(self, client: Client, held: HeldFlow) -> HeldFlow | None:
        qr = await client.qr_login()
        shown = ""
        while True:
            if qr.url != shown:
                shown = qr.url
                info = {"qr_url": qr.url, "qr_expires": qr.expires}
                session = FlowSession.of(self._storage, None)
                if not await self._holder.save(LoginState.QR_WAITING, session=session, info=info):
                    return None
            try:
                user = await qr.wait(timeout=self._poll * 5)
            except asyncio.TimeoutError:
                if await self._holder.read() is None:
                    return None  # cancelled or expired meanwhile
                continue
            return await self._authorized(client, held, user)

    async def _use_input(self, client: Client, held: HeldFlow) -> HeldFlow | None:
        """Wait for the input the state asks for, then use it once."""
        while held.input is None:
            await self._next_wake()
            again = await self._holder.read()
            if again is None:
                return None
            held = again
        flow, data = held.flow, held.input
        if flow.state is LoginState.CODE_SENT and held.input_kind == "resend":
            return await self._resend(client, held)
        if flow.state is LoginState.CODE_SENT and held.input_kind == "code":
            code_hash = held.session.phone_code_hash or ""
            user = await client.sign_in(flow.phone, code_hash, data.decode())
        elif flow.state is LoginState.PASSWORD_NEEDED and held.input_kind == "password":
            user = await client.send_password_proof(types.InputCheckPasswordSRP.from_bytes(data))
        elif flow.state is LoginState.SIGN_UP_NEEDED and held.input_kind == "name":
            name = json.loads(data)
            code_hash = held.session.phone_code_hash or ""
            user = await client.sign_up(flow.phone, code_hash, name["first_name"], name["last_name"])
        else:  # an input of another state (a late code after 2FA was asked): drop it
            await self._holder.save(flow.state, clear_input=True)
            return await self._holder.read()
        return await self._authorized(client, held, user)

    async def _resend(self, client: Client, held: HeldFlow) -> HeldFlow | None:
        """``auth.resendCode``: the flow shows the new code's way and timeout; a refusal that leaves the code sent last
        good (no other way left, a flood wait) stays on the flow."""
        phone = held.flow.phone
        try:
            sent = await client.resend_code(phone, held.session.phone_code_hash or "")
        except (errors.SendCodeUnavailable, errors.FloodWait) as exc:
            if isinstance(exc, errors.FloodWait):
                await self._holder.phone_wait(phone, float(exc.value or 0), _error(exc) or {})
            await self._holder.save(LoginState.CODE_SENT, error=_error(exc), clear_input=True)
            return await self._holder.read()
        session = FlowSession.of(self._storage, sent.phone_code_hash or held.session.phone_code_hash)  # the answer's
        await self._holder.save(LoginState.CODE_SENT, session=session, info=_code_info(sent), clear_input=True)
        return await self._holder.read()

    async def _next_wake(self) -> None:
        try:
            await within(self._wake.wait(), self._poll)
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    async def _password_needed(self, client: Client, held: HeldFlow, error: RPCError | None) -> HeldFlow | None:
        params = await client.invoke(functions.account.GetPassword())
        if not isinstance(params, types.account.Password):
            raise errors.BadRequest(ID="PASSWORD_UNEXPECTED")
        info = {"srp": params.to_bytes().hex(), "password_hint": params.hint}
        session = FlowSession.of(self._storage, held.session.phone_code_hash)
        state = LoginState.PASSWORD_NEEDED
        await self._holder.save(state, session=session, info=info, error=_error(error), clear_input=True)
        return await self._holder.read()

    async def _wrong(self, client: Client, held: HeldFlow, exc: RPCError) -> HeldFlow | None:
        """A wrong code or password: the flow stays and says so (a password gets a fresh SRP challenge)."""
        if held.flow.state is LoginState.PASSWORD_NEEDED:
            return await self._password_needed(client, held, exc)
        await self._holder.save(held.flow.state, error=_error(exc), clear_input=True)
        return await self._holder.read()

    async def _authorized(self, client: Client, held: HeldFlow, user: User) -> HeldFlow | None:
        storage = self._storage
        dc_id = storage.get_dc_id()
        dcs = {dc: DcRecord(key, storage.get_server_salt(dc), storage.get_time_offset(dc))
               for dc, key in storage.get_auth_keys().items()}  # fmt: skip
        snapshot = SessionSnapshot(dc_id=dc_id, test_mode=storage.get_test_mode(), api_id=storage.get_api_id(),
                                   user_id=user.id, is_bot=bool(user.is_bot), dcs=dcs)  # fmt: skip
        token = client.future_auth_token
        await client.disconnect()  # before the account is claimable: its key on one connection at a time
        self._client = None
        await self._holder.authorize(held.flow, snapshot, token)
        return None

    async def _end(self, state: LoginState, exc: RPCError) -> HeldFlow | None:
        await self._holder.save(state, error=_error(exc))
        return None


def _error(exc: RPCError | None) -> dict[str, Any] | None:
    if exc is None:
        return None
    return {"code": exc.code, "name": exc.error_message, "message": str(exc)}


def _code_info(sent: SentCode) -> dict[str, Any]:
    return {"code_type": None if sent.type is None else sent.type.name.lower(),
            "next_type": None if sent.next_type is None else sent.next_type.name.lower(),
            "resend_after": sent.timeout}  # fmt: skip
