"""The sandbox's API methods, one module per area; each exports ``HANDLERS``: function class -> service, and
``sandbox/service_table.py`` merges them (this package imports none of its modules, so they may import it).

A service is ``async def service(world, ctx, request) -> MethodResult``; :class:`~tgfleet.sandbox.world.World`
binds it to itself, which gives the contract's ``MethodHandler``. Services answer with the constructors Telegram
sends and raise the errors of ``schema/errors.tsv``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tgfleet.sandbox.contract import CallContext, MethodResult

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

ServiceFn = Callable[["World", CallContext, Any], Awaitable[MethodResult]]
