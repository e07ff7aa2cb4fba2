"""PEER_FLOOD (``peer_limits.py``) and the sessions list (``services/sessions.py``) over loopback with tgfleet's
Client: past the day's new non-contact peers a message that starts another chat gets PEER_FLOOD while replies and
contacts go through, until the next day of the world's clock or a reset; account.getAuthorizations marks the
caller's session ``current`` and a new login ``unconfirmed``; account.resetAuthorization ends another session, whose
next call gets SESSION_REVOKED, and auth.resetAuthorizations ends all the others, each once the caller's session is
a day old."""

from __future__ import annotations

import pytest

from tgfleet import errors
from tgfleet.sandbox.peer_limits import PeerLimits
from tgfleet.tl import functions

from ..client.helpers import logged_in
from .test_account_states import sandbox, send


async def test_past_the_days_new_peers_only_replies_and_contacts_go_through() -> None:
    async with sandbox() as (tg, world, clock):
        sender = tg.add_user("+15557300000", "Sender", dc=1)
        strangers = [tg.add_user(f"+1555730001{i}", f"S{i}", dc=1) for i in range(4)]
        writer, friend = tg.add_user("+15557300020", "Writer", dc=1), tg.add_user("+15557300021", "Friend", dc=1)
        world.set_peer_limits(PeerLimits(new_peers_per_day=2))
        world.send_message(writer.id, sender.id, "hi, it's me")  # wrote first: replying is no new peer
        world.add_contact(sender.id, friend.id)
        client = await logged_in(tg, sender.phone)
        try:
            await client.invoke(send(strangers[0], sender, "one"))
            await client.invoke(send(strangers[1], sender, "two"))
            await client.invoke(send(strangers[0], sender, "one again"))  # an existing chat: not new
            with pytest.raises(errors.PeerFlood):
                await client.invoke(send(strangers[2], sender, "three"))
            await client.invoke(send(writer, sender, "reply"))
            await client.invoke(send(friend, sender, "to a contact"))
            assert [m.text for m in world.messages_of(strangers[2].id)] == []

            clock.advance(86400)  # the next day of the world's clock
            await client.invoke(send(strangers[2], sender, "three"))
            await client.invoke(send(strangers[3], sender, "four"))
            with pytest.raises(errors.PeerFlood):
                await client.invoke(send(tg.add_user("+15557300030", "New", dc=1), sender, "five"))
            world.reset_peer_limits(sender.id)
            await client.invoke(send(world.user_by_phone("+15557300030"), sender, "five"))  # type: ignore[arg-type]
            world.set_peer_limits(PeerLimits.off())
            for i in range(3):
                await client.invoke(send(tg.add_user(f"+1555730004{i}", "Any", dc=1), sender, f"free {i}"))
        finally:
            await client.disconnect()
    with pytest.raises(ValueError):
        PeerLimits(new_peers_per_day=-1)
    with pytest.raises(TypeError):
        world.set_peer_limits(5)  # type: ignore[arg-type]


async def test_the_sessions_list_and_ending_another_session() -> None:
    async with sandbox() as (tg, world, clock):
        user = tg.add_user("+15557310001", "Two", dc=1)
        first = await logged_in(tg, user.phone, "first")
        second = await logged_in(tg, user.phone, "second")
        try:
            seen = (await second.invoke(functions.account.GetAuthorizations())).authorizations
            assert [(a.current, a.unconfirmed) for a in seen] == [(False, False), (True, True)]
            assert seen[1].hash == 0 and seen[0].hash != 0 and seen[1].device_model != ""
            assert [a.unconfirmed for a in world.authorizations_of(user.id)] == [False, True]

            mine = (await first.invoke(functions.account.GetAuthorizations())).authorizations
            other = next(a for a in mine if not a.current)
            await first.invoke(functions.account.ChangeAuthorizationSettings(hash=other.hash, confirmed=True))
            assert [a.unconfirmed for a in world.authorizations_of(user.id)] == [False, False]

            for bad in (0, other.hash + 1):  # one's own session (hash 0) or no session of the account
                with pytest.raises(errors.HashInvalid):
                    await first.invoke(functions.account.ResetAuthorization(hash=bad))
            with pytest.raises(errors.FreshResetAuthorisationForbidden):  # first logged in just now
                await first.invoke(functions.account.ResetAuthorization(hash=other.hash))
            clock.advance(86400)
            assert await first.invoke(functions.account.ResetAuthorization(hash=other.hash)) is True
            with pytest.raises(errors.SessionRevoked):
                await second.get_me()
            assert len(world.authorizations_of(user.id)) == 1
            assert (await first.get_me()).id == user.id
        finally:
            await first.disconnect()
            await second.disconnect()


async def test_reset_authorizations_ends_every_other_session_once_the_callers_is_a_day_old() -> None:
    async with sandbox() as (tg, world, clock):
        user = tg.add_user("+15557320001", "Many", dc=1)
        clients = [await logged_in(tg, user.phone, f"c{i}") for i in range(3)]
        try:
            with pytest.raises(errors.FreshResetAuthorisationForbidden):
                await clients[0].invoke(functions.auth.ResetAuthorizations())
            clock.advance(86400)
            assert await clients[0].invoke(functions.auth.ResetAuthorizations()) is True
            for ended in clients[1:]:
                with pytest.raises(errors.SessionRevoked):
                    await ended.get_me()
            assert len(world.authorizations_of(user.id)) == 1
        finally:
            for client in clients:
                await client.disconnect()
