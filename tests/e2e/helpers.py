"""Shared pieces of the end-to-end tests: a world whose clock the test moves and whose calls it can see."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tgfleet.sandbox.contract import CallContext, MethodHandler
from tgfleet.sandbox.server import DEFAULT_API_HASH, DEFAULT_API_ID, Sandbox
from tgfleet.sandbox.world import World


class RecordingWorld(World):
    """The sandbox's real world that also records every API call it handles: (auth_key_id, method name).

    Only the network side's own methods (help.getConfig, help.getNearestDc) do not reach the world."""

    def __init__(self, **options: Any) -> None:
        super().__init__(api_id=DEFAULT_API_ID, api_hash=DEFAULT_API_HASH, **options)
        self.calls: list[tuple[int, str]] = []

    def handler(self, function_type: type) -> MethodHandler | None:
        inner = super().handler(function_type)
        if inner is None:
            return None
        name = getattr(function_type, "QUALNAME", function_type.__name__)

        async def recorded(ctx: CallContext, request: Any) -> Any:
            self.calls.append((ctx.auth_key_id, name))
            return await inner(ctx, request)

        return recorded

    def calls_of(self, auth_key_id: int, since: int = 0) -> list[str]:
        return [name for key, name in self.calls[since:] if key == auth_key_id]


def sandbox(dcs: int = 3, clock: Callable[[], float] = time.time, **world_options: Any) -> Sandbox:
    """A sandbox over a :class:`RecordingWorld` (``tg.world``) with the given world clock and options."""
    world = RecordingWorld(dcs=dcs, clock=clock, **world_options)
    return Sandbox(dcs=dcs, world=world)


def recording(tg: Sandbox) -> RecordingWorld:
    assert isinstance(tg.world, RecordingWorld)
    return tg.world
