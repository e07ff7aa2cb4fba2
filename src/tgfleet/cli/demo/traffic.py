"""Demo steps 4 and 5: messages to a second account (by username and by id), and flood waits."""

from __future__ import annotations

import asyncio

from tgfleet import Client, filters
from tgfleet.cli.demo.base import BOB, WAIT, Demo, DemoFailed, Stopwatch, expect
from tgfleet.errors import FloodWait
from tgfleet.net.timeouts import within
from tgfleet.tl import functions
from tgfleet.types import Message


async def messages(demo: Demo) -> str:
    out, tg = demo.out, demo.tg
    alice: Client = demo.facts["restored"]
    bob = demo.client("bob", show_states=False)
    demo.facts["bob"] = bob
    inbox: asyncio.Queue[Message] = asyncio.Queue()

    @bob.on_message(filters.incoming & filters.user(demo.alice.id))
    async def received(client: Client, message: Message) -> None:
        out.state(f"bob's on_message: {message.text!r} from user {message.from_user and message.from_user.id}")
        inbox.put_nowait(message)

    await bob.connect()
    sent = await bob.send_code(BOB.phone)
    await bob.sign_in(BOB.phone, sent.phone_code_hash, tg.login_code(BOB.phone))
    out.ok(f"a second client logged in as Bob (home DC {bob.dcs.home_dc}, no 2FA) with an on_message handler")

    by_name = await alice.send_message(f"@{BOB.username}", "Hi Bob! (sent by username)")
    out.ok(f'send_message("@{BOB.username}", ...) {out.arrow} Message(id={by_name.id}, chat.id={by_name.chat.id})')
    out.note("contacts.resolveUsername found Bob once; his id and access hash are now in the session's cache")
    by_id = await alice.send_message(demo.bob.id, "And again (sent by id)")
    out.ok(f"send_message({demo.bob.id}, ...) {out.arrow} Message(id={by_id.id}): no lookup needed")

    got: list[Message] = []
    try:
        while len(got) < 2:
            got.append(await within(inbox.get(), WAIT))
    except asyncio.TimeoutError:
        raise DemoFailed(f"Bob's on_message saw {len(got)} of 2 messages within {WAIT:.0f} s") from None
    expect([m.text for m in got] == [by_name.text, by_id.text], "Bob received other texts")
    box = [m for m in tg.messages_of(demo.bob.id, demo.alice.id) if not m.out]
    expect([m.text for m in box] == [by_name.text, by_id.text], "the sandbox's view of Bob's chat differs")
    out.ok(f"Bob received both: his handler ran twice, and the sandbox shows {len(box)} messages from Alice in his box")
    return "2 messages (by @username and by id) received by Bob's on_message and in the sandbox"


async def flood_waits(demo: Demo) -> str:
    out, tg = demo.out, demo.tg
    alice: Client = demo.facts["restored"]
    seconds = 2
    tg.force_flood(functions.messages.SendMessage, seconds)
    out.say(f"tg.force_flood(messages.SendMessage, {seconds}): the next send is answered 420 FLOOD_WAIT_{seconds}")
    clock = Stopwatch()
    await alice.send_message(f"@{BOB.username}", "sent after a flood wait")
    took = clock.elapsed
    expect(took >= seconds - 0.05, f"send_message returned after {took:.2f} s, before the flood wait ended")
    slept = [e for e in demo.flood_events if e.slept and e.source == "server"]
    expect(bool(slept), "no FloodWaitEvent was reported")
    out.ok(f"send_message() returned after {took:.1f} s: FLOOD_WAIT_{seconds} <= sleep_threshold "
           f"({alice.sleep_threshold:g} s), so the client slept and retried; the caller saw no error")  # fmt: skip

    long_wait = 120
    tg.force_flood(functions.users.GetUsers, long_wait)
    out.say(f"tg.force_flood(users.GetUsers, {long_wait})")
    try:
        await alice.get_me()
        raise DemoFailed("get_me should have raised FloodWait")
    except FloodWait as e:
        expect(e.value == long_wait, f"FloodWait.value is {e.value}, not {long_wait}")
        out.ok(f"get_me() raised FloodWait: e.value == {e.value} (above sleep_threshold, so the caller decides)")
    out.note("the usual pattern: except FloodWait as e: await asyncio.sleep(e.value), then retry.")
    out.note("The wait is remembered per method: calling get_me() again within 120 s is refused locally,")
    out.note("without a request. Other methods are not held back.")
    raised = f"FLOOD_WAIT_{long_wait} raised FloodWait(value={long_wait})"
    return f"FLOOD_WAIT_{seconds} slept and retried ({took:.1f} s); {raised}"
