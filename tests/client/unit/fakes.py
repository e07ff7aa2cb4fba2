"""Stand-ins for the inputs of the client's parts, so each part is tested on its own: a call path that
records what it is asked and answers from a script, and a DC pool of such senders."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from tgfleet.client.invoke import method_name
from tgfleet.net.timeouts import within
from tgfleet.tl import TLFunction

PROMPTLY = 10.0
"""Bound of every wait in these tests."""
Answer = Any | BaseException | Callable[[TLFunction[Any]], Any]


class Calls:
    """Records every query (by TL name) and lets a test await the n-th call of a method."""

    def __init__(self) -> None:
        self.queries: list[TLFunction[Any]] = []
        self._changed = asyncio.Event()

    @property
    def names(self) -> list[str]:
        return [method_name(q) for q in self.queries]

    def count(self, method: str) -> int:
        return self.names.count(method)

    def add(self, query: TLFunction[Any]) -> None:
        self.queries.append(query)
        self._changed.set()

    async def wait_for(self, method: str, count: int = 1) -> None:
        """Until ``method`` was called ``count`` times (a bounded wait)."""

        async def _wait() -> None:
            while self.count(method) < count:
                self._changed.clear()
                await self._changed.wait()

        await within(_wait(), PROMPTLY)


class Script:
    """Answers by method, in the order given; the last one repeats until more are added. An exception is
    raised, a callable is called with the query."""

    def __init__(self) -> None:
        self._answers: dict[str, deque[Answer]] = defaultdict(deque)
        self._repeating: set[str] = set()  # methods whose last answer was used: the next ones replace it

    def then(self, method: str, *answers: Answer) -> Script:
        queue = self._answers[method]
        if method in self._repeating:
            queue.clear()
            self._repeating.discard(method)
        queue.extend(answers)
        return self

    def answer(self, query: TLFunction[Any]) -> Any:
        queue = self._answers.get(method_name(query))
        if not queue:
            raise AssertionError(f"no answer scripted for {method_name(query)}")
        if len(queue) > 1:
            answer = queue.popleft()
        else:
            answer = queue[0]
            self._repeating.add(method_name(query))
        if isinstance(answer, BaseException):
            raise answer
        return answer(query) if callable(answer) else answer


class FakeInvoke:
    """``await invoke(query)`` as the client's call path, answering from a :class:`Script`."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.calls = Calls()

    async def __call__(self, query: TLFunction[Any]) -> Any:
        self.calls.add(query)
        await asyncio.sleep(0)  # a real call always yields to the loop
        return self.script.answer(query)


class FakeSender:
    """A sender of one DC: answers from the pool's script, records calls and whether it was failed."""

    def __init__(self, dc_id: int, script: Script, calls: Calls) -> None:
        self.dc_id = dc_id
        self.script = script
        self.calls = calls
        self.failed: BaseException | None = None

    async def invoke(self, function: TLFunction[Any], *, timeout: float) -> Any:
        self.calls.add(function)
        return self.script.answer(function)

    def fail(self, reason: BaseException) -> None:
        self.failed = reason


class FakePool:
    """The DC pool: one :class:`FakeSender` per DC, answering from ``script`` (or from ``on_dc[dc]``);
    ``switch_home`` moves ``home_dc``; ``used`` lists the DC of every call in order, ``media`` whether each asked
    for the DC's media sender."""

    def __init__(self, script: Script, home_dc: int = 2, on_dc: dict[int, Script] | None = None) -> None:
        self.script = script
        self.on_dc = on_dc or {}
        self.home_dc = home_dc
        self.calls = Calls()
        self.senders: dict[int, FakeSender] = {}
        self.used: list[int] = []
        self.media: list[bool] = []

    async def sender(self, dc_id: int | None, timeout: float, *, media: bool = False, lane: int = 0) -> FakeSender:
        dc = self.home_dc if dc_id is None else dc_id
        self.used.append(dc)
        self.media.append(media)
        if dc not in self.senders:
            self.senders[dc] = FakeSender(dc, self.on_dc.get(dc, self.script), self.calls)
        return self.senders[dc]

    async def switch_home(self, dc_id: int, timeout: float) -> None:
        self.home_dc = dc_id
