"""Kurigram (``pyrogram``) as an independent reference: the same TL bytes decoded by it, its parser and its
types, run without a connection."""

from __future__ import annotations

from collections.abc import Coroutine
from io import BytesIO
from typing import Any

from pyrogram import enums as kenums
from pyrogram import raw as kraw
from pyrogram import types as ktypes
from pyrogram.parser import Parser
from pyrogram.raw.core import TLObject as KTLObject

from tgfleet.tl import TLObject
from tgfleet.tl import types as t

_parser = Parser(None)
MODES = {"default": kenums.ParseMode.DEFAULT, "markdown": kenums.ParseMode.MARKDOWN, "html": kenums.ParseMode.HTML}


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run one of Kurigram's coroutines that never waits (parsing without a client), without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the coroutine waited for something")


def decode(obj: TLObject) -> Any:
    """Kurigram's object for the bytes of one of ours."""
    return KTLObject.read(BytesIO(obj.to_bytes()))


def norm_ours(entities: list[TLObject]) -> list[tuple[Any, ...]]:
    """Entities as comparable tuples: a mention by its user id, anything else by its TL bytes."""
    out = []
    for e in entities:
        any_e: Any = e
        if isinstance(e, t.MessageEntityMentionName):
            out.append((any_e.offset, any_e.length, "mention", any_e.user_id))
        else:
            out.append((any_e.offset, any_e.length, e.to_bytes().hex()))
    return out


def norm_theirs(entities: list[Any] | None) -> list[tuple[Any, ...]]:
    out = []
    for e in entities or []:
        if isinstance(e, kraw.types.InputMessageEntityMentionName):  # left unresolved without a client
            out.append((e.offset, e.length, "mention", e.user_id))
        else:
            out.append((e.offset, e.length, e.write().hex()))
    return out


def parse(markup: str, mode: str) -> tuple[str, list[tuple[Any, ...]]]:
    """Kurigram's (text, entities) of ``markup``."""
    result = run(_parser.parse(markup, MODES[mode]))
    return result["message"], norm_theirs(result["entities"])


def unparse(text: str, entities: list[TLObject], is_html: bool) -> str:
    """Kurigram's markup for our entities (decoded from their bytes into its ``MessageEntity`` objects)."""
    users = {}
    parsed = []
    for e in entities:
        raw_entity = decode(e)
        if isinstance(e, t.MessageEntityMentionName):
            users[e.user_id] = kraw.types.User(id=e.user_id, first_name="u")
        parsed.append(run(ktypes.MessageEntity._parse(None, raw_entity, users)))
    return str(Parser.unparse(text, parsed, is_html))


_client: Any = None


def client() -> Any:
    """A Kurigram client that is never started: what its types' parsers read (settings, caches)."""
    global _client
    if _client is None:
        import pyrogram

        _client = pyrogram.Client("kurigram", api_id=1, api_hash="0" * 32, in_memory=True, no_updates=True)
        _client.fetch_replies = False
    return _client


def messages(answer: TLObject) -> list[Any]:
    """Kurigram's ``Message`` objects for the messages of an ``updates`` answer (decoded from its bytes)."""
    theirs = decode(answer)
    users = {u.id: u for u in theirs.users}
    chats = {c.id: c for c in theirs.chats}
    return [run(ktypes.Message._parse(client(), u.message, users, chats, replies=0)) for u in theirs.updates]
