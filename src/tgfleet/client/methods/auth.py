"""Login: send_code -> sign_in -> (check_password) and the session around it (https://core.telegram.org/api/auth).

Migration during login is invisible: auth.sendCode answered with PHONE_MIGRATE_X moves the home DC and is
repeated there by the call path; the code and the phone_code_hash stay valid on the new DC.
"""

from __future__ import annotations

import asyncio
import getpass
import inspect
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from tgfleet import errors
from tgfleet.client.core import ClientCore
from tgfleet.client.session_strings import SessionData, export_pyrogram
from tgfleet.crypto.srp import srp_client_check
from tgfleet.enums import SentCodeType
from tgfleet.tl import functions, types
from tgfleet.types import SentCode, User

MAX_FUTURE_TOKENS = 20
"""Future auth tokens one ``send_code`` offers (Telegram's clients keep the 20 latest)."""


def password_proof(
    params: types.account.Password, password: str, random: Callable[[int], bytes] = os.urandom
) -> types.InputCheckPasswordSRP:
    """The SRP proof of ``password`` for the challenge in ``params`` (https://core.telegram.org/api/srp); pure.
    BadRequest PASSWORD_ALGO_UNSUPPORTED / PASSWORD_NOT_SET when the parameters allow no proof."""
    algo = params.current_algo
    if not isinstance(algo, types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow):
        raise errors.BadRequest(ID="PASSWORD_ALGO_UNSUPPORTED")
    if params.srp_B is None or params.srp_id is None:
        raise errors.BadRequest(ID="PASSWORD_NOT_SET")
    a, m1 = srp_client_check(password, algo.salt1, algo.salt2, algo.g, algo.p, params.srp_B, random)
    return types.InputCheckPasswordSRP(srp_id=params.srp_id, A=a, M1=m1)


class AuthMethods(ClientCore):
    async def send_code(self, phone_number: str, *, future_auth_tokens: Sequence[bytes] | None = None) -> SentCode:
        """Ask Telegram to send a login code to ``phone_number``; returns how it was sent. The code can be
        used from this session only. Raises PhoneNumberFlood when the number asked for too many codes
        today, FloodWait while too many wrong codes keep it waiting.

        ``future_auth_tokens``: tokens kept from earlier logins of this number (``client.future_auth_token``
        after a login or ``log_out``; the latest :data:`MAX_FUTURE_TOKENS` are sent). When Telegram takes one, the
        client is logged in at once: the answer's ``user`` is set and no code was sent
        (https://core.telegram.org/api/auth#future-auth-tokens)."""
        if self.api_id is None or self.api_hash is None:
            raise ValueError("send_code needs api_id and api_hash")
        tokens = list(future_auth_tokens or [])[-MAX_FUTURE_TOKENS:]
        settings = types.CodeSettings(logout_tokens=tokens or None)
        request = functions.auth.SendCode(
            phone_number=phone_number, api_id=self.api_id, api_hash=self.api_hash, settings=settings
        )
        raw = await self.invoke(request)
        self.phone_number = phone_number
        if isinstance(raw, types.auth.SentCodeSuccess):
            return SentCode(type=None, phone_code_hash="", user=await self._authorized(raw.authorization))
        if not isinstance(raw, types.auth.SentCode):
            raise errors.BadRequest(ID="SENT_CODE_UNEXPECTED", request=request)
        return SentCode._parse(raw)

    async def resend_code(self, phone_number: str, phone_code_hash: str) -> SentCode:
        """Send the code again (by the ``next_type`` of the previous answer)."""
        raw = await self.invoke(functions.auth.ResendCode(phone_number=phone_number, phone_code_hash=phone_code_hash))
        if not isinstance(raw, types.auth.SentCode):
            raise errors.BadRequest(ID="SENT_CODE_UNEXPECTED")
        return SentCode._parse(raw)

    async def sign_in(self, phone_number: str, phone_code_hash: str, phone_code: str) -> User:
        """Log in with the code. Raises SessionPasswordNeeded when 2FA is on (then ``check_password``),
        PhoneNumberUnoccupied when the number has no account (then ``sign_up``), PhoneCodeInvalid for a
        wrong code (ask again), PhoneCodeExpired for a stale one (it lived too long, took too many wrong
        tries, or was sent to another session: ``send_code`` again), FloodWait when Telegram makes the
        number wait after too many wrong codes."""
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
        Raises PasswordHashInvalid for a wrong password, FloodWait after too many of them."""
        params = await self.invoke(functions.account.GetPassword())
        if not isinstance(params, types.account.Password):
            raise errors.BadRequest(ID="PASSWORD_UNEXPECTED")
        return await self.send_password_proof(password_proof(params, password))

    async def send_password_proof(self, proof: types.InputCheckPasswordSRP) -> User:
        """Finish a 2FA login with an SRP proof made elsewhere (:func:`password_proof` of the parameters
        ``account.getPassword`` gave this session): what ``check_password`` sends. A fleet computes it where the
        password was typed, so the password never travels to the process holding the session."""
        return await self._authorized(await self.invoke(functions.auth.CheckPassword(password=proof)))

    async def get_me(self) -> User:
        """The logged-in account."""
        users = await self.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]))
        me = User._parse(self, users[0])
        if me is None:
            raise errors.AuthKeyUnregistered(detail="the account answered as a deleted user")
        if self.storage.is_open and self.storage.get_user_id() is None:
            self.storage.set_user(me.id, me.is_bot)
        return me

    async def log_out(self) -> bool:
        """Log out: the key stops being authorized and the stored session is wiped."""
        logged_out = await self.invoke(functions.auth.LogOut())
        if isinstance(logged_out, types.auth.LoggedOut) and logged_out.future_auth_token:
            self.future_auth_token = logged_out.future_auth_token
        if self.storage.is_open:
            self.storage.delete()
        await self.disconnect()
        return True

    async def export_session_string(self) -> str:
        """The session as Pyrogram's current 362-character string (Pyrogram can load it too)."""
        storage = self._connected().storage
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
        if result.future_auth_token:
            self.future_auth_token = result.future_auth_token
        user = User._parse(self, result.user)
        if user is None:
            raise errors.BadRequest(ID="AUTHORIZATION_UNEXPECTED")
        await self._authorized_as(user.id, user.is_bot)
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


async def _ask_confirmed(prompt: str) -> str:
    """A terminal answer, asked until it is not empty and confirmed (Pyrogram's 'Is "..." correct? (y/N)')."""
    while True:
        value = (await _ask(None, prompt)).strip()
        if value and (await _ask(None, f'Is "{value}" correct? (y/N): ')).strip().lower() == "y":
            return value


def _via(sent: SentCode) -> str:
    return _VIA.get(sent.type, "an unknown way") if sent.type is not None else "an unknown way"


_VIA = {
    SentCodeType.APP: "Telegram app",
    SentCodeType.SMS: "SMS",
    SentCodeType.CALL: "phone call",
    SentCodeType.FLASH_CALL: "phone flash call",
    SentCodeType.FRAGMENT_SMS: "Fragment",
    SentCodeType.EMAIL_CODE: "email code",
}
MAX_CODES = 3
"""Login codes one ``start()`` asks for: the first, and a new one each time the last one expired."""
MAX_CODE_ANSWERS = 15
"""Answers to the code prompt one ``start()`` passes on (Telegram stops wrong ones sooner: see ``start``)."""
MAX_PASSWORDS = 3
"""Answers to the 2FA prompt one ``start()`` passes on."""


class StartMethods(AuthMethods):
    async def authorize(
        self,
        *,
        phone_number: str | Prompt | None = None,
        code: str | Prompt | None = None,
        password: str | Prompt | None = None,
        first_name: str | Prompt | None = None,
        last_name: str = "",
    ) -> User:
        """Log in (``start()`` does when the session is not logged in): the bot token, or phone -> code ->
        (2FA password) -> (sign-up for a new number). Each answer comes from the argument (a value or a
        callback, sync or async, given the prompt text), else the constructor's (``bot_token``,
        ``phone_number``, ``phone_code``, ``password``), else the terminal with Pyrogram's prompts ("Enter
        phone number or bot token: ", confirmed; "Enter confirmation code: "; the password hidden with
        ``hide_password``).

        A wrong code or password is asked again (a fixed value raises PhoneCodeInvalid / PasswordHashInvalid
        at once). A code that expired (it lived too long, or took too many wrong tries) is replaced by a
        new one, sent automatically (at most :data:`MAX_CODES` codes). When Telegram makes the number or
        the account wait (too many wrong codes or passwords), it raises FloodWait saying so instead of
        trying again; too many codes asked for in a day raise PhoneNumberFlood."""
        token, phone = self.bot_token, phone_number or self.phone_number
        if token is None and phone is None:
            value = await _ask_confirmed("Enter phone number or bot token: ")
            token, phone = (value, None) if ":" in value else (None, value)
        if token is not None:
            return await self.sign_in_bot(token)
        number = (await _ask(phone, "Enter phone number: ")).strip()
        try:
            try:
                return await self._start_code(number, code or self.phone_code, first_name, last_name)
            except errors.SessionPasswordNeeded:
                return await self._start_password(password or self.password)
        except errors.FloodWait as e:
            detail = f"too many wrong login attempts; try again in {e.value} s"
            raise errors.FloodWait(e.value, detail=detail, request=e.request) from e

    async def sign_in_bot(self, bot_token: str) -> User:
        """Log in as a bot with its token (``auth.importBotAuthorization``)."""
        if self.api_id is None or self.api_hash is None:
            raise ValueError("sign_in_bot needs api_id and api_hash")
        request = functions.auth.ImportBotAuthorization(
            flags=0, api_id=self.api_id, api_hash=self.api_hash, bot_auth_token=bot_token
        )
        return await self._authorized(await self.invoke(request))

    async def _start_code(
        self, phone: str, code: str | Prompt | None, first_name: str | Prompt | None, last_name: str
    ) -> User:
        """Send a code and sign in with the answers (SessionPasswordNeeded is left to the caller)."""
        fixed = code is not None and not callable(code)
        sent = await self.send_code(phone)
        if code is None:
            print(f"The confirmation code has been sent via {_via(sent)}")
        prompt, codes = "Enter confirmation code: ", 1
        for _ in range(MAX_CODE_ANSWERS):
            answer = (await _ask(code, prompt)).strip()
            try:
                return await self.sign_in(phone, sent.phone_code_hash, answer)
            except errors.PhoneNumberUnoccupied:
                name = await _ask(first_name, "First name for the new account: ")
                return await self.sign_up(phone, sent.phone_code_hash, name, last_name)
            except errors.PhoneCodeInvalid:
                if fixed:
                    raise
                prompt = "Wrong code, enter it again: "
            except errors.PhoneCodeExpired:
                if fixed or codes >= MAX_CODES:
                    raise
                sent, codes = await self.send_code(phone), codes + 1
                prompt = f"That code expired; a new one was sent via {_via(sent)}: "
        raise errors.PhoneCodeInvalid(detail=f"{MAX_CODE_ANSWERS} wrong codes; start again")

    async def _start_password(self, password: str | Prompt | None) -> User:
        prompt = "Enter 2FA password: "
        for _ in range(MAX_PASSWORDS):
            try:
                return await self.check_password(await _ask(password, prompt, self.hide_password))
            except errors.PasswordHashInvalid:
                if password is not None and not callable(password):
                    raise
                prompt = "Wrong password, try again: "
        raise errors.PasswordHashInvalid(detail=f"{MAX_PASSWORDS} wrong passwords; start again")
