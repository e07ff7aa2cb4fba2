"""Every transport a client can speak completes a key exchange and an RPC against the sandbox."""

from __future__ import annotations

import time

import pytest

from tgfleet.crypto.kdf import X_CLIENT, decrypt_message, msg_key_large
from tgfleet.tl import functions, types

from .server_wire import TRANSPORTS, WireClient, connected, init, running


@pytest.mark.parametrize(("transport", "obfuscated"), TRANSPORTS)
async def test_transport_handshake_and_rpc(transport: str, obfuscated: bool) -> None:
    async with running() as tg:
        client = await WireClient.connect(tg.network.address(2), transport, obfuscated)
        client.use_key(await client.handshake(2))
        config = await client.invoke(init(functions.help.GetConfig()))
        assert isinstance(config, types.Config)
        assert config.this_dc == 2
        assert sorted((o.id, o.port) for o in config.dc_options) == sorted((a.dc_id, a.port) for a in tg.dc_addresses)
        assert all(o.ip_address == "127.0.0.1" for o in config.dc_options)
        nearest = await client.invoke(functions.help.GetNearestDc())
        assert (nearest.country, nearest.this_dc, nearest.nearest_dc) == ("XX", 2, 2)
        await client.close()


@pytest.mark.parametrize("transport", ["abridged", "intermediate", "padded"])
async def test_quick_ack_on_request(transport: str) -> None:
    async with running() as tg:
        client = await connected(tg, transport=transport)
        assert client.session is not None and client.auth is not None
        request = client.session.send(functions.help.GetNearestDc())
        data = client.session.data_to_send(time.time())
        assert data is not None
        client.writer.write(client.codec.encode(data, quick_ack=True))
        await client.results([request])
        plaintext = decrypt_message(client.auth.auth_key, data, X_CLIENT)
        expected = int.from_bytes(msg_key_large(client.auth.auth_key, plaintext, X_CLIENT)[:4], "little")
        assert client.quick_acks == [expected | 0x80000000]
