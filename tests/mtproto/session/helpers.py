"""Shared pieces of the session tests: deterministic randomness, hand-built messages, an in-memory pair."""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from typing import Any

from tgfleet.crypto.kdf import X_CLIENT, X_SERVER
from tgfleet.mtproto.msgid import SERVER, MsgIdGenerator
from tgfleet.mtproto.session import (
    Call,
    ClientSession,
    Envelope,
    Event,
    ServerEvent,
    ServerSalts,
    ServerSession,
    decrypt_server_side,
    open_envelope,
    seal,
)
from tgfleet.mtproto.session.body import split
from tgfleet.tl import TLObject, functions, types
from tgfleet.tl.core.writer import write_vector_object

NOW = 1_700_000_000.0


def seeded(seed: int) -> Callable[[int], bytes]:
    """A deterministic ``random``."""
    return _random.Random(seed).randbytes


def msg_id_at(t: float, residue: int = 0) -> int:
    """A msg_id for unix time ``t`` with the given residue mod 4."""
    return (int(t * 4294967296.0) & ~3) | residue


def client_message(
    key: bytes, session_id: int, msg_id: int, seqno: int, body: bytes, salt: int = 0, seed: int = 7
) -> bytes:
    """A client -> server message with any header, right or wrong."""
    return seal(_auth(key), X_CLIENT, (salt, session_id, msg_id, seqno), body, seeded(seed))


def server_message(
    client: ClientSession, body: bytes, t: float, *, seqno: int = 1, msg_id: int | None = None, salt: int = 0
) -> bytes:
    """A server -> client message for ``client``'s session, sent at server time ``t``."""
    header = (salt, client.session_id, msg_id if msg_id is not None else msg_id_at(t, 1), seqno)
    return seal(client.auth_key, X_SERVER, header, body, seeded(9))


def container(items: list[tuple[int, int, bytes]]) -> bytes:
    """A boxed msg_container of (msg_id, seqno, body) items."""
    out = bytearray(b"\xdc\xf8\xf1\x73") + len(items).to_bytes(4, "little")
    for msg_id, seqno, body in items:
        out += (
            msg_id.to_bytes(8, "little", signed=True)
            + seqno.to_bytes(4, "little", signed=True)
            + len(body).to_bytes(4, "little")
        )
        out += body
    return bytes(out)


def sent_items(key: bytes, data: bytes) -> tuple[Envelope, list[tuple[int, int, bytes]]]:
    """What the client put in a message: the envelope and its (msg_id, seqno, body) items."""
    env = decrypt_server_side(key, data)
    _, items = split(env.body, env.msg_id, env.seqno)
    return env, [(i.msg_id, i.seqno, i.body) for i in items]


def server_sent(client: ClientSession, data: bytes) -> Envelope:
    return open_envelope(client.auth_key, data, X_SERVER)


Fingerprint = tuple[object, ...]


def client_fingerprint(client: ClientSession, now: float) -> Fingerprint:
    """What a client session shows and would send next: session_id, salt, clock, pending acks, unanswered
    requests, then every message it sends after ``resend_all`` with all acks flushed (decrypted: numbering,
    salt, acks, service answers, requests). Two sessions built alike from the same seeded ``random`` have equal
    fingerprints unless something changed one of them. Drains the session."""
    shown = (
        client.session_id,
        client.salt,
        client.time_offset,
        client.next_deadline(),
        [(r.id, r.msg_id, r.acked) for r in client.unanswered()],
    )
    client.resend_all()
    key = client.auth_key.key
    return shown, [sent_items(key, data) for data in iter(lambda: client.data_to_send(now, flush_acks=True), None)]


def server_fingerprint(server: ServerSession, now: float) -> Fingerprint:
    """The same for a server session: whether it exists for the client yet, the newest msg_id it saw, and every
    message it sends after ``resend_unacked`` (acks, answers, everything not acknowledged). Drains the session."""
    server.resend_unacked()
    sent = []
    while (data := server.data_to_send(now)) is not None:
        env = open_envelope(server.auth_key, data, X_SERVER)
        sent.append((env, split(env.body, env.msg_id, env.seqno)[1]))
    return server.created, server.newest_msg_id, sent


def _auth(key: bytes) -> Any:
    from tgfleet.crypto.kdf import AuthKey

    return AuthKey(key)


# --- a fake API, answering with real result objects ---------------------------------------------------


CONFIG_INTS = (
    "chat_size_max",
    "megagroup_size_max",
    "forwarded_count_max",
    "online_update_period_ms",
    "offline_blur_timeout_ms",
    "offline_idle_timeout_ms",
    "online_cloud_timeout_ms",
    "notify_cloud_delay_ms",
    "notify_default_delay_ms",
    "push_chat_period_ms",
    "push_chat_limit",
    "edit_time_limit",
    "revoke_time_limit",
    "revoke_pm_time_limit",
    "rating_e_decay",
    "stickers_recent_limit",
    "channels_read_media_period",
    "call_receive_timeout_ms",
    "call_ring_timeout_ms",
    "call_connect_timeout_ms",
    "call_packet_timeout_ms",
    "caption_length_max",
    "message_length_max",
    "webfile_dc_id",
)


def big_config(n: int) -> types.Config:
    dcs = [types.DcOption(id=i % 5 + 1, ip_address=f"149.154.{i}.{i * 7 % 255}", port=443) for i in range(n)]
    ints = dict.fromkeys(CONFIG_INTS, 1000)
    return types.Config(
        date=int(NOW),
        expires=int(NOW) + 3600,
        test_mode=True,
        this_dc=2,
        dc_options=dcs,
        dc_txt_domain_name="_sandbox.local",
        me_url_prefix="https://t.me/",
        **ints,
    )


def users(n: int) -> list[types.User]:
    return [types.User(id=1000 + i, first_name=f"User {i}", username=f"user{i}", access_hash=i * 31) for i in range(n)]


def answer(obj: TLObject) -> Any:
    """The sandbox stand-in: a result for each call the tests make."""
    while isinstance(obj, functions.InvokeWithLayer | functions.InitConnection):
        obj = obj.query
    if isinstance(obj, functions.help.GetConfig):
        return big_config(40)
    if isinstance(obj, functions.messages.SendMessage):
        if obj.random_id % 17 == 0:
            return (420, "FLOOD_WAIT_3")
        return types.UpdateShortSentMessage(id=obj.random_id % 100_000, pts=1, pts_count=1, date=int(NOW))
    if isinstance(obj, functions.users.GetUsers):
        out = bytearray()
        write_vector_object(out, users(len(obj.id)))
        return bytes(out)  # Vector<User>: pre-serialized
    if isinstance(obj, functions.help.GetNearestDc):
        return types.NearestDc(country="NL", this_dc=2, nearest_dc=2)
    return (400, "INPUT_METHOD_INVALID")


class Pair:
    """A ClientSession and the server sessions of its auth key, wired together in memory.

    ``skew`` is added to the client's clock (client clock = server clock + skew).
    """

    def __init__(
        self,
        seed: int = 1,
        *,
        salt: int | None = None,
        window: int = 512,
        key: bytes | None = None,
        key_salt: int | None = None,
        now: float = NOW,
        time_offset: float = 0.0,
    ) -> None:
        """``key`` / ``key_salt``: an auth key and the first salt a handshake produced (default: random)."""
        self.random = seeded(seed)
        self.key = self.random(256) if key is None else key
        self.now = now
        self.skew = 0.0
        self.salts = ServerSalts(random=self.random, first=key_salt, now=now)
        first = self.salts.current(self.now) if salt is None else salt
        self.client = ClientSession(self.key, salt=first, random=self.random, time_offset=time_offset)
        self.window = window
        self.ids = MsgIdGenerator(SERVER)  # one per server: a re-created session never repeats an id
        self.servers: dict[int, ServerSession] = {}
        self.events: list[Event] = []
        self.server_events: list[ServerEvent] = []
        self.calls = 0

    def server(self, session_id: int) -> ServerSession:
        session = self.servers.get(session_id)
        if session is None:
            session = ServerSession(
                self.key, session_id, salts=self.salts, random=self.random, window=self.window, msg_ids=self.ids
            )
            self.servers[session_id] = session
        return session

    def to_server(self, data: bytes) -> None:
        env = decrypt_server_side(self.key, data)
        session = self.server(env.session_id)
        for event in session.receive_envelope(env, self.now):
            self.server_events.append(event)
            if isinstance(event, Call):
                self.calls += 1
                session.reply(event.msg_id, answer(event.obj))

    def round(self, flush_acks: bool = False) -> bool:
        """One exchange both ways; False when nothing moved."""
        moved = False
        while (data := self.client.data_to_send(self.now + self.skew, flush_acks=flush_acks)) is not None:
            moved = True
            self.to_server(data)
        for session in list(self.servers.values()):
            while (data := session.data_to_send(self.now)) is not None:
                moved = True
                self.events.extend(self.client.receive(data, self.now + self.skew))
        return moved

    def run(self, rounds: int = 50) -> None:
        for _ in range(rounds):
            if not self.round():
                break
            self.now += 0.01
        self.round(flush_acks=True)
