"""Pyrogram-style types: building ``Message`` objects from an ``updates`` answer, tgfleet vs Pyrogram (Kurigram).

(Named pyro_types.py: a script called types.py would shadow the standard library's ``types`` module.)

The answer is the sample corpus of the tests (tests/pyro/samples.py: text with entities, every media kind,
forwards, keyboards, service messages; users and chats), serialized once with tgfleet's TL classes. Each
library decodes the same bytes with its own TL layer and builds its own ``Message`` objects from them
(Kurigram: ``Message._parse`` with replies and topics not fetched, as it would with ``fetch_replies=False``).
tgfleet builds them lazily, so three rows show what a program pays:

1. decode + build every message (the dispatcher's cost when no handler reads it);
2. the same + read what filters and handlers mostly read (id, chat id and type, sender id, text, media);
3. the same + ``str(message)`` (every field of every object, nested).

Dispatching updates through filters and handlers is measured by ``client.py`` (``dispatch.py``).

Run: ``.venv/bin/python benchmarks/pyro_types.py [--quick] [--json out.json]``
"""

from __future__ import annotations

import io
import sys
import timeit
from collections.abc import Callable
from typing import Any

import _common as c

sys.path.insert(0, str(c.ROOT))
LIBS = ("tgfleet", "Pyrogram")


def _answer() -> bytes:
    from tests.pyro import samples

    return samples.updates(list(samples.MESSAGES.values())).to_bytes()


def _tgfleet() -> Callable[[bytes], list[Any]]:
    from tgfleet.tl import decode
    from tgfleet.types import Message

    def build(data: bytes) -> list[Any]:
        answer: Any = decode(data)
        users = {u.id: u for u in answer.users}
        chats = {ch.id: ch for ch in answer.chats}
        return [Message._parse(None, u.message, users, chats) for u in answer.updates]

    return build


def _pyrogram() -> Callable[[bytes], list[Any]]:
    import pyrogram
    from pyrogram.raw.core import TLObject
    from pyrogram.types import Message

    client = pyrogram.Client("bench", api_id=1, api_hash="0" * 32, in_memory=True, no_updates=True)
    client.fetch_replies = False

    def run(coro: Any) -> Any:
        try:
            coro.send(None)
        except StopIteration as done:
            return done.value
        raise RuntimeError("Kurigram's parser waited for something")

    def build(data: bytes) -> list[Any]:
        answer = TLObject.read(io.BytesIO(data))
        users = {u.id: u for u in answer.users}
        chats = {ch.id: ch for ch in answer.chats}
        return [run(Message._parse(client, u.message, users, chats, replies=0)) for u in answer.updates]

    return build


def _read_common(messages: list[Any]) -> list[Any]:
    seen = []
    for m in messages:
        chat, sender = m.chat, m.from_user
        seen.append((m.id, chat and chat.id, chat and chat.type, sender and sender.id, m.text, m.media))
    return seen


def _dump(messages: list[Any]) -> None:
    for m in messages:
        str(m)


ROWS: dict[str, Callable[[Callable[[bytes], list[Any]], bytes], Callable[[], None]]] = {
    "decode + build": lambda build, data: lambda: build(data) and None,
    "+ read id, chat, sender, text, media": lambda build, data: lambda: _read_common(build(data)) and None,
    "+ str() of every message": lambda build, data: lambda: _dump(build(data)),
}


def main() -> int:
    args = c.parse_args(__doc__.splitlines()[0])
    repeats, min_time = (3, 0.05) if args.quick else (7, 0.2)
    data = _answer()
    builders = {"tgfleet": _tgfleet(), "Pyrogram": _pyrogram()}
    count = len(builders["tgfleet"](data))
    assert count == len(builders["Pyrogram"](data))
    import logging

    logging.disable(logging.WARNING)  # Kurigram warns on each deprecated name str() reads
    rates: dict[str, dict[str, list[float]]] = {}
    for row, make in ROWS.items():
        timers = {lib: timeit.Timer(make(build, data)) for lib, build in builders.items()}
        rates[row] = c.ops_per_second(timers, repeats=repeats, min_time=min_time)

    version = sys.version.split()[0]
    print(f"# Types benchmark: {count} messages from one updates answer of {len(data)} B (Python {version})\n")
    print(c.NOISE_NOTE)
    print(f"Answers per second (higher is better), median of {repeats} interleaved samples of ~{min_time:g} s.\n")
    rows, goals = [], {}
    for row, per_lib in rates.items():
        med = {lib: c.median(v) for lib, v in per_lib.items()}
        adv = c.advantage(med["tgfleet"], [med["Pyrogram"]], higher_is_better=True)
        messages = {lib: c.fmt_rate(med[lib] * count) for lib in LIBS}
        rows.append([row, *(f"{c.fmt_rate(med[lib])} ({messages[lib]} msgs)" for lib in LIBS), c.fmt_ratio(adv)])
        goals[f"at least as fast as Pyrogram: {row}"] = med["tgfleet"] >= med["Pyrogram"]
    print(c.table(["", *LIBS, "tgfleet vs Pyrogram"], rows))
    print()
    for text, ok in goals.items():
        print(f"- {'PASS' if ok else 'FAIL'}: {text}")
    if args.json:
        c.write_json(args.json, {"machine": c.machine(), "messages": count, "rates": rates, "goals": goals})
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
