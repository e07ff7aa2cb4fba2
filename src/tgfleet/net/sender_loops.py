"""The loops of a live connection (reader, writer, pinger, prober) and its opening (first request, resend).

``serve`` returns only by raising: the error that ended the connection (the sender then reconnects or
fails). Nothing here decides about reconnecting; see ``sender.py``. The pinger sends a keep-alive
``ping_delay_disconnect`` every ``ping_interval``; the prober pings at once, with the short
``probe_timeout``, when the sender finds the connection suspect (a call timed out and nothing arrived
since it was sent), so a stalled stream is dropped within seconds instead of a keep-alive period.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, NoReturn

from tgfleet.errors import Flood, InternalServerError, NetworkError, RequestTimeout, RPCError
from tgfleet.mtproto.session import ClientSession
from tgfleet.net.connection import Connection
from tgfleet.net.state import ConnectionState
from tgfleet.net.timeouts import within

if TYPE_CHECKING:
    from tgfleet.net.sender import Sender


async def serve(sender: Sender, conn: Connection) -> NoReturn:
    session = sender.session
    assert session is not None
    sender._probe.clear()  # a suspicion about the previous connection says nothing about this one
    tasks = [
        asyncio.create_task(_reader(sender, conn, session), name=f"tgfleet reader DC {sender.dc_id}"),
        asyncio.create_task(_writer(sender, conn, session), name=f"tgfleet writer DC {sender.dc_id}"),
    ]
    try:
        if sender.hooks.first_request is not None:
            value = await _first_request(sender, session, tasks)
            if sender.hooks.on_first_result is not None:
                sender.hooks.on_first_result(value)
        session.resend_all()
        sender._ready.set()
        sender.states.set(ConnectionState.CONNECTED)
        sender._wake.set()
        tasks.append(asyncio.create_task(_pinger(sender, session), name=f"tgfleet pinger DC {sender.dc_id}"))
        tasks.append(asyncio.create_task(_prober(sender, session), name=f"tgfleet prober DC {sender.dc_id}"))
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
        raise NetworkError("connection loops ended")  # pragma: no cover - the loops only end by raising
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _first_request(sender: Sender, session: ClientSession, tasks: list[asyncio.Task[None]]) -> Any:
    """Send the connection's first request (initConnection) and wait for it before anything else goes out."""
    assert sender.hooks.first_request is not None
    request = session.send(sender.hooks.first_request())
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    sender._waiting[request.id] = future
    sender._wake.set()
    try:
        done, _ = await asyncio.wait(
            [future, *tasks], timeout=sender.config.connect_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if future in done:
            return future.result()
        for task in done:
            task.result()
        raise RequestTimeout(f"DC {sender.dc_id} did not answer the connection's first request in time")
    except (Flood, InternalServerError) as e:
        raise NetworkError(f"DC {sender.dc_id} refused the connection's first request for now: {e}") from e
    except RPCError as e:
        sender.fail(e)  # a configuration problem (api_id, layer): reconnecting cannot fix it
        raise
    finally:
        if sender._waiting.pop(request.id, None) is not None:
            session.forget(request)


async def _reader(sender: Sender, conn: Connection, session: ClientSession) -> None:
    loop = asyncio.get_running_loop()
    while True:
        payload = await conn.recv()
        sender._received_at = loop.time()
        for event in session.receive(payload, sender._clock()):
            sender._dispatch(event)
        sender._wake.set()


async def _writer(sender: Sender, conn: Connection, session: ClientSession) -> None:
    """Send whatever the session has, then sleep until woken (new calls, received messages) or until the
    session's next deadline (pending acks)."""
    loop = asyncio.get_running_loop()
    timer: asyncio.TimerHandle | None = None
    try:
        while True:
            sender._wake.clear()
            while (data := session.data_to_send(sender._clock())) is not None:
                await conn.send(data)
            if timer is not None:
                timer.cancel()
                timer = None
            deadline = session.next_deadline()
            if deadline is not None:
                timer = loop.call_later(max(deadline - sender._clock(), 0.0), sender._wake.set)
            await sender._wake.wait()
    finally:
        if timer is not None:
            timer.cancel()


async def _pinger(sender: Sender, session: ClientSession) -> None:
    """``ping_delay_disconnect`` every ``ping_interval``; no pong within ``ping_timeout``: the link is dead."""
    interval = sender.config.ping_interval
    while True:
        await asyncio.sleep(interval)
        await _ping(sender, session, sender.config.ping_timeout, disconnect_delay=int(interval + 15))


async def _prober(sender: Sender, session: ClientSession) -> None:
    """Whenever the sender finds the connection suspect: a ping that must answer within ``probe_timeout``."""
    while True:
        await sender._probe.wait()
        sender._probe.clear()
        await _ping(sender, session, sender.config.probe_timeout, disconnect_delay=None, why=" after a call timed out")


async def _ping(
    sender: Sender, session: ClientSession, patience: float, *, disconnect_delay: int | None, why: str = ""
) -> None:
    """One ping; raises NetworkError (ending the connection) when no pong arrives within ``patience``."""
    ping_id = int.from_bytes(sender._random(8), "little", signed=True)
    request = session.ping(ping_id, disconnect_delay=disconnect_delay)
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    sender._waiting[request.id] = future
    sender._wake.set()
    try:
        await within(future, patience)
    except asyncio.TimeoutError:
        raise NetworkError(f"no answer to a ping within {patience:g} s{why}: the connection is dead") from None
    finally:
        if sender._waiting.pop(request.id, None) is not None:
            session.forget(request)
