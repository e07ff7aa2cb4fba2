"""``ChatInviteLink``: an invite link of a group or channel (https://core.telegram.org/api/invites)."""

from __future__ import annotations

from typing import Any

from tgfleet.types.convert import to_date
from tgfleet.types.object import Object
from tgfleet.types.user import User


class ChatInviteLink(Object):
    """An invite link: the link, who made it and when, whether it is the primary (permanent) one or revoked, its
    name, expiry, member limit and how many joined by it."""

    FIELDS = (
        "invite_link",
        "date",
        "is_primary",
        "is_revoked",
        "creator",
        "name",
        "creates_join_request",
        "start_date",
        "expire_date",
        "member_limit",
        "member_count",
        "pending_join_request_count",
    )

    @classmethod
    def _parse(cls, client: Any, raw: Any, users: dict[int, Any] | None = None) -> ChatInviteLink:
        """From a TL ``chatInviteExported`` (with the answer's users by id, for its creator)."""
        creator = (users or {}).get(raw.admin_id)
        link = cls(
            client=client,
            invite_link=raw.link,
            date=to_date(raw.date),
            is_primary=bool(raw.permanent),
            is_revoked=bool(raw.revoked),
            creator=User._parse(client, creator) if creator is not None else None,
            name=raw.title,
            creates_join_request=bool(raw.request_needed),
            start_date=to_date(raw.start_date),
            expire_date=to_date(raw.expire_date),
            member_limit=raw.usage_limit,
            member_count=raw.usage,
            pending_join_request_count=raw.requested,
        )
        link.__dict__["_raw"] = raw
        return link
