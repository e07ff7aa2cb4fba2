"""The Dispatcher on its own: new messages reach every handler whose filter takes them, in the order the
handlers were added, sync and async callbacks alike, with the client as the first argument; other updates
reach none; a handler or filter that raises is logged and the rest still run."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tgfleet.client.types import Message
from tgfleet.client.updates import Delivery, Dispatcher, MessageHandler
from tgfleet.tl import types

SELF = 1000
PEER = 2000


def new_message(msg_id: int, text: str, out: bool = False) -> types.UpdateNewMessage:
    sender = types.PeerUser(user_id=SELF if out else PEER)
    message = types.Message(id=msg_id, peer_id=types.PeerUser(user_id=PEER), from_id=sender, date=1, message=text,
                            out=out)  # fmt: skip
    return types.UpdateNewMessage(message=message, pts=msg_id, pts_count=1)


def delivery(*updates: Any) -> Delivery:
    return Delivery(list(updates), [], [], SELF)


async def test_a_filter_chooses_what_its_handler_sees() -> None:
    client = object()
    dispatcher = Dispatcher(client)
    incoming: list[str] = []
    everything: list[tuple[object, str, bool]] = []
    dispatcher.add(MessageHandler(lambda _, m: incoming.append(m.text), lambda m: not m.outgoing))

    async def all_of_them(c: object, m: Message) -> None:
        everything.append((c, m.text, m.outgoing))

    dispatcher.add(MessageHandler(all_of_them))
    status = types.UpdateUserStatus(user_id=PEER, status=types.UserStatusOffline(was_online=1))
    await dispatcher.dispatch(delivery(new_message(1, "from them"), new_message(2, "from me", out=True), status))
    assert incoming == ["from them"]
    assert everything == [(client, "from them", False), (client, "from me", True)]


async def test_a_removed_handler_sees_nothing_more() -> None:
    dispatcher = Dispatcher(object())
    seen: list[int] = []
    handler = dispatcher.add(MessageHandler(lambda _, m: seen.append(m.id)))
    await dispatcher.dispatch(delivery(new_message(1, "a")))
    dispatcher.remove(handler)
    await dispatcher.dispatch(delivery(new_message(2, "b")))
    assert seen == [1]


async def test_a_failing_handler_or_filter_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = Dispatcher(object())
    seen: list[str] = []

    def broken(_: object, m: Message) -> None:
        raise RuntimeError("handler bug")

    dispatcher.add(MessageHandler(broken))
    dispatcher.add(MessageHandler(lambda _, m: seen.append("filtered"), lambda m: 1 / 0 == 0))
    dispatcher.add(MessageHandler(lambda _, m: seen.append(m.text)))
    with caplog.at_level(logging.ERROR, "tgfleet.updates"):
        await dispatcher.dispatch(delivery(new_message(1, "still here")))
    assert seen == ["still here"]
    assert len([r for r in caplog.records if "failed" in r.getMessage()]) == 2
