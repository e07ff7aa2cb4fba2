"""Login: send_code -> sign_in -> (check_password) and the session around it (https://core.telegram.org/api/auth).

Migration during login is invisible: auth.sendCode answered with PHONE_MIGRATE_X moves the home DC and is
repeated there by the call path; the code and the phone_code_hash stay valid on the new DC.
"""

from __future__ import annotations

import asyncio
import getpass
import inspect
import os
from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet import errors
from tgfleet.client.core import ClientCore
from tgfleet.client.session_strings import SessionData, export_pyrogram
from tgfleet.client.types import SentCode, User
from tgfleet.crypto.srp import srp_client_check
from tgfleet.tl import functions, types


class AuthMethods(ClientCore):
    async def send_code(self, phone_number: str) -> SentCode:
        """Ask Telegram to send a login code to ``phone_number``; returns how it was sent."""
        if self.api_id is None or self.api_hash is None:
            raise ValueError("send_code needs api_id and api_hash")
        request = functions.auth.SendCode(
            phone_number=phone_number, api_id=self.api_id, api_hash=self.api_hash, settings=types.CodeSettings()
        )
        raw = await self.invoke(request)
        if not isinstance(raw, types.auth.SentCode):
            raise errors.BadRequest(ID="SENT_CODE_UNEXPECTED", request=request)
        self.phone_number = phone_number
        return SentCode._parse(raw)

    async def resend_code(self, phone_number: str, phone_code_hash: str) -> SentCode:
        """Send the code again (by the ``next_type`` of the previous answer)."""
        raw = await self.invoke(functions.auth.ResendCode(phone_number=phone_number, phone_code_hash=phone_code_hash))
        if not isinstance(raw, types.auth.SentCode):
            raise errors.BadRequest(ID="SENT_CODE_UNEXPECTED")
        return SentCode._parse(raw)

    async def sign_in(self, phone_number: str, phone_code_hash: str, phone_code: str) -> User:
        """Log in with the code. Raises SessionPasswordNeeded when 2FA is on (then ``check_password``),
        PhoneNumberUnoccupied when the number has no account (then ``sign_up``), PhoneCodeInvalid /
        PhoneCodeExpired for a wrong or stale code."""
        request = functions.auth.SignIn(
            phone_number=phone_number, phone_code_hash=phone_code_hash, phone_code=phone_code
        )
        result = await self.invoke(request)
        if isinstance(result, types.auth.AuthorizationSignUpRequired):
            raise errors.PhoneNumberUnoccupied(request=request)
        return await self._authorized(result)

    async def sign_up(self, phone_number: str, phone_code_hash: str, first_name: str, last_name: str = "") -> User:
        """Create an account for a number that has none (after ``sign_in`` raised PhoneNumberUnoccupied)."""
        result = await self.invoke(
            functions.auth.SignUp(
                phone_number=phone_number, phone_code_hash=phone_code_hash, first_name=first_name, last_name=last_name
            )
        )
        return await self._authorized(result)

    async def check_password(self, password: str) -> User:
        """Finish a 2FA login: the SRP proof of ``password`` (https://core.telegram.org/api/srp).
        Raises PasswordHashInvalid for a wrong password."""
        params = await self.invoke(functions.account.GetPassword())
        if not isinstance(params, types.account.Password):
            raise errors.BadRequest(ID="PASSWORD_UNEXPECTED")
        algo = params.current_algo
        if not isinstance(algo, types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow):
            raise errors.BadRequest(ID="PASSWORD_ALGO_UNSUPPORTED")
        if params.srp_B is None or params.srp_id is None:
            raise errors.BadRequest(ID="PASSWORD_NOT_SET")
        a, m1 = srp_client_check(password, algo.salt1, algo.salt2, algo.g, algo.p, params.srp_B, os.urandom)
        check = types.InputCheckPasswordSRP(srp_id=params.srp_id, A=a, M1=m1)
        return await self._authorized(await self.invoke(functions.auth.CheckPassword(password=check)))

    async def get_me(self) -> User:
        """The logged-in account."""
        users = await self.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]))
        me = User._parse(users[0])
        if self.storage is not None and self.storage.get_user_id() is None:
            self.storage.set_user(me.id, me.is_bot)
        return me

    async def log_out(self) -> bool:
        """Log out: the key stops being authorized and the stored session is wiped."""
        await self.invoke(functions.auth.LogOut())
        if self.storage is not None:
            self.storage.delete()
        await self.disconnect()
        return True

    async def export_session_string(self) -> str:
        """The session as Pyrogram's current 362-character string (Pyrogram can load it too)."""
        storage = self.storage
        if storage is None:
            raise ConnectionError("connect() first")
        user_id = storage.get_user_id()
        if user_id is None:
            user_id = (await self.get_me()).id
        dc_id = self.dcs.home_dc
        key = storage.get_auth_key(dc_id)
        if key is None or self.api_id is None:
            raise ValueError("no auth key or api_id to export yet")
        data = SessionData(
            "pyrogram-362", dc_id, key, storage.get_test_mode(), self.api_id, user_id, bool(storage.get_is_bot())
        )
        return export_pyrogram(data)

    async def _authorized(self, result: Any) -> User:
        if not isinstance(result, types.auth.Authorization):
            raise errors.BadRequest(ID="AUTHORIZATION_UNEXPECTED")
        user = User._parse(result.user)
        if self.storage is not None:
            self.storage.set_user(user.id, user.is_bot)
        await self._on_authorized()
        return user


Prompt = Callable[[str], Awaitable[str] | str]


async def _ask(source: Any, prompt: str, hide: bool = False) -> str:
    """An answer from a callback, a fixed value, or the terminal (read in a thread: the loop keeps running)."""
    if source is not None and not callable(source):
        return str(source)
    if source is not None:
        answer = source(prompt)
        return str(await answer) if inspect.isawaitable(answer) else str(answer)
    reader = getpass.getpass if hide else input
    return await asyncio.get_running_loop().run_in_executor(None, reader, prompt)


class StartMethods(AuthMethods):
    async def start(
        self,
        *,
        phone_number: str | Prompt | None = None,
        code: str | Prompt | None = None,
        password: str | Prompt | None = None,
        first_name: str | Prompt | None = None,
        last_name: str = "",
    ) -> User:
        """Connect and, if the session is not logged in yet, log in: phone -> code -> (2FA password) ->
        (sign-up for a new number). Each answer comes from the argument (a value or a callback, sync or
        async, given the prompt text) or, if None, from the terminal, like Pyrogram's ``start()``."""
        if self.storage is None:
            await self.connect()
        if self.storage is not None and self.storage.get_user_id() is not None:
            return await self.get_me()
        phone = await _ask(phone_number or self.phone_number, "Phone number (international format): ")
        sent = await self.send_code(phone)
        for _ in range(3):
            try:
                the_code = await _ask(code, f"Login code ({sent.type.value}): ")
                return await self.sign_in(phone, sent.phone_code_hash, the_code.strip())
            except errors.PhoneCodeInvalid:
                if code is not None and not callable(code):
                    raise
            except errors.SessionPasswordNeeded:
                return await self._start_password(password)
            except errors.PhoneNumberUnoccupied:
                name = await _ask(first_name, "First name for the new account: ")
                return await self.sign_up(phone, sent.phone_code_hash, name, last_name)
        raise errors.PhoneCodeInvalid(detail="three wrong codes; start again")

    async def _start_password(self, password: str | Prompt | None) -> User:
        for _ in range(3):
            try:
                return await self.check_password(await _ask(password, "Two-step verification password: ", True))
            except errors.PasswordHashInvalid:
                if password is not None and not callable(password):
                    raise
        raise errors.PasswordHashInvalid(detail="three wrong passwords; start again")
