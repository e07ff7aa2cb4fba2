"""Login by QR code (https://core.telegram.org/api/qr-login): ``qr_login()`` on the device that logs in (a
:class:`~tgfleet.client.qr_login.QRLogin`), ``accept_login_token(url)`` on a device already logged in as the user."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Sequence

from tgfleet import errors
from tgfleet.client.methods.auth import AuthMethods
from tgfleet.client.qr_login import QRLogin
from tgfleet.tl import functions, types
from tgfleet.types import User

MAX_LOGIN_LINK = 1024


def login_token_of(url: str) -> bytes:
    """The token of a ``tg://login?token=<base64url>`` link (or of the bare base64url text); ValueError if malformed."""
    text = url.strip()
    if len(text) > MAX_LOGIN_LINK:
        raise ValueError(f"a login link of {len(text)} characters is too long")
    if text.startswith("tg://login?"):
        text = text.removeprefix("tg://login?").partition("token=")[2].partition("&")[0]
    try:
        token = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not a tg://login link nor a base64url login token") from None
    if not token:
        raise ValueError("the login link carries no token")
    return token


class QrMethods(AuthMethods):
    async def qr_login(self, except_ids: Sequence[int] = ()) -> QRLogin:
        """Start a login by QR code (https://core.telegram.org/api/qr-login): show the returned ``url`` as a QR code
        to a logged-in Telegram app and ``await qr.wait()`` for the ``User`` (see :class:`QRLogin`: the token is
        refreshed at its expiry, a user on another DC is followed there, 2FA raises SessionPasswordNeeded for
        ``check_password``). ``except_ids``: accounts already logged in here, which may not accept it."""
        if self.api_id is None or self.api_hash is None:
            raise ValueError("qr_login needs api_id and api_hash")
        parts = self._connected()
        accepted = asyncio.Event()
        parts.updates.login_token_accepted = accepted.set
        export = functions.auth.ExportLoginToken(
            api_id=self.api_id, api_hash=self.api_hash, except_ids=list(except_ids)
        )

        async def step() -> types.auth.LoginToken | User:
            result = await self.invoke(export)
            if isinstance(result, types.auth.LoginTokenMigrateTo):
                await parts.dcs.switch_home(result.dc_id, timeout=self.timeout)
                result = await self.invoke(functions.auth.ImportLoginToken(token=result.token))
            if isinstance(result, types.auth.LoginTokenSuccess):
                return await self._authorized(result.authorization)
            if isinstance(result, types.auth.LoginToken):
                return result
            raise errors.BadRequest(ID="LOGIN_TOKEN_UNEXPECTED", request=export)

        login = QRLogin(step, accepted, self.clock)
        await login.recreate()
        return login

    async def accept_login_token(self, url_or_token: str | bytes) -> bool:
        """Accept another device's QR login as this (logged-in) account: the ``tg://login?token=...`` link the QR
        code shows, or its token (``auth.acceptLoginToken``). Raises AuthTokenExpired, AuthTokenInvalid,
        AuthTokenAlreadyAccepted."""
        token = url_or_token if isinstance(url_or_token, bytes) else login_token_of(url_or_token)
        await self.invoke(functions.auth.AcceptLoginToken(token=token))
        return True
