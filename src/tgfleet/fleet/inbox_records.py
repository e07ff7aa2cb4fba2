"""What the inbox stores and runs: ``InboxMessage`` (a stored incoming message), ``Incoming`` (one taken from a
delivery of updates, before it is stored) and ``FleetHandler`` (a handler registered on the fleet, its scope)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tgfleet.filters import Filter
from tgfleet.fleet.records import Account
from tgfleet.tl import types as t
from tgfleet.types.convert import peer_id


@dataclass(frozen=True)
class InboxMessage:
    """A stored incoming message of ``account``: Pyrogram's ids (``chat_id``: users positive, groups negative,
    channels ``-100...``), Telegram's ``message_id`` in that chat, its ``date`` (unix seconds) and ``text``
    (a caption for media, '' for none); ``handled``: the handlers that finished with it (or skipped it: their
    filter did not take it)."""

    id: int
    account_id: int
    account: str
    chat_id: int
    message_id: int
    sender_id: int | None
    date: int
    text: str
    received_at: float
    epoch: int
    worker: str
    handled: tuple[str, ...]


@dataclass(frozen=True)
class Incoming:
    """One incoming message of a delivery: its key in the chat, what a handler needs, and the TL message itself
    (``raw``, its serialized bytes, so a handler later gets the whole message)."""

    chat_id: int
    message_id: int
    sender_id: int | None
    date: int
    text: str
    raw: bytes

    @classmethod
    def of(cls, update: Any) -> Incoming | None:
        """The incoming message a new-message update carries, or None (any other update, an outgoing or a service
        message)."""
        if not isinstance(update, t.UpdateNewMessage | t.UpdateNewChannelMessage):
            return None
        message = update.message
        if not isinstance(message, t.Message) or message.out:
            return None
        sender = message.from_id if message.from_id is not None else message.peer_id
        sender_id = peer_id(sender) if isinstance(sender, t.PeerUser | t.PeerChannel | t.PeerChat) else None
        return cls(peer_id(message.peer_id), message.id, sender_id, message.date, message.message or "",
                   message.to_bytes())  # fmt: skip


@dataclass(frozen=True)
class Pending:
    """A stored message a handler has not finished with: its row id, key and TL message (``raw``)."""

    id: int
    chat_id: int
    message_id: int
    sender_id: int | None
    raw: bytes


@dataclass(frozen=True)
class FleetHandler:
    """``callback(client, message)`` for the incoming messages of the accounts in scope (``account``: one label;
    ``pool``: one pool; neither: every account) that ``filters`` takes. ``name`` identifies it in the store's
    handled markers: the same handler in every worker process must have the same name (the default, the
    callback's module and qualified name, is)."""

    callback: Callable[..., Any]
    filters: Filter | None
    account: str | None
    pool: str | None
    name: str

    def applies(self, account: Account) -> bool:
        return (self.account is None or self.account == account.label) and (
            self.pool is None or self.pool == account.pool
        )
