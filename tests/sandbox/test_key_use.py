"""``Sandbox.key_use``: the connections each auth key's packets arrive on. One client that reconnects leaves its
connections' spans one after the other; two clients running one session at once overlap, and ``overlaps()`` says
so (what Telegram answers with AUTH_KEY_DUPLICATED; the rule is switched off here to watch the observer alone:
``test_duplicate_keys.py`` has the rule)."""

from __future__ import annotations

import itertools

from tgfleet.client.session_strings import decode_session_string
from tgfleet.crypto.kdf import auth_key_id
from tgfleet.sandbox import Sandbox

from ..client.helpers import logged_in, make_client


async def test_a_reconnecting_client_leaves_spans_one_after_the_other(tg: Sandbox) -> None:
    user = tg.add_user("+15557000001", "Solo")
    client = await logged_in(tg, user.phone)
    try:
        key_id = auth_key_id(decode_session_string(await client.export_session_string()).auth_key)
        await client.get_me()
        assert tg.drop_connections() >= 1
        await client.get_me()  # on a new connection
        spans = tg.key_use.spans(key_id)
        assert len(spans) >= 2 and all(a.last < b.first for a, b in itertools.pairwise(spans))
        assert tg.key_use.packets(key_id) >= 3 and tg.key_use.overlaps() == []
    finally:
        await client.disconnect()


async def test_one_session_on_two_connections_at_once_overlaps(tg: Sandbox) -> None:
    tg.detect_duplicate_keys(False)
    user = tg.add_user("+15557000002", "Twice")
    first = await logged_in(tg, user.phone)
    text = await first.export_session_string()
    second = make_client(tg, "copy", session_string=text)
    try:
        await second.connect()
        await first.get_me()
        await second.get_me()
        await first.get_me()
        key_id = auth_key_id(decode_session_string(text).auth_key)
        [(key, earlier, later)] = tg.key_use.overlaps()
        assert key == key_id and earlier.connection != later.connection and later.first < earlier.last
    finally:
        await first.disconnect()
        await second.disconnect()
