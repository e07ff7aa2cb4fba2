"""Create an auth key over a fresh connection: the sans-IO client handshake driven over the network
(https://core.telegram.org/mtproto/auth_key)."""

from __future__ import annotations

import os
from collections.abc import Callable

from tgfleet.mtproto.handshake import ClientHandshake, HandshakeResult
from tgfleet.net.connection import Connection
from tgfleet.net.network import Network
from tgfleet.net.timeouts import within


async def exchange_key(
    conn: Connection,
    network: Network,
    dc_id: int,
    *,
    media: bool = False,
    temp_expires_in: int | None = None,
    step_timeout: float | None = None,
    clock: Callable[[], float],
    random: Callable[[int], bytes] = os.urandom,
    before_send: Callable[[], None] | None = None,
) -> HandshakeResult:
    """Run the key exchange on ``conn``; each of the server's answers must come within ``step_timeout``
    seconds (None: no limit), so a slow but progressing exchange (many at once on a busy machine) is not
    abandoned. ``before_send`` is called before every message is written (the sender's send gate: it
    raises to stop the exchange). Raises asyncio.TimeoutError, HandshakeError, TransportCodeError (e.g.
    -404 / -444 from the server) or NetworkError."""
    handshake = ClientHandshake(
        dc_id,
        list(network.public_keys),
        test_mode=network.test_mode,
        media=media,
        temp_expires_in=temp_expires_in,
        random=random,
    )
    out: bytes | HandshakeResult = handshake.start(clock())
    while isinstance(out, bytes):
        if before_send is not None:
            before_send()
        await conn.send(out)
        out = handshake.receive(await within(conn.recv(), step_timeout), clock())
    return out
