"""``QRLogin``: a login by QR code in progress (https://core.telegram.org/api/qr-login), made by ``Client.qr_login()``.

Show ``url`` (``tg://login?token=<base64url>``) as a QR code; the user scans it with a logged-in Telegram app,
which accepts the token (``auth.acceptLoginToken``). ``await wait()`` returns the logged-in ``User``: it waits for
``updateLoginToken``, then exports again, which answers the login (``auth.loginTokenSuccess``), or moves the client
to the user's DC first (``auth.loginTokenMigrateTo`` -> ``auth.importLoginToken`` there). A token lives about 30 s:
``wait`` exports a new one at its expiry (``url`` changes: redraw the code) until its own ``timeout``. With 2FA it
raises ``SessionPasswordNeeded``: finish with ``client.check_password(password)``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet.net.timeouts import within
from tgfleet.tl.types import auth as t_auth
from tgfleet.types import User

Step = Callable[[], Awaitable[Any]]
"""Export a token (and, once accepted, complete the login): a ``t_auth.LoginToken`` or the logged-in ``User``."""


class QRLogin:
    """``url`` / ``token`` / ``expires`` (unix seconds) of the current token; ``await wait(timeout)``."""

    def __init__(self, step: Step, accepted: asyncio.Event, clock: Callable[[], float]) -> None:
        self._step, self._accepted, self._clock = step, accepted, clock
        self.token = b""
        self.expires = 0.0
        self.user: User | None = None
        """The logged-in user once ``wait`` returned."""

    @property
    def url(self) -> str:
        """The ``tg://login`` link to show as a QR code (base64url of the token, without padding)."""
        return "tg://login?token=" + base64.urlsafe_b64encode(self.token).decode().rstrip("=")

    async def recreate(self) -> None:
        """Export a new token now (``url`` and ``expires`` change); ``wait`` does it at each expiry."""
        self._take(await self._step())

    async def wait(self, timeout: float | None = None) -> User:
        """The logged-in user once the token was accepted; ``asyncio.TimeoutError`` after ``timeout`` seconds
        (None: no limit), SessionPasswordNeeded for an account with 2FA (then ``check_password``)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self.user is None:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                raise asyncio.TimeoutError(f"the QR login was not accepted within {timeout} s")
            until_expiry = max(self.expires - self._clock(), 0.0)
            try:
                await within(self._accepted.wait(), until_expiry if left is None else min(until_expiry, left))
            except asyncio.TimeoutError:
                if left is not None and left <= until_expiry:
                    continue  # our own deadline, not the token's expiry
            self._accepted.clear()
            self._take(await self._step())  # accepted: logged in (or moved); expired: a new token
        return self.user

    def _take(self, result: Any) -> None:
        if isinstance(result, User):
            self.user = result
        elif isinstance(result, t_auth.LoginToken):
            self.token, self.expires = result.token, float(result.expires)
        else:  # pragma: no cover - the step answers one of the two
            raise TypeError(f"a QR login step gave {type(result).__name__}")

    def __repr__(self) -> str:
        return f"<QRLogin expires={self.expires:.0f} user={None if self.user is None else self.user.id}>"
