"""The account's sessions: ``get_active_sessions``, ``reset_session`` and ``reset_sessions`` (Kurigram's names for
``account.getAuthorizations``, ``account.resetAuthorization`` and ``auth.resetAuthorizations``).

An ended session's next call answers SESSION_REVOKED (its client fails for good: ``invoke.py``). A session logged in
less than 24 hours ago may not end the others (FreshResetAuthorisationForbidden,
https://core.telegram.org/method/auth.resetAuthorizations)."""

from __future__ import annotations

from typing import Any

from tgfleet.client.core import ClientCore
from tgfleet.tl import functions
from tgfleet.types import ActiveSessions


class SessionMethods(ClientCore):
    async def get_active_sessions(self) -> ActiveSessions:
        """Every session of the account (the current one ``is_current``, its ``id`` 0)."""
        return ActiveSessions._parse(self, await self.invoke(functions.account.GetAuthorizations()))

    async def reset_session(self, id: int) -> bool:
        """End the session whose ``ActiveSession.id`` this is (HashInvalid for an unknown one or the current)."""
        request: Any = functions.account.ResetAuthorization(hash=id)
        return bool(await self.invoke(request))

    async def reset_sessions(self) -> bool:
        """End every other session (FreshResetAuthorisationForbidden while this one is younger than 24 hours)."""
        request: Any = functions.auth.ResetAuthorizations()
        return bool(await self.invoke(request))
