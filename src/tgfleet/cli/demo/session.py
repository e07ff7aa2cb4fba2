"""Demo step 3: export the session string and restore a client from it (decode, load auth_key, DC config,
verify), as the second process of docs/requirements.md §3 describes."""

from __future__ import annotations

from tgfleet import Client, ConnectionState
from tgfleet.cli.demo.base import Demo, Stopwatch, expect, ms
from tgfleet.cli.demo.login import key_id
from tgfleet.cli.output import short
from tgfleet.client.session_strings import decode_session_string


async def restore(demo: Demo) -> str:
    out = demo.out
    alice: Client = demo.facts["alice"]
    text = await alice.export_session_string()
    out.ok(f"export_session_string() {out.arrow} {len(text)} characters: {short(text)}")
    out.note("Pyrogram's format (Pyrogram itself can load it): URL-safe base64 of dc_id, api_id, test_mode,")
    out.note("auth_key, user_id, is_bot. It is a password: whoever holds it is logged in as Alice")
    expect(len(text) == 362, f"a Pyrogram session string has 362 characters, not {len(text)}")
    await alice.disconnect()
    out.say("alice.disconnect(): the program ends here; a new one starts from the string")
    out.say('restored = Client("alice", session_string=..., api_id=..., api_hash=..., network=tg.network)')

    clock = Stopwatch()
    data = decode_session_string(text)
    out.ok(f"1. decode: {data.format}, home DC {data.dc_id}, api_id {data.api_id}, user_id {data.user_id}, "
           f"test_mode {data.test_mode}")  # fmt: skip
    restored = demo.client("restored", session_string=text)
    demo.facts["restored"] = restored
    watch = demo.watches["restored"]
    authorized = await restored.connect()
    took = clock.elapsed
    storage = restored.storage
    assert storage is not None
    key = storage.get_auth_key(data.dc_id)
    expect(key == data.auth_key, "the restored client should reuse the key from the string")
    out.ok(f"2. load auth_key for DC {data.dc_id} (id {key_id(key)}): no key exchange, the stored key is reused")
    connected = await watch.wait_for(ConnectionState.CONNECTED)
    expect(connected.dc_id == data.dc_id, f"the restored client connected to DC {connected.dc_id}")
    options = storage.get_dc_options()
    expect(bool(options), "the DC configuration should have been fetched")
    out.ok(f"3. DC config: initConnection + help.getConfig on DC {data.dc_id} {out.arrow} {len(options)} DC addresses")
    expect(authorized and storage.get_user_id() == demo.alice.id, "the restored session should be Alice's")
    out.ok(f"4. verify: users.getUsers(self) {out.arrow} user {storage.get_user_id()}: the key is still logged in")
    out.note("a revoked key would raise AuthKeyUnregistered here: then log in again and export a new string")
    out.ok(f"restored and CONNECTED in {ms(took)} (connect() returned {authorized})")
    return f"{len(text)}-character string, restored on DC {data.dc_id} in {ms(took)} without a key exchange"
