"""The sandbox's API methods, one module per area; each exports ``HANDLERS``: function class -> service.

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


def all_services() -> dict[type, ServiceFn]:
    """Every implemented method."""
    from tgfleet.sandbox.services import (
        account,
        auth,
        auth_transfer,
        contacts,
        help,
        messages,
        sessions,
        updates,
        users,
    )

    table: dict[type, ServiceFn] = {}
    for module in (auth, auth_transfer, account, sessions, help, users, contacts, messages, updates):
        table.update(module.HANDLERS)
    return table
