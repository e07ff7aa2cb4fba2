"""``all_services()``: every method the sandbox's world answers, the ``HANDLERS`` of each module of ``services/``."""

from __future__ import annotations

from tgfleet.sandbox.services import (
    ServiceFn,
    account,
    address_book,
    auth,
    auth_transfer,
    bots,
    changes,
    contacts,
    dialogs,
    help,
    history,
    messages,
    profile,
    qr_login,
    reactions,
    scheduled,
    search,
    sessions,
    updates,
    users,
)


def all_services() -> dict[type, ServiceFn]:
    """Every implemented method: function class -> service."""
    table: dict[type, ServiceFn] = {}
    modules = (
        auth,
        auth_transfer,
        bots,
        qr_login,
        account,
        sessions,
        profile,
        help,
        users,
        contacts,
        address_book,
        messages,
        history,
        dialogs,
        changes,
        reactions,
        scheduled,
        search,
        updates,
    )
    for module in modules:
        table.update(module.HANDLERS)
    return table
