"""``authorize_qr``: what ``start(use_qr=True)`` does, Pyrogram's login by QR code in the terminal."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Sequence

from tgfleet import errors
from tgfleet.client.methods.auth import Prompt, StartMethods
from tgfleet.client.methods.qr import QrMethods
from tgfleet.types import User

REDRAW_EVERY = 5.0
"""Seconds between looks at whether the token was refreshed (its link then is shown again)."""


def show_login_link(url: str) -> None:
    """Print the link to scan, as a QR code too when the optional ``qrcode`` package is installed."""
    print("Scan the QR code below to log in: Settings -> Devices -> Link Desktop Device", flush=True)
    try:
        qrcode = importlib.import_module("qrcode")  # optional: not a dependency of tgfleet
    except ImportError:
        pass
    else:
        code = qrcode.QRCode()
        code.add_data(url)
        code.print_ascii(tty=False)
    print(url, flush=True)


class QrStartMethods(QrMethods, StartMethods):
    async def authorize_qr(
        self, except_ids: Sequence[int] | None = None, *, password: str | Prompt | None = None
    ) -> User:
        """Log in by QR code (``start(use_qr=True)``): print the ``tg://login`` link (:func:`show_login_link`), and
        again each time the token is refreshed, until a logged-in Telegram app scans it. A 2FA account's password
        comes from ``password``, else the constructor's, else the terminal, as in ``authorize``. ``except_ids``:
        accounts already logged in here, which may not accept it."""
        login = await self.qr_login(except_ids or ())
        shown = ""
        while True:
            if login.url != shown:
                show_login_link(shown := login.url)
            try:
                return await login.wait(timeout=REDRAW_EVERY)
            except asyncio.TimeoutError:
                continue
            except errors.SessionPasswordNeeded:
                return await self._start_password(password or self.password)
