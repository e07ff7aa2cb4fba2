"""A Pyrogram-style script in its own process (no running loop): ``MODE INFO_FILE SESSION [SESSION2]``.

- ``sync``: ``with app:``, methods and a bound method without ``await``, ``app.start()`` / ``stop()``;
- ``idle``: ``app.start()``, ``idle()`` until SIGINT, then ``app.stop()``;
- ``compose``: two clients with a handler each, ``compose([a, b])`` until SIGINT.
Prints what it saw, one line each; logs tgfleet.client to stderr (the parent waits for idle's line)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tgfleet import Client, compose, filters, idle
from tgfleet.cli.netinfo import SandboxInfo

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
logging.getLogger("tgfleet.client").setLevel(logging.INFO)
mode, info_file, *sessions = sys.argv[1:]
info = SandboxInfo.load(Path(info_file))


def client(name: str, session: str) -> Client:
    return Client(name, api_id=info.api_id, api_hash=info.api_hash, session_string=session, network=info.network())


if mode == "sync":
    app = client("sync", sessions[0])
    with app:
        sent = app.send_message("me", "sync hello")
        print("sent", sent.text, sent.chat.id == app.me.id, flush=True)
        reply = sent.reply_text("sync reply", quote=True)
        print("replied", reply.text, flush=True)
    print("stopped", not app.storage.is_open, flush=True)
    app.start()
    print("again", app.get_me().id == app.me.id, flush=True)
    app.stop()
elif mode == "idle":
    app = client("idle", sessions[0])
    app.start()
    print("started", flush=True)
    idle()
    print("idle returned", flush=True)
    app.stop()
    print("stopped", flush=True)
elif mode == "compose":
    a, b = client("a", sessions[0]), client("b", sessions[1])
    for c in (a, b):

        @c.on_message(filters.incoming)
        async def on_message(c: Client, message: object) -> None:
            print("got", c.name, getattr(message, "text", None), flush=True)

    compose([a, b])
    print("composed done", not a.storage.is_open and not b.storage.is_open, flush=True)
