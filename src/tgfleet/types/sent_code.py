"""``SentCode``: the answer to ``send_code``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tgfleet.enums import NextCodeType, SentCodeType
from tgfleet.types.object import Object

if TYPE_CHECKING:
    from tgfleet.types.user import User


class SentCode(Object):
    """How the login code went out; keep ``phone_code_hash`` for ``sign_in``. ``timeout``: seconds before
    ``resend_code`` may send it the ``next_type`` way. ``user`` is set instead when a future auth token logged the
    client in (``auth.sentCodeSuccess``): no code was sent and no ``sign_in`` is needed."""

    FIELDS = ("type", "phone_code_hash", "next_type", "timeout", "user")
    type: SentCodeType | None
    phone_code_hash: str
    next_type: NextCodeType | None
    timeout: int | None
    user: User | None

    def __init__(
        self,
        *,
        type: SentCodeType | None,
        phone_code_hash: str,
        next_type: NextCodeType | None = None,
        timeout: int | None = None,
        user: User | None = None,
    ) -> None:
        super().__init__(type=type, phone_code_hash=phone_code_hash, next_type=next_type, timeout=timeout, user=user)

    @classmethod
    def _parse(cls, raw: Any) -> SentCode:
        """From a TL ``auth.sentCode`` (a code type this layer adds but Pyrogram lacks reads as None)."""
        sent_types = {m.value: m for m in SentCodeType}
        next_types = {m.value: m for m in NextCodeType}
        code = cls(
            type=sent_types.get(type(raw.type)),
            phone_code_hash=raw.phone_code_hash,
            next_type=next_types.get(type(raw.next_type)) if raw.next_type is not None else None,
            timeout=raw.timeout,
        )
        code.__dict__["_raw"] = raw
        return code
