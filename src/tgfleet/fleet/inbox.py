"""``Inbox`` (``fleet.inbox``): the incoming messages of every held account, stored once, and the fleet's handlers.

The worker holding an account records its incoming messages with the update state that covers them, fenced, in one
transaction (``inbox_holder``), then runs the handlers registered here on them (``inbox_runner``): each handler
once per message across restarts and hand-overs, at least once with de-duplication (a handler that raised, or whose
worker died in it, runs again; one whose marker was committed never does).

``@fleet.on_message(filters, account=... | pool=...)`` registers a handler (``callback(client, message)``, async or
plain; ``message`` a ``tgfleet.types.Message``, ``client`` the account's connected Client). Register handlers
before the worker starts: each worker process registers the same ones (names must match across processes).
``list(account=, chat=, limit=)`` reads the stored messages, newest first.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any, TypeVar

from tgfleet.filters import Filter
from tgfleet.fleet.counters import Counters
from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.inbox_holder import HolderInbox
from tgfleet.fleet.inbox_records import FleetHandler, InboxMessage
from tgfleet.fleet.records import Account
from tgfleet.fleet.store import Store

MAX_LIST = 1000
F = TypeVar("F", bound=Callable[..., Any])
_COLUMNS = ("m.id, m.account_id, a.label, m.chat_id, m.message_id, m.sender_id, m.date, m.text, m.received_at,"
            " m.epoch, m.worker")  # fmt: skip


class Inbox:
    def __init__(self, store: Store, counters: Counters) -> None:
        self._store, self._counters = store, counters
        self.handlers: list[FleetHandler] = []

    def on_message(
        self,
        filters: Filter | None = None,
        *,
        account: str | None = None,
        pool: str | None = None,
        name: str | None = None,
    ) -> Callable[[F], F]:
        """Decorator: run the callback on the incoming messages of ``account`` (a label), of ``pool``, or (neither)
        of every account, that ``filters`` takes. FleetValueError for both scopes at once or a name in use."""
        if account is not None and pool is not None:
            raise FleetValueError("on_message takes account= or pool=, not both")
        if filters is not None and not callable(filters):
            raise FleetValueError(f"filters must be a tgfleet.filters.Filter, not {type(filters).__name__}")

        def register(callback: F) -> F:
            if not callable(callback):
                raise FleetValueError(f"a handler must be callable, not {type(callback).__name__}")
            key = name or f"{callback.__module__}.{callback.__qualname__}"
            if any(h.name == key for h in self.handlers):
                raise FleetValueError(f"a fleet handler named {key!r} is registered already; give this one name=")
            self.handlers.append(FleetHandler(callback, filters, account, pool, key))
            return callback

        return register

    def handlers_for(self, account: Account) -> builtins.list[FleetHandler]:
        return [h for h in self.handlers if h.applies(account)]

    def holder(
        self, account: Account, epoch: int, worker: str, on_stored: Callable[[], None] | None = None
    ) -> HolderInbox:
        """The inbox as the holder of ``account``'s lease at ``epoch`` writes it (fenced)."""
        return HolderInbox(self._store, self._counters, account.id, epoch, worker, on_stored)

    async def list(
        self, *, account: str | None = None, chat: int | None = None, limit: int = 100
    ) -> builtins.list[InboxMessage]:
        """Stored messages, newest first: of one account (label) and/or one chat (Pyrogram's chat id)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST:
            raise FleetValueError(f"limit must be an int from 1 to {MAX_LIST}, got {limit!r}")
        if chat is not None and (isinstance(chat, bool) or not isinstance(chat, int)):
            raise FleetValueError(f"chat must be a chat id (int), got {chat!r}")
        where, params = ["1 = 1"], {"limit": limit, "label": account, "chat": chat}
        where += ["a.label = :label"] if account is not None else []
        where += ["m.chat_id = :chat"] if chat is not None else []
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(
                f"SELECT {_COLUMNS} FROM inbox_messages m JOIN accounts a ON a.id = m.account_id"
                f" WHERE {' AND '.join(where)} ORDER BY m.id DESC LIMIT :limit",
                params,
            )
            ids = [int(r[0]) for r in rows]
            marks = await tx.fetch(
                "SELECT message_id, handler FROM inbox_handled WHERE message_id >= :low AND message_id <= :high"
                " ORDER BY handler",
                {"low": min(ids, default=0), "high": max(ids, default=-1)},
            )
        handled: dict[int, builtins.list[str]] = {}
        for message_id, handler in marks:
            handled.setdefault(int(message_id), []).append(str(handler))
        return [_message(row, tuple(handled.get(int(row[0]), ()))) for row in rows]


def _message(row: tuple[Any, ...], handled: tuple[str, ...]) -> InboxMessage:
    i, account_id, label, chat, message, sender, date, text, received, epoch, worker = row
    return InboxMessage(int(i), int(account_id), str(label), int(chat), int(message),
                        None if sender is None else int(sender), int(date), str(text), float(received), int(epoch),
                        str(worker), handled)  # fmt: skip
