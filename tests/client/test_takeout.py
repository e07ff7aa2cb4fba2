"""``Client(takeout=True)`` against the sandbox (https://core.telegram.org/api/takeout): ``start()`` opens a takeout
session and every call goes wrapped in ``invokeWithTakeout`` until ``stop()`` finishes it; the sandbox's rules for
the session (its id checked on every wrapped call, the finish only inside it, the init only when logged in); a finish
that gets no answer does not keep stop() from stopping."""

from __future__ import annotations

import time

import pytest

from tests.relay import Relay
from tgfleet import errors
from tgfleet.net.timeouts import within
from tgfleet.sandbox.server import Sandbox
from tgfleet.sandbox.server_limits import Limits
from tgfleet.tl import functions, types

from .helpers import logged_in, login, make_client

SELF = functions.users.GetUsers(id=[types.InputUserSelf()])


async def test_a_takeout_client_wraps_every_call_in_its_session(tg: Sandbox) -> None:
    user = tg.add_user("+15557610001", "Exporter")
    app = make_client(tg, "export", takeout=True)
    await app.connect()
    await login(app, tg, user.phone)
    await app.start()
    try:
        assert isinstance(app.takeout_id, int)
        assert app.no_updates  # a takeout client takes no updates
        assert (await app.get_me()).id == user.id
        # unwrapped, the finish would be TAKEOUT_REQUIRED: the client wrapped it in its session
        assert await app.invoke(functions.account.FinishTakeoutSession()) is True
        with pytest.raises(errors.TakeoutInvalid):
            await app.get_me()  # still wrapped, in the session that is finished now
    finally:
        await app.stop()  # its own finish fails (logged); it stops anyway
    assert app.takeout_id is None and not app.is_connected


async def test_stop_finishes_the_takeout_session(tg: Sandbox) -> None:
    user = tg.add_user("+15557610002", "Exporter")
    app = make_client(tg, "export", takeout=True)
    await app.connect()
    await login(app, tg, user.phone)
    await app.start()
    takeout_id, session = app.takeout_id, await app.export_session_string()
    assert takeout_id is not None
    await app.stop()
    same_key = make_client(tg, "again", session_string=session)
    await same_key.connect()
    try:
        with pytest.raises(errors.TakeoutInvalid):
            await same_key.invoke(functions.InvokeWithTakeout(takeout_id=takeout_id, query=SELF))
        assert (await same_key.invoke(SELF))[0].id == user.id  # the key itself goes on
    finally:
        await same_key.disconnect()


async def test_the_sandbox_checks_the_takeout_session(tg: Sandbox) -> None:
    user = tg.add_user("+15557610003", "Plain")
    app = await logged_in(tg, user.phone)
    stranger = make_client(tg, "stranger")
    await stranger.connect()
    try:
        with pytest.raises(errors.TakeoutInvalid):  # no session opened on this key
            await app.invoke(functions.InvokeWithTakeout(takeout_id=12345, query=SELF))
        with pytest.raises(errors.TakeoutRequired):  # the finish only inside the session
            await app.invoke(functions.account.FinishTakeoutSession())
        opened = await app.invoke(functions.account.InitTakeoutSession(contacts=True))
        answer = await app.invoke(functions.InvokeWithTakeout(takeout_id=opened.id, query=SELF))
        assert answer[0].id == user.id
        again = await app.invoke(functions.account.InitTakeoutSession())  # a new one replaces it
        with pytest.raises(errors.TakeoutInvalid):
            await app.invoke(functions.InvokeWithTakeout(takeout_id=opened.id, query=SELF))
        done = functions.InvokeWithTakeout(takeout_id=again.id, query=functions.account.FinishTakeoutSession())
        assert await app.invoke(done) is True
        with pytest.raises(errors.AuthKeyUnregistered):  # a key not logged in opens none
            await stranger.invoke(functions.account.InitTakeoutSession())
    finally:
        await app.disconnect()
        await stranger.disconnect()


async def test_stop_goes_on_when_the_finish_gets_no_answer(tg: Sandbox) -> None:
    user = tg.add_user("+15557610004", "Exporter")
    async with Relay(tg.dc_addresses[0]) as relay:
        app = make_client(tg, "export", takeout=True, network=relay.network(tg.network), timeout=3.0)
        await app.connect()
        await login(app, tg, user.phone)
        await app.start()
        assert app.takeout_id is not None
    await within(app.stop(), 30.0)  # the relay is gone: the finish times out, logged; the client stops anyway
    assert app.takeout_id is None and not app.is_connected


async def test_a_first_takeout_waits_out_its_delay_as_telegram_makes_it() -> None:
    """``Limits.takeout_delay``: the account's first export request is answered TAKEOUT_INIT_DELAY_X (raised by
    ``start()`` as Pyrogram raises it, with the seconds left), the next ones with what is left; once the wait is over
    the takeout session opens. The sandbox's clock is moved on instead of waiting an hour."""
    shift = [0.0]
    async with Sandbox(limits=Limits(takeout_delay=3600), clock=lambda: time.time() + shift[0]) as tg:
        user = tg.add_user("+15557610009", "Exporter")
        plain = await logged_in(tg, user.phone, "plain")
        session = await plain.export_session_string()
        await plain.disconnect()
        app = make_client(tg, "export", takeout=True, session_string=session)
        with pytest.raises(errors.TakeoutInitDelay) as first:
            await app.start()
        assert first.value.value == 3600 and not app.is_connected and app.takeout_id is None
        shift[0] += 600
        with pytest.raises(errors.TakeoutInitDelay) as again:
            await app.start()
        assert again.value.value == 3000  # the same wait, not a new one
        shift[0] += 3000
        await app.start()
        try:
            assert isinstance(app.takeout_id, int) and (await app.get_me()).id == user.id
        finally:
            await app.stop()


def test_a_negative_takeout_delay_is_refused_where_it_is_set() -> None:
    with pytest.raises(ValueError, match=r"Limits\.takeout_delay must be 0 or more seconds, got -1"):
        Limits(takeout_delay=-1)
