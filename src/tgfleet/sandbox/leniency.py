"""``TELEGRAM_LENIENCY``: what the sandbox's sessions accept in requests where the schema expects another type,
because Telegram does and everyday clients rely on it (``tl.Leniency``): ``inputPeerUser`` / ``inputPeerSelf`` as an
``InputUser`` (Pyrogram's and Kurigram's ``get_users``, ``add_contact``, ``delete_contacts``, privacy rules naming
users pass ``resolve_peer``'s answer there). ``services/peers.input_user`` takes both forms."""

from __future__ import annotations

from tgfleet.tl import Leniency, types

TELEGRAM_LENIENCY = Leniency({"InputUser": (types.InputPeerUser, types.InputPeerSelf)})
