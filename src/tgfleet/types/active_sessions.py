"""``ActiveSessions``: the account's sessions (``get_active_sessions``), as Pyrogram has it."""

from __future__ import annotations

from typing import Any

from tgfleet.types.active_session import ActiveSession
from tgfleet.types.object import List, Object, lazy


class ActiveSessions(Object):
    """``active_sessions`` (the current one marked ``is_current``) and the days of inactivity that end a session."""

    FIELDS = ("inactive_session_ttl_days", "active_sessions")

    @classmethod
    def _parse(cls, client: Any, raw: Any) -> ActiveSessions:
        """From a TL ``account.authorizations``."""
        return cls._lazy(client, raw)

    @lazy
    def inactive_session_ttl_days(self) -> int:
        return int(self._raw.authorization_ttl_days)

    @lazy
    def active_sessions(self) -> List[ActiveSession]:
        return List(ActiveSession._parse(self._client, a) for a in self._raw.authorizations)
