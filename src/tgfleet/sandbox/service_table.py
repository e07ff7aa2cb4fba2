"""``all_services()``: every method the sandbox's world answers, the ``HANDLERS`` of each module of ``services/``."""

from __future__ import annotations

from tgfleet.sandbox.services import (
    ServiceFn,
    account,
    auth,
    auth_transfer,
    contacts,
    help,
    messages,
    qr_login,
    sessions,
    updates,
    users,
)


def all_services() -> dict[type, ServiceFn]:
    """Every implemented method: function class -> service."""
    table: dict[type, ServiceFn] = {}
    for module in (auth, auth_transfer, qr_login, account, sessions, help, users, contacts, messages, updates):
        table.update(module.HANDLERS)
    return table
