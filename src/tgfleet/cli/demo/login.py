"""Demo steps 1 and 2: a new client connects (key exchange), then logs in with a code and a 2FA password."""

from __future__ import annotations

from tgfleet import Client, ConnectionState
from tgfleet.cli.demo.base import ALICE, Demo, DemoFailed, Stopwatch, expect, ms
from tgfleet.crypto.kdf import AuthKey
from tgfleet.errors import PasswordHashInvalid, PhoneCodeInvalid, SessionPasswordNeeded


def key_id(key: bytes | None) -> str:
    return "none" if key is None else f"{AuthKey(key).key_id & (2**64 - 1):#018x}"


async def new_client(demo: Demo) -> str:
    out, tg = demo.out, demo.tg
    out.say(f'alice = Client("alice", api_id={tg.api_id}, api_hash="{tg.api_hash[:6]}...", network=tg.network)')
    out.note("a brand-new session: no auth key yet, so connect() starts with the MTProto key exchange")
    alice = demo.client("alice")
    demo.facts["alice"] = alice
    watch = demo.watches["alice"]
    clock = Stopwatch()
    authorized = await alice.connect()
    took = clock.elapsed
    connected = await watch.wait_for(ConnectionState.CONNECTED)
    storage = alice.storage
    assert storage is not None
    dc = connected.dc_id
    path = f" {out.arrow} ".join(["DISCONNECTED", *(c.state.name for c in watch.changes)])
    out.ok(f"connect() returned in {ms(took)}: {path} on DC {dc}; logged in: {authorized}")
    out.note("TCP connect, then req_pq -> server_DH_params (RSA) -> set_client_DH_params: a shared 2048-bit")
    out.note(f"auth key (id {key_id(storage.get_auth_key(dc))}) that never crossed the wire; the first request,")
    out.note(f"initConnection + help.getConfig, brought the list of DCs ({len(storage.get_dc_options())} addresses)")
    expect(not authorized, "a new session cannot be logged in")
    return f"{path} on DC {dc} in {ms(took)}"


async def login(demo: Demo) -> str:
    out, tg = demo.out, demo.tg
    alice: Client = demo.facts["alice"]
    out.say(f"Alice's number {ALICE.phone} lives on DC {demo.alice.dc}; the client is on DC {alice.dcs.home_dc}")
    before = alice.dcs.home_dc
    sent = await alice.send_code(ALICE.phone)
    after = alice.dcs.home_dc
    expect(after == demo.alice.dc and after != before, f"send_code should have moved the home DC to {demo.alice.dc}")
    out.ok(f"send_code() handled PHONE_MIGRATE_{after} invisibly: home DC changed {before} {out.arrow} {after}")
    out.note(f"DC {before} answered auth.sendCode with 303 PHONE_MIGRATE_{after}; the client connected to DC {after},")
    out.note("made a key there and repeated the call. The caller only sees the result:")
    hash_shown = sent.phone_code_hash[:8] + "..."
    next_type = sent.next_type.name if sent.next_type else None
    fields = f"type={sent.type and sent.type.name}, next_type={next_type}, timeout={sent.timeout}"
    out.ok(f"SentCode(phone_code_hash='{hash_shown}', {fields})")
    code = tg.login_code(ALICE.phone)
    out.say(f"the login code is {code}")
    out.note("read from the sandbox here; in real life it arrives in the Telegram app (or by SMS)")
    try:
        await alice.sign_in(ALICE.phone, sent.phone_code_hash, "00000" if code != "00000" else "11111")
        raise DemoFailed("a wrong code was accepted")
    except PhoneCodeInvalid:
        out.ok("sign_in() with a wrong code raised PhoneCodeInvalid (ask again; the code stays valid)")
    try:
        await alice.sign_in(ALICE.phone, sent.phone_code_hash, code)
        raise DemoFailed("sign_in should have asked for the 2FA password")
    except SessionPasswordNeeded:
        out.ok("sign_in() raised SessionPasswordNeeded: the account has two-step verification")
    try:
        await alice.check_password("not the password")
        raise DemoFailed("a wrong 2FA password was accepted")
    except PasswordHashInvalid:
        out.ok("check_password() with a wrong password raised PasswordHashInvalid")
    assert ALICE.password is not None
    user = await alice.check_password(ALICE.password)
    expect(user.id == demo.alice.id, "check_password returned another user")
    out.ok(f"check_password(...) {out.arrow} User(id={user.id}, first_name='{user.first_name}', "
           f"username='{user.username}', phone_number='{user.phone_number}')")  # fmt: skip
    out.note("the password never leaves the machine: SRP proves it (PBKDF2-SHA512 + modular exponentiation)")
    return f"PHONE_MIGRATE {before}->{after}, SentCode, SessionPasswordNeeded, check_password -> User {user.id}"
