"""Demo step 6: the four connection states: a dropped connection recovers by itself (DISCONNECTED ->
CONNECTING -> CONNECTED), a revoked session ends in FAILED, disconnect() ends in DISCONNECTED."""

from __future__ import annotations

from tgfleet import Client, ConnectionState
from tgfleet.cli.demo.base import Demo, DemoFailed, Stopwatch, expect, ms
from tgfleet.errors import AuthKeyUnregistered, ConnectionFailed


async def recovery(demo: Demo) -> str:
    out, tg = demo.out, demo.tg
    alice: Client = demo.facts["restored"]
    bob: Client = demo.facts["bob"]
    watch = demo.watches["restored"]
    mark = watch.mark()
    clock = Stopwatch()
    dropped = tg.drop_connections()
    out.say(f"tg.drop_connections(): the sandbox closed all {dropped} open connections (a network failure)")
    await watch.wait_for(ConnectionState.DISCONNECTED, mark)
    back = await watch.wait_for(ConnectionState.CONNECTED, mark)
    took = clock.elapsed
    path = watch.path(mark)
    out.ok(f"recovered by itself in {ms(took)}: {path} (DC {back.dc_id}); nothing to do in your code")
    message = await alice.send_message("me", "still here after the reconnect")
    out.ok(f'send_message("me", ...) {out.arrow} Message(id={message.id}): the same session keeps working')
    out.note("the client reconnects with backoff (RetryPolicy), resends what was in flight exactly once and")
    out.note("catches up on missed updates with updates.getDifference")

    bob_watch = demo.watches["bob"]
    bob_mark = bob_watch.mark()
    tg.revoke(user_id=demo.bob.id)
    out.say('tg.revoke(user_id=bob.id): the server forgets Bob\'s authorization ("terminate all sessions")')
    try:
        await bob.get_me()
        raise DemoFailed("a revoked session kept working")
    except AuthKeyUnregistered:
        raised = "AuthKeyUnregistered"
    except ConnectionFailed as e:  # the updates catch-up noticed first: the client had already FAILED
        expect(isinstance(e.reason, AuthKeyUnregistered), f"Bob's client failed for another reason: {e.reason}")
        raised = "ConnectionFailed (reason: AuthKeyUnregistered)"
    failed = await bob_watch.wait_for(ConnectionState.FAILED, bob_mark)
    out.ok(f"bob.get_me() raised {raised}; his client is {failed.state.name} (terminal: log in again)")

    mark = watch.mark()
    await alice.disconnect()
    gone = await watch.wait_for(ConnectionState.DISCONNECTED, mark)
    expect(not alice.is_connected, "the client still says it is connected")
    out.ok(f"restored.disconnect() {out.arrow} {gone.state.name}: connections closed, the session saved")
    return f"drop -> {path} in {ms(took)}; revoked -> FAILED; disconnect() -> DISCONNECTED"
