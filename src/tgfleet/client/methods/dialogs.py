"""The chat list: ``get_dialogs`` (an async iterator, pinned first) and ``get_dialogs_count``, as Pyrogram has them.

``get_dialogs`` pages as Telegram pages (https://core.telegram.org/api/offsets): up to 100 dialogs per call,
each next call from the last dialog's top message (its date, id and peer); a dialog already returned is not
returned again."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from tgfleet.client.methods.messages import MessageMethods
from tgfleet.tl import functions, types
from tgfleet.types import Dialog, Message

PAGE = 100
ALL = (1 << 31) - 1


def _folder(from_archive: bool | None) -> int | None:
    return None if from_archive is None else 1 if from_archive else 0


def _dialogs(client: Any, answer: Any) -> list[Any]:
    users = {u.id: u for u in answer.users}
    chats = {c.id: c for c in answer.chats}
    messages = {}
    for raw in answer.messages:
        if not isinstance(raw, types.MessageEmpty):
            message = Message._parse(client, raw, users, chats)
            messages[message.chat.id, message.id] = message
    return [Dialog._parse(client, d, messages, users, chats) for d in answer.dialogs if isinstance(d, types.Dialog)]


class DialogMethods(MessageMethods):
    async def get_dialogs(
        self, limit: int = 0, exclude_pinned: bool | None = None, from_archive: bool | None = None
    ) -> AsyncGenerator[Dialog, None]:
        """The account's chats, pinned first, then the most recent first: at most ``limit`` (0: all)."""
        total = limit or ALL
        offset_date, offset_id = 0, 0
        offset_peer: types.TypeInputPeer = types.InputPeerEmpty()
        seen: set[int] = set()
        while len(seen) < total:
            asked = min(PAGE, total - len(seen))
            answer = await self.invoke(functions.messages.GetDialogs(
                offset_date=offset_date, offset_id=offset_id, offset_peer=offset_peer, limit=asked, hash=0,
                exclude_pinned=bool(exclude_pinned), folder_id=_folder(from_archive),
            ))  # fmt: skip
            page = _dialogs(self, answer)
            fresh = [d for d in page if d.chat.id not in seen][: total - len(seen)]
            for dialog in fresh:
                seen.add(dialog.chat.id)
                yield dialog
            last = page[-1].top_message if page else None
            if len(page) < asked or isinstance(answer, types.messages.Dialogs) or last is None or not fresh:
                return  # the list's end (or a server that pages no further)
            offset_date, offset_id = int(last._raw.date), last.id
            offset_peer = await self.resolve_peer(last.chat.id)

    async def get_dialogs_count(self, pinned_only: bool = False, from_archive: bool | None = None) -> int:
        """How many chats the account has (``pinned_only``: how many are pinned)."""
        if pinned_only:
            pinned = await self.invoke(functions.messages.GetPinnedDialogs(folder_id=_folder(from_archive) or 0))
            return len(pinned.dialogs)
        answer = await self.invoke(functions.messages.GetDialogs(
            offset_date=0, offset_id=0, offset_peer=types.InputPeerEmpty(), limit=1, hash=0,
            folder_id=_folder(from_archive),
        ))  # fmt: skip
        count = answer.count if isinstance(answer, types.messages.DialogsSlice) else len(answer.dialogs)  # type: ignore[attr-defined]
        return int(count)
