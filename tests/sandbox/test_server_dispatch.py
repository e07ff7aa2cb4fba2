"""Keys per DC, connection init, wrappers and answers, as a real client sees them on the wire."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from tgfleet.errors import RPCError, TransportCodeError
from tgfleet.mtproto.handshake import HandshakeResult
from tgfleet.mtproto.session import NewSession
from tgfleet.sandbox.contract import CallContext
from tgfleet.tl import LAYER, functions, types
from tgfleet.tl import mtproto as mt

from .server_double import DoubleWorld, context_of
from .server_wire import WireClient, connected, init, running


async def test_unknown_auth_key_gets_404_and_is_closed() -> None:
    async with running() as tg:
        client = await WireClient.connect(tg.network.address(2))
        client.use_key(HandshakeResult(os.urandom(256), 0, 0, 0.0, 0))
        client.send(init(functions.help.GetConfig()))
        with pytest.raises(TransportCodeError) as caught:
            await client.recv_payload()
        assert caught.value.code == -404
        await client.closed()


async def test_key_of_another_dc_is_unknown() -> None:
    async with running() as tg:
        on_two = await connected(tg, dc=2)
        assert on_two.auth is not None
        other = await WireClient.connect(tg.network.address(3))
        other.use_key(on_two.auth)
        other.send(init(functions.help.GetConfig()))
        with pytest.raises(TransportCodeError) as caught:
            await other.recv_payload()
        assert caught.value.code == -404
        assert on_two.auth.auth_key_id in tg.auth_key_ids(2)
        assert on_two.auth.auth_key_id not in tg.auth_key_ids(3)
        await on_two.invoke(functions.help.GetNearestDc())  # the DC 2 connection is unaffected


async def test_connection_not_inited_until_init_connection() -> None:
    async with running() as tg:
        client = await connected(tg, initialized=False)
        error = await client.rpc_error(functions.help.GetConfig())
        assert (error.code, error.ID) == (400, "CONNECTION_NOT_INITED")
        error = await client.rpc_error(functions.InvokeWithLayer(layer=LAYER, query=functions.help.GetConfig()))
        assert error.ID == "CONNECTION_NOT_INITED"
        assert isinstance(await client.invoke(init(functions.help.GetConfig())), types.Config)
        assert isinstance(await client.invoke(functions.help.GetConfig()), types.Config)  # remembered per key
        assert client.auth is not None
        again = await WireClient.connect(tg.network.address(2))
        again.use_key(client.auth)
        assert isinstance(await again.invoke(functions.help.GetNearestDc()), types.NearestDc)


@pytest.mark.parametrize(
    ("layer", "api_id", "error"),
    [(LAYER + 1, 1, "CONNECTION_LAYER_INVALID"), (1, 1, "CONNECTION_LAYER_INVALID"), (LAYER, 4242, "API_ID_INVALID")],
)
async def test_bad_layer_or_api_id(layer: int, api_id: int, error: str) -> None:
    async with running() as tg:
        client = await connected(tg, initialized=False)
        failed = await client.rpc_error(init(functions.help.GetConfig(), layer=layer, api_id=api_id))
        assert (failed.code, failed.ID) == (400, error)
        assert (await client.rpc_error(functions.help.GetConfig())).ID == "CONNECTION_NOT_INITED"


async def test_init_connection_needs_a_device_model() -> None:
    async with running() as tg:
        client = await connected(tg, initialized=False)
        call = init(functions.help.GetConfig())
        call.query.device_model = ""  # type: ignore[attr-defined]
        assert (await client.rpc_error(call)).ID == "CONNECTION_DEVICE_MODEL_EMPTY"


async def test_context_reflects_wrappers_and_authorization() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        client = await connected(tg)
        assert client.auth is not None
        seen = context_of(await client.invoke(functions.help.GetAppConfig(hash=0)))
        assert seen == {"dc_id": 2, "user_id": 0, "layer": LAYER, "updates": 1}
        world.users[client.auth.auth_key_id] = 777
        quiet = functions.InvokeWithoutUpdates(query=functions.help.GetAppConfig(hash=0))
        after = functions.InvokeAfterMsg(msg_id=1, query=functions.InvokeWithLayer(layer=LAYER - 5, query=quiet))
        seen = context_of(await client.invoke(after))
        assert seen == {"dc_id": 2, "user_id": 777, "layer": LAYER - 5, "updates": 0}
        ctx, _ = world.calls[-1]
        assert ctx.auth_key_id == client.auth.auth_key_id and ctx.api_id == tg.api_id
        assert ctx.session_id == client.session.session_id  # type: ignore[union-attr]


async def test_calls_are_answered_in_order() -> None:
    world = DoubleWorld()
    order: list[int] = []

    async def record(ctx: CallContext, request: Any) -> Any:
        order.append(request.max_qts)
        await asyncio.sleep(0)
        return [request.max_qts, -request.max_qts]

    world.handlers[functions.messages.ReceivedQueue] = record
    async with running(world) as tg:
        client = await connected(tg)
        requests = [
            client.send(functions.InvokeAfterMsgs(msg_ids=[], query=functions.messages.ReceivedQueue(max_qts=i)))
            for i in range(20)
        ]
        results = await client.results(requests)
        assert order == list(range(20))
        assert results == [[i, -i] for i in range(20)]  # a list of ints: a Vector<long>


async def test_answers_of_every_shape() -> None:
    world = DoubleWorld()

    async def yes(ctx: CallContext, request: Any) -> Any:
        return True

    async def ids(ctx: CallContext, request: Any) -> Any:
        return [1, 2, 3]

    world.handlers[functions.help.SaveAppLog] = yes
    world.handlers[functions.contacts.GetContactIDs] = ids
    async with running(world) as tg:
        client = await connected(tg)
        assert client.auth is not None
        world.users[client.auth.auth_key_id] = 5
        assert await client.invoke(functions.help.SaveAppLog(events=[])) is True
        assert await client.invoke(functions.contacts.GetContactIDs(hash=0)) == [1, 2, 3]
        users = await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf(), types.InputUserSelf()]))
        assert users == [types.UserEmpty(id=5), types.UserEmpty(id=5)]


async def test_unknown_method_and_failing_handlers_get_rpc_errors(caplog: pytest.LogCaptureFixture) -> None:
    world = DoubleWorld()

    async def boom(ctx: CallContext, request: Any) -> Any:
        raise ValueError("the world has a bug")

    async def bad_answer(ctx: CallContext, request: Any) -> Any:
        return object()

    async def stuck(ctx: CallContext, request: Any) -> Any:
        await asyncio.Event().wait()

    world.handlers[functions.help.GetCdnConfig] = boom
    world.handlers[functions.help.GetSupport] = bad_answer
    world.handlers[functions.help.GetInviteText] = stuck
    async with running(world, limits=_limits(call_timeout=0.2)) as tg:
        client = await connected(tg)
        missing = await client.rpc_error(functions.help.GetTermsOfServiceUpdate())
        assert (missing.code, missing.ID) == (400, "METHOD_NOT_IMPLEMENTED_IN_SANDBOX")
        for call in (functions.help.GetCdnConfig(), functions.help.GetSupport()):
            failed = await client.rpc_error(call)
            assert (failed.code, failed.ID) == (500, "INTERNAL_SERVER_ERROR")
        timed_out = await client.rpc_error(functions.help.GetInviteText())
        assert (timed_out.code, timed_out.ID) == (-503, "Timeout")
        assert isinstance(await client.invoke(functions.help.GetConfig()), types.Config)  # still served
    assert "the world has a bug" in caplog.text


async def test_destroy_session() -> None:
    async with running() as tg:
        first = await connected(tg)
        assert first.auth is not None
        second = await WireClient.connect(tg.network.address(2))
        second.use_key(first.auth)
        await second.invoke(functions.help.GetNearestDc())
        target = second.session.session_id  # type: ignore[union-attr]
        assert await first.invoke(mt.DestroySession(session_id=target)) == mt.DestroySessionOk(session_id=target)
        assert await first.invoke(mt.DestroySession(session_id=target)) == mt.DestroySessionNone(session_id=target)
        await second.invoke(functions.help.GetNearestDc())  # the session is created again
        assert any(isinstance(e, NewSession) for e in second.events)


async def test_sessions_per_key_are_bounded() -> None:
    async with running(limits=_limits(max_sessions_per_key=2)) as tg:
        first = await connected(tg)
        assert first.auth is not None
        for _ in range(2):
            other = await WireClient.connect(tg.network.address(2))
            other.use_key(first.auth)
            await other.invoke(functions.help.GetNearestDc())
            await other.close()
        assert tg.stats()["sessions"][2] == 2
        first.events.clear()
        await first.invoke(functions.help.GetNearestDc())  # forgotten: the server creates it again
        assert any(isinstance(e, NewSession) for e in first.events)


async def test_ping_delay_disconnect_closes_the_connection() -> None:
    async with running() as tg:
        client = await connected(tg)
        assert client.session is not None
        client.session.ping(1, disconnect_delay=1)
        client.flush()
        started = asyncio.get_running_loop().time()
        await client.closed(timeout=5)
        assert asyncio.get_running_loop().time() - started >= 0.9


async def test_rpc_error_types() -> None:
    async with running() as tg:
        client = await connected(tg, initialized=False)
        error = await client.rpc_error(functions.help.GetConfig())
        assert isinstance(error, RPCError) and type(error).__name__ == "ConnectionNotInited"


def _limits(**kwargs: Any) -> Any:
    from tgfleet.sandbox.server_limits import Limits

    return Limits(**kwargs)


async def test_service_and_non_api_calls() -> None:
    async with running() as tg:
        client = await connected(tg)
        error = await client.rpc_error(mt.ReqPqMulti(nonce=bytes(16)))
        assert (error.code, error.ID) == (400, "INPUT_METHOD_INVALID")
        not_a_call = functions.InvokeWithLayer(layer=LAYER, query=types.InputUserSelf())  # type: ignore[arg-type]
        assert (await client.rpc_error(not_a_call)).ID == "INPUT_METHOD_INVALID"


async def test_destroy_auth_key_forgets_the_key() -> None:
    world = DoubleWorld()
    async with running(world) as tg:
        client = await connected(tg)
        assert client.auth is not None
        world.users[client.auth.auth_key_id] = 9
        assert await client.invoke(mt.DestroyAuthKey()) == mt.DestroyAuthKeyOk()
        assert client.auth.auth_key_id not in tg.auth_key_ids(2)
        assert world.revoked == [client.auth.auth_key_id]
        client.send(functions.help.GetNearestDc())
        with pytest.raises(TransportCodeError) as caught:
            await client.recv_payload()
        assert caught.value.code == -404
