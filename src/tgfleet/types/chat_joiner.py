"""``ChatJoiner``: one who asked to join a chat, or joined it by an invite link
(https://core.telegram.org/constructor/chatInviteImporter)."""

from __future__ import annotations

from typing import Any

from tgfleet.types.convert import to_date
from tgfleet.types.object import Object
from tgfleet.types.user import User


class ChatJoiner(Object):
    """A joiner: the ``user``, when he asked or joined (``date``), his ``bio`` (for a waiting request), whether his
    request still waits (``pending``) and the admin who approved it (``approved_by``)."""

    FIELDS = ("user", "date", "bio", "pending", "approved_by")

    @classmethod
    def _parse(cls, client: Any, raw: Any, users: dict[int, Any]) -> ChatJoiner:
        """From a TL ``chatInviteImporter`` and the answer's users by id."""
        approver = users.get(raw.approved_by) if raw.approved_by else None
        joiner = cls(
            client=client,
            user=User._parse(client, users.get(raw.user_id)),
            date=to_date(raw.date),
            bio=raw.about,
            pending=bool(raw.requested),
            approved_by=User._parse(client, approver) if approver is not None else None,
        )
        joiner.__dict__["_raw"] = raw
        return joiner
