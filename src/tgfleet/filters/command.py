"""``filters.command``: a message that starts with a command, whose words land in ``message.command``."""

from __future__ import annotations

import re
from typing import Any

from tgfleet.filters.filter import Filter, create

# An argument: a quoted run (the same quote closes it unless backslash-escaped), or a run of non-blanks.
_ARGUMENT = re.compile(r"""(["'])(.*?)(?<!\\)\1|(\S+)""")
_ESCAPED_QUOTE = re.compile(r"""\\(["'])""")


def split_arguments(text: str) -> list[str]:
    """The words after a command: quotes group words (``'a b'`` is one), ``\\"`` is a quote."""
    return [_ESCAPED_QUOTE.sub(r"\1", m.group(2) or m.group(3) or "") for m in _ARGUMENT.finditer(text)]


def _bot_username(client: Any) -> str:
    me = getattr(client, "me", None)
    return re.escape(getattr(me, "username", None) or "")


async def _command(flt: Any, client: Any, message: Any) -> bool:
    message.command = None
    text = getattr(message, "text", None) or getattr(message, "caption", None)
    if not text:
        return False
    username = _bot_username(client)
    flags = 0 if flt.case_sensitive else re.IGNORECASE
    for prefix in flt.prefixes:
        if not text.startswith(prefix):
            continue
        rest = str(text)[len(prefix) :]
        for name in flt.commands:
            head = re.match(rf"{re.escape(name)}(?:@?{username})?(?:\s|$)", rest, flags)  # and one blank
            if head is not None:
                message.command = [name, *split_arguments(rest[head.end() :])]
                return True
    return False


def command(commands: str | list[str], prefixes: str | list[str] | None = "/", case_sensitive: bool = False) -> Filter:
    """Messages whose text (or caption) starts with one of ``prefixes`` then one of ``commands`` (also as
    ``/cmd@your_username``), followed by a blank or the end. Sets ``message.command`` to the command then
    its arguments (``["start", "a", "b c"]`` for ``/start a "b c"``). ``prefixes=None`` or ``""`` allows no
    prefix; commands match regardless of case unless ``case_sensitive``."""
    names = commands if isinstance(commands, list) else [commands]
    chosen = {c if case_sensitive else c.lower() for c in names}
    given = [] if prefixes is None else prefixes if isinstance(prefixes, list) else [prefixes]
    return create(
        _command,
        "CommandFilter",
        commands=chosen,
        prefixes=set(given) if given else {""},
        case_sensitive=case_sensitive,
    )
