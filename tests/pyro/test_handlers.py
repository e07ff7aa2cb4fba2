"""Handlers and dispatch offline: groups, propagation and error handling run the same handlers on the same
updates as Kurigram's own dispatcher (decoded from the same bytes), each kind of update reaches its
handler kind, the decorators (on a client and on the class, as plugins use them) and plugins from a folder."""

from __future__ import annotations

import asyncio
import textwrap
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pyrogram
import pytest

from tests.pyro.kurigram import decode
from tgfleet import Client, filters, handlers
from tgfleet.client.updates import Delivery, Dispatcher
from tgfleet.tl import types as t

SELF, PEER = 1000, 2000
USERS = [t.User(id=SELF, is_self=True, first_name="Me"), t.User(id=PEER, first_name="Peer", access_hash=5)]


def new(msg_id: int, text: str, out: bool = False) -> Any:
    message = t.Message(id=msg_id, peer_id=t.PeerUser(user_id=PEER), from_id=t.PeerUser(user_id=SELF if out else PEER),
                        date=1, message=text, out=out)  # fmt: skip
    return t.UpdateNewMessage(message=message, pts=msg_id, pts_count=1)


UPDATES = [
    new(1, "hello"),
    new(2, "stop here", out=True),
    new(3, "go on"),
    new(4, "boom"),
    t.UpdateEditMessage(message=new(5, "edited").message, pts=5, pts_count=1),
    t.UpdateDeleteMessages(messages=[7, 8], pts=6, pts_count=1),
    t.UpdateUserStatus(user_id=PEER, status=t.UserStatusOnline(expires=10)),
]


def scenario(lib: Any, log: list[str]) -> list[tuple[Any, int]]:
    """The same handlers for either library: ``lib`` is ``tgfleet`` or ``pyrogram`` (their modules)."""
    h, f = lib.handlers, lib.filters

    def rec(name: str, action: str = "") -> Any:
        async def callback(_: Any, update: Any, *rest: Any) -> None:
            what = getattr(update, "text", None) or type(update).__name__
            if isinstance(update, list):
                what = f"deleted {[m.id for m in update]}"
            log.append(f"{name}: {what}")
            if action == "stop" and "stop" in str(what):
                raise lib.StopPropagation
            if action == "continue" and "go on" in str(what):
                raise lib.ContinuePropagation
            if action == "raise" and "boom" in str(what):
                raise ValueError("boom")

        return callback

    return [
        (h.MessageHandler(rec("g-1 raw-free first", "stop")), -1),
        (h.MessageHandler(rec("g0 incoming", "continue"), f.incoming), 0),
        (h.MessageHandler(rec("g0 second")), 0),
        (h.EditedMessageHandler(rec("g0 edited")), 0),
        (h.RawUpdateHandler(rec("g1 raw", "raise")), 1),
        (h.MessageHandler(rec("g1 never: raw came first")), 1),
        (h.DeletedMessagesHandler(rec("g2 deleted")), 2),
        (h.UserStatusHandler(rec("g2 status")), 2),
        (h.MessageHandler(rec("g5 text", "raise"), f.text), 5),
        (h.MessageHandler(rec("g5 after a failed one")), 5),
        (h.MessageHandler(rec("g9 last")), 9),
    ]


async def ours(updates: list[Any], handler_list: list[tuple[Any, int]], workers: int = 1) -> None:
    dispatcher = Dispatcher(object(), workers=workers)
    for handler, group in handler_list:
        dispatcher.add_handler(handler, group)
    await dispatcher.dispatch(Delivery(updates, USERS, [], SELF))
    await asyncio.wait_for(dispatcher.stop(), 10)


async def kurigram(updates: list[Any], handler_list: list[tuple[Any, int]]) -> None:
    client = pyrogram.Client("k", api_id=1, api_hash="0" * 32, in_memory=True, workers=1)
    client.fetch_replies = False
    dispatcher = client.dispatcher
    groups: dict[int, list[Any]] = {}
    for handler, group in handler_list:
        groups.setdefault(group, []).append(handler)
    dispatcher.groups = OrderedDict(sorted(groups.items()))  # its add_handler defers the change to a task
    await dispatcher.start()
    users = {u.id: decode(u) for u in USERS}
    for update in updates:
        dispatcher.updates_queue.put_nowait((decode(update), users, {}))
    await asyncio.wait_for(dispatcher.stop(clear_handlers=False), 10)


async def test_groups_and_propagation_as_kurigram_dispatches_them() -> None:
    import tgfleet

    mine: list[str] = []
    theirs: list[str] = []
    await ours(UPDATES, scenario(tgfleet, mine))
    await kurigram(UPDATES, scenario(pyrogram, theirs))
    assert mine == theirs
    assert "g1 never: raw came first: hello" not in mine and "g9 last: stop here" not in mine  # stopped
    assert "g0 second: go on" in mine  # ContinuePropagation: the next one of the group ran
    assert "g5 after a failed one: boom" not in mine and "g9 last: boom" in mine  # a failure ends its group only


async def test_a_failing_handler_goes_to_the_first_error_handler_that_takes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[tuple[str, str]] = []

    async def fails(_: Any, message: Any) -> None:
        raise KeyError(message.text)

    async def on_key(_: Any, exc: Exception, handler: Any, *rest: Any) -> None:
        seen.append(("key", str(exc)))

    async def on_value(_: Any, exc: Exception, *rest: Any) -> None:
        seen.append(("value", str(exc)))

    handler_list: list[tuple[Any, int]] = [
        (handlers.MessageHandler(fails), 0),
        (handlers.ErrorHandler(on_value, ValueError), 0),
        (handlers.ErrorHandler(on_key, [KeyError]), 1),
    ]
    await ours([new(1, "k")], handler_list)
    assert seen == [("key", "'k'")]
    await ours([new(2, "unhandled")], handler_list[:2])
    assert "raised" in caplog.text and "unhandled" in caplog.text  # no error handler took it: logged


async def test_each_kind_of_update_reaches_its_handler_with_pyrogram_objects() -> None:
    got: dict[str, Any] = {}

    def keep(name: str) -> Any:
        async def callback(_: Any, obj: Any, *rest: Any) -> None:
            got[name] = (obj, *rest)

        return callback

    kinds = [handlers.MessageHandler, handlers.EditedMessageHandler, handlers.DeletedMessagesHandler,
             handlers.UserStatusHandler]  # fmt: skip
    await ours(UPDATES[:1] + UPDATES[4:], [(k(keep(k.__name__)), i) for i, k in enumerate(kinds)])
    message = got["MessageHandler"][0]
    assert (message.id, message.text, message.from_user.first_name, message.chat.id) == (1, "hello", "Peer", PEER)
    assert got["EditedMessageHandler"][0].text == "edited"
    assert [m.id for m in got["DeletedMessagesHandler"][0]] == [7, 8]
    user = got["UserStatusHandler"][0]
    assert (user.id, user.status.name) == (PEER, "ONLINE")


async def test_filters_decide_and_a_failing_filter_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def broken(_: Any, __: Any, ___: Any) -> bool:
        raise RuntimeError("bad filter")

    async def record(_: Any, m: Any) -> None:
        seen.append(m.text)

    handler_list: list[tuple[Any, int]] = [
        (handlers.MessageHandler(record, filters.create(broken)), 0),
        (handlers.MessageHandler(record, filters.regex("^h")), 0),
    ]
    await ours([new(1, "hello"), new(2, "nope")], handler_list)
    assert seen == ["hello"] and "bad filter" in caplog.text


async def test_plain_callbacks_run_in_the_executor_not_on_the_loop() -> None:
    import threading

    threads: list[str] = []
    await ours(
        [new(1, "x")], [(handlers.MessageHandler(lambda c, m: threads.append(threading.current_thread().name)), 0)]
    )
    assert threads and threads[0] != threading.main_thread().name


def test_handlers_are_checked_when_added() -> None:
    client = Client("x", api_id=1, api_hash="0" * 32, in_memory=True)
    with pytest.raises(TypeError, match="callable"):
        handlers.MessageHandler("not a function")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="update handler"):
        client.add_handler(lambda c, m: None)  # type: ignore[arg-type]
    handler, group = client.add_handler(handlers.MessageHandler(lambda c, m: None), 3)
    client.remove_handler(handler, group)
    with pytest.raises(ValueError, match="not in group 3"):
        client.remove_handler(handler, 3)


DECORATORS = {
    "on_message": (handlers.MessageHandler, UPDATES[0]),
    "on_edited_message": (handlers.EditedMessageHandler, UPDATES[4]),
    "on_deleted_messages": (handlers.DeletedMessagesHandler, UPDATES[5]),
    "on_user_status": (handlers.UserStatusHandler, UPDATES[6]),
    "on_raw_update": (handlers.RawUpdateHandler, UPDATES[6]),
}


@pytest.mark.parametrize("name", sorted(DECORATORS))
async def test_each_decorator_on_a_client_and_on_the_class(name: str) -> None:
    kind, update = DECORATORS[name]
    client = Client("x", api_id=1, api_hash="0" * 32, in_memory=True)
    calls: list[str] = []

    @getattr(client, name)(group=4)
    async def bound(_: Any, obj: Any, *rest: Any) -> None:
        calls.append("bound")

    @getattr(Client, name)(filters.all, 2)  # the plugin form: positional filter and group, shifted
    async def unbound(_: Any, obj: Any, *rest: Any) -> None:
        calls.append("unbound")

    assert list(client.dispatcher.groups) == [4] and not hasattr(bound, "handlers")
    ((handler, group),) = unbound.handlers  # type: ignore[attr-defined]
    assert type(handler) is kind and group == 2 and handler.filters is filters.all
    client.add_handler(handler, group)
    await client.dispatcher.dispatch(Delivery([update], USERS, [], SELF))
    await asyncio.wait_for(client.dispatcher.stop(), 10)
    assert calls == ["unbound", "bound"]  # group 2 before group 4


def test_event_decorators_keep_one_handler_of_each_kind() -> None:
    client = Client("x", api_id=1, api_hash="0" * 32, in_memory=True)
    kinds = {"on_start": handlers.StartHandler, "on_stop": handlers.StopHandler,
             "on_connect": handlers.ConnectHandler, "on_disconnect": handlers.DisconnectHandler}  # fmt: skip
    for name, kind in kinds.items():
        first = getattr(client, name)()(lambda c, *a: None)
        second = getattr(client, name)()(lambda c, *a: None)
        assert client.event_handlers[kind].callback is second and first is not second
        unbound = getattr(Client, name)()(lambda c, *a: None)
        assert type(unbound.handlers[0][0]) is kind


def test_plugins_load_from_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "myplugins" / "admin").mkdir(parents=True)
    source = textwrap.dedent("""
        from tgfleet import Client, filters

        @Client.on_message(filters.command("{0}"), group={1})
        async def {0}(client, message):
            pass

        @Client.on_edited_message()
        async def {0}_edited(client, message):
            pass
    """)
    (tmp_path / "myplugins" / "echo.py").write_text(source.format("echo", 1))
    (tmp_path / "myplugins" / "admin" / "ban.py").write_text(source.format("ban", 2))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))

    def loaded(**plugins: Any) -> list[tuple[str, int]]:
        client = Client("x", api_id=1, api_hash="0" * 32, in_memory=True, plugins={"root": "myplugins", **plugins})
        client._load_plugins()
        return sorted((h.callback.__name__, g) for g, hs in client.dispatcher.groups.items() for h in hs)

    everything = [("ban", 2), ("ban_edited", 0), ("echo", 1), ("echo_edited", 0)]
    assert loaded() == everything
    assert loaded(include=["echo"]) == [("echo", 1), ("echo_edited", 0)]
    assert loaded(include=["echo echo", "admin.ban"]) == [("ban", 2), ("ban_edited", 0), ("echo", 1)]
    assert loaded(exclude=["admin.ban ban_edited"]) == [("ban", 2), ("echo", 1), ("echo_edited", 0)]
    assert loaded(include=["missing", "echo echo"]) == [("echo", 1)]  # a missing module is logged, skipped
    assert loaded(enabled=False) == []
