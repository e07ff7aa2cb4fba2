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
    channel_updates,
    channels,
    chat_messages,
    common_chats,
    contacts,
    dialogs,
    discussion,
    folders,
    group_changes,
    groups,
    help,
    history,
    invites,
    join_requests,
    media,
    messages,
    participants,
    photos,
    profile,
    qr_login,
    reactions,
    scheduled,
    search,
    sessions,
    updates,
    upload,
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
        groups,
        channels,
        participants,
        invites,
        join_requests,
        chat_messages,
        channel_updates,
        upload,
        media,
        group_changes,
        discussion,
        photos,
        folders,
        common_chats,
    )
    for module in modules:
        table.update(module.HANDLERS)
    return table
