"""``InputPhoneContact``: a phone number to import as a contact (``import_contacts``), as Pyrogram builds it."""

from __future__ import annotations

from itertools import count

from tgfleet.tl import types as t

_client_ids = count(1)


class InputPhoneContact:
    """``InputPhoneContact(phone, first_name, last_name="")`` is the TL ``inputPhoneContact`` itself (as in
    Pyrogram), with a ``client_id`` unique in this process: the import's answer pairs each user with it."""

    def __new__(cls, phone: str, first_name: str, last_name: str = "") -> t.InputPhoneContact:  # type: ignore[misc]
        return t.InputPhoneContact(
            client_id=next(_client_ids), phone="+" + phone.strip().lstrip("+"), first_name=first_name,
            last_name=last_name,
        )  # fmt: skip
