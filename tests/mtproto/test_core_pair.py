"""The whole sans-IO core in both roles, wired together in memory (no sockets, no event loop): a client
and a server complete the auth-key exchange, then run a thousand RPCs over the key it produced, with
containers, acks, gzip, salts changing mid-stream, bad_server_salt, a time-skew bad_msg (16) and
new_session_created."""

from __future__ import annotations

from tgfleet.mtproto.handshake import ClientHandshake, ServerHandshake

from .handshake.helpers import KEY, NOW, run_pair
from .session.helpers import Pair, seeded
from .session.test_pair import thousand_rpcs_with_faults


def test_handshake_then_a_thousand_rpcs() -> None:
    random = seeded(11)
    client = ClientHandshake(2, [KEY.public], random=random)
    server = ServerHandshake(KEY, dc_id=2, random=random)
    result, server_result = run_pair(client, server, now=NOW)
    assert result.auth_key == server_result.auth_key and result.server_salt == server_result.server_salt

    pair = Pair(seed=12, salt=result.server_salt, key=result.auth_key, key_salt=server_result.server_salt, now=NOW)
    thousand_rpcs_with_faults(pair, bad_salts=1)  # the handshake's salt is valid: only the rotation bounces
