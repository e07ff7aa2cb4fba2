"""Updates to handlers in one process: tgfleet vs Pyrogram (Kurigram), the rows ``client.py`` prints for them.

The stream: ``count`` ``updates`` containers as Telegram sends them for new messages, each one
``updateNewMessage`` with its sender (50 users) and, for group messages, the group: texts, ``/start``
commands with arguments, order numbers for a regex, and group chatter (a fifth of the stream). Serialized once
with tgfleet's TL classes; before every sample each library decodes the bytes with its own TL layer (not
timed), so both start from their own fresh raw objects.

Two rows, each timed from the first update to the last handler's return:

- build: ``Message._parse`` of every update, then read id, chat id, sender id and text (tgfleet builds lazily;
  Kurigram with replies not fetched);
- dispatch: every update fed where the library's network side feeds it (tgfleet: ``Dispatcher.dispatch`` of a
  ``Delivery``; Kurigram: its dispatcher's ``updates_queue``, as ``Client.handle_updates`` does) on a
  ``Client`` that is never connected, with the default workers, through three groups: ``filters.text &
  filters.private`` (group 0), ``filters.command("start")`` (1), ``filters.regex(r"order #(\\d+)")`` (2),
  async callbacks counting their calls, until every update is handled (``stop()``). Both libraries' counts
  must equal the stream's.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from typing import Any

SELF_ID = 1
SENDERS = 50
T0 = 1_700_000_000
GROUP_ID = 900
GROUPS = {0: "text & private", 1: 'command("start")', 2: 'regex(r"order #(\\d+)")'}


def _text(i: int) -> tuple[str, bool]:
    """The ``i``-th message's text, and whether it goes to the group instead of a private chat."""
    kind = i % 10
    if kind in (0, 5):
        return f"/start ref{i} 'two words'", False
    if kind in (1, 6):
        return f"please ship order #{i} today", False
    if kind in (2, 7):
        return f"order #{i} for the group", True
    return f"hello number {i}, how are you?", False


def stream(count: int) -> list[bytes]:
    """``count`` serialized ``updates``, one new message each (see the module's docstring)."""
    from tgfleet.tl import types as t

    users = [t.User(id=1000 + n, first_name=f"User {n}", access_hash=n, username=f"user{n}") for n in range(SENDERS)]
    group = t.Chat(
        id=GROUP_ID, title="Chatter", participants_count=SENDERS, date=T0, version=1, photo=t.ChatPhotoEmpty()
    )
    out = []
    for i in range(count):
        text, in_group = _text(i)
        sender = users[i % SENDERS]
        peer = t.PeerChat(chat_id=GROUP_ID) if in_group else t.PeerUser(user_id=sender.id)
        entities = [t.MessageEntityBotCommand(offset=0, length=6)] if text.startswith("/") else None
        message = t.Message(
            id=i + 1, peer_id=peer, from_id=t.PeerUser(user_id=sender.id), date=T0 + i, message=text, entities=entities
        )
        update = t.UpdateNewMessage(message=message, pts=i + 1, pts_count=1)
        chats = [group] if in_group else []
        out.append(t.Updates(updates=[update], users=[sender], chats=chats, date=T0 + i, seq=0).to_bytes())
    return out


def expected_calls(count: int) -> dict[int, int]:
    """How many calls each group's handler must get from ``stream(count)``."""
    texts = [_text(i) for i in range(count)]
    return {
        0: sum(not in_group for _, in_group in texts),
        1: sum(text.startswith("/start") for text, _ in texts),
        2: sum("order #" in text for text, _ in texts),
    }


# -- the libraries: decode (not timed), then a coroutine that does the row's work --------------------------------
Row = Callable[[list[Any]], Any]


class Library:
    """One library's decode and its two rows; ``calls`` counts each group's handler calls of the last run."""

    name = ""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)  # Kurigram's Client takes the current loop when it is made
        self.calls = dict.fromkeys(GROUPS, 0)

    def decode(self, data: list[bytes]) -> list[Any]:
        raise NotImplementedError

    async def parse(self, message: Any, users: dict[int, Any], chats: dict[int, Any]) -> Any:
        """The library's ``Message`` of a raw message."""
        raise NotImplementedError

    async def build(self, answers: list[Any]) -> list[Any]:
        seen = []
        for answer in answers:
            users = {u.id: u for u in answer.users}
            chats = {ch.id: ch for ch in answer.chats}
            m = await self.parse(answer.updates[0].message, users, chats)
            seen.append((m.id, m.chat.id, m.from_user.id, m.text))
        return seen

    async def dispatch(self, answers: list[Any]) -> None:
        raise NotImplementedError

    def counter(self, group: int) -> Callable[..., Any]:
        async def count(_client: Any, _message: Any) -> None:
            self.calls[group] += 1

        return count

    def seconds(self, row: str, data: list[bytes]) -> float:
        """One sample: decode ``data``, then the time ``row`` (build or dispatch) takes over it."""
        answers = self.decode(data)
        self.calls = dict.fromkeys(GROUPS, 0)
        work = self.build if row == "build" else self.dispatch
        start = time.perf_counter()
        self.loop.run_until_complete(work(answers))
        return time.perf_counter() - start


class Tgfleet(Library):
    name = "tgfleet"

    def __init__(self) -> None:
        super().__init__()
        import tgfleet
        from tgfleet import filters

        self.client = tgfleet.Client("bench", api_id=1, api_hash="0" * 32, in_memory=True)
        self.client.me = tgfleet.types.User(id=SELF_ID, is_self=True, username="benchbot")
        self.client_types = tgfleet.types
        handlers = (filters.text & filters.private, filters.command("start"), filters.regex(r"order #(\d+)"))
        for group, flt in enumerate(handlers):
            self.client.add_handler(tgfleet.handlers.MessageHandler(self.counter(group), flt), group)

    def decode(self, data: list[bytes]) -> list[Any]:
        from tgfleet.tl import decode

        return [decode(d) for d in data]

    async def parse(self, message: Any, users: dict[int, Any], chats: dict[int, Any]) -> Any:
        return self.client_types.Message._parse(self.client, message, users, chats)

    async def dispatch(self, answers: list[Any]) -> None:
        from tgfleet.client.updates import Delivery

        dispatcher = self.client.dispatcher
        for a in answers:
            await dispatcher.dispatch(Delivery(list(a.updates), list(a.users), list(a.chats), SELF_ID))
        await dispatcher.stop()


class Kurigram(Library):
    name = "Pyrogram"

    def __init__(self) -> None:
        super().__init__()
        import pyrogram
        from pyrogram import filters, handlers

        self.client = pyrogram.Client("bench", api_id=1, api_hash="0" * 32, in_memory=True)
        self.client.me = pyrogram.types.User(id=SELF_ID, is_self=True, username="benchbot")
        self.client_types = pyrogram.types
        self.client.fetch_replies = False
        chosen = (filters.text & filters.private, filters.command("start"), filters.regex(r"order #(\d+)"))
        for group, flt in enumerate(chosen):
            self.client.add_handler(handlers.MessageHandler(self.counter(group), flt), group)
        self.loop.run_until_complete(asyncio.sleep(0))  # Kurigram adds handlers in a task of its loop

    def decode(self, data: list[bytes]) -> list[Any]:
        from pyrogram.raw.core import TLObject

        return [TLObject.read(io.BytesIO(d)) for d in data]

    async def parse(self, message: Any, users: dict[int, Any], chats: dict[int, Any]) -> Any:
        return await self.client_types.Message._parse(self.client, message, users, chats, replies=0)

    async def dispatch(self, answers: list[Any]) -> None:
        dispatcher = self.client.dispatcher
        await dispatcher.start()
        for a in answers:
            users = {u.id: u for u in a.users}
            chats = {ch.id: ch for ch in a.chats}
            for update in a.updates:
                dispatcher.updates_queue.put_nowait((update, users, chats))
        await dispatcher.stop(clear_handlers=False)
        dispatcher.handler_worker_tasks.clear()  # stop() keeps its finished tasks when the handlers are kept
        dispatcher.locks_list.clear()


def measure(count: int, runs: int) -> dict[str, dict[str, list[float]]]:
    """Updates per second of each row and library: ``runs`` samples each, interleaved (after one warm-up), each
    run's handler calls checked against the stream's."""
    import logging

    logging.disable(logging.WARNING)  # Kurigram warns that TgCrypto is missing, and on deprecated names
    data = stream(count)
    want = expected_calls(count)
    libraries = [Tgfleet(), Kurigram()]
    rates: dict[str, dict[str, list[float]]] = {
        row: {lib.name: [] for lib in libraries} for row in ("build", "dispatch")
    }
    for run in range(runs + 1):
        for row, per_lib in rates.items():
            for lib in libraries:
                seconds = lib.seconds(row, data)
                if row == "dispatch" and lib.calls != want:
                    raise AssertionError(f"{lib.name}'s handlers were called {lib.calls} times, not {want}")
                if run:
                    per_lib[lib.name].append(count / seconds)
    for lib in libraries:
        lib.loop.close()
    return rates
