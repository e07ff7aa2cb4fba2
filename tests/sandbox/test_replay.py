"""Replays after the sandbox has forgotten a session (``Limits.max_sessions_per_key``): a captured packet of a
forgotten session is refused (bad_msg_notification 20), not executed again, and evicts no live session; the
client of the forgotten session carries on with new messages."""

from __future__ import annotations

import time
from typing import Any

from tgfleet.crypto.kdf import X_CLIENT, X_SERVER, AuthKey
from tgfleet.mtproto.session import NewSession, open_envelope
from tgfleet.sandbox.server_limits import Limits
from tgfleet.tl import decode, functions
from tgfleet.tl import mtproto as mt

from .server_double import DoubleWorld
from .server_wire import WireClient, connected, init, on_key, running

SESSIONS = 2


def _server_messages(key: AuthKey, payload: bytes) -> list[Any]:
    """What one server packet carries (a container's messages one by one)."""
    body = decode(open_envelope(key, payload, X_SERVER).body)
    return [m.body for m in body.messages] if isinstance(body, mt.MsgContainer) else [body]


async def test_a_packet_of_a_forgotten_session_is_refused_not_executed_again() -> None:
    world = DoubleWorld()
    async with running(world, limits=Limits(max_sessions_per_key=SESSIONS)) as tg:
        first = await connected(tg)
        assert first.session is not None and first.auth is not None
        key = first.session.auth_key
        request = first.session.send(functions.help.GetAppConfig(hash=7))
        packet = first.session.data_to_send(time.time())
        assert packet is not None
        first.send_payload(packet)  # the packet an eavesdropper captured
        await first.results([request])
        msg_id = open_envelope(key, packet, X_CLIENT).msg_id

        def runs() -> int:
            return sum(isinstance(r, functions.help.GetAppConfig) and r.hash == 7 for _, r in world.calls)

        assert runs() == 1
        newer = []
        for _ in range(SESSIONS):  # newer sessions on the same key: the first one is forgotten
            client = await on_key(tg, first.auth)
            await client.invoke(init(functions.help.GetConfig()))
            client.events.clear()  # its own new_session_created
            newer.append(client)

        replay = await WireClient.connect(tg.network.address(2))
        replay.send_payload(packet)
        notes = _server_messages(key, await replay.recv_payload())
        assert [(n.bad_msg_id, n.error_code) for n in notes if isinstance(n, mt.BadMsgNotification)] == [(msg_id, 20)]
        assert runs() == 1

        for client in newer:  # the refused packet evicted neither of the live sessions
            await client.invoke(functions.help.GetConfig())
            assert not any(isinstance(e, NewSession) for e in client.events)
        # the forgotten session's own client goes on: its new messages are newer than anything it sent
        assert await first.invoke(functions.help.GetAppConfig(hash=8)) is not None
        assert any(isinstance(e, NewSession) for e in first.events)
