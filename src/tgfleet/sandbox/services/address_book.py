"""The address book: ``contacts.importContacts``, ``addContact``, ``deleteContacts``, ``getContacts``, ``block``,
``unblock`` and ``getBlocked`` (one account's ``ContactBook``, ``contact_book.py``).

- importContacts (https://core.telegram.org/method/contacts.importContacts): each number that belongs to an account
  whose "who can find me by my number" privacy lets the caller (``privacy.py``; default everybody) becomes a contact
  under the given name, its number known to the caller; ``imported`` pairs each with the caller's ``client_id``;
  numbers of nobody (or malformed) are left out; a full book puts the rest in ``retry_contacts``; at most
  :data:`MAX_IMPORT` numbers per call (LIMIT_INVALID beyond).
- addContact (https://core.telegram.org/method/contacts.addContact): an account the caller can address
  (CONTACT_ID_INVALID for himself or an unknown one, CONTACT_NAME_EMPTY without a first name); the number is known
  when the caller gave the right one; ``add_phone_privacy_exception`` lets the contact see the caller's number.
  The answer is ``updates`` with the contact's ``user`` and ``updatePeerSettings``.
- deleteContacts: ``updates`` with the users that were contacts (and an ``updatePeerSettings`` each); none of them
  contacts: no updates.
- getContacts (https://core.telegram.org/method/contacts.getContacts): the contacts (``mutual`` when they have the
  caller too) with their users; ``contacts.contactsNotModified`` when ``hash`` is the list's hash
  (https://core.telegram.org/api/offsets#hash-generation, over the ids in ascending order).
- block / unblock (https://core.telegram.org/method/contacts.block): a user (CONTACT_ID_INVALID for oneself);
  afterwards the blocker's messages to him are YOU_BLOCKED_USER and his to the blocker USER_IS_BLOCKED
  (``services/messages.py``). ``getBlocked``: the last blocked first, ``offset`` / ``limit`` (at most 100),
  ``contacts.blocked`` when all fit, else ``contacts.blockedSlice`` with the count. Story block lists
  (``my_stories_from``) are not modelled: they read and change the same list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account, normalize_phone
from tgfleet.sandbox.contact_book import SavedContact
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.sandbox.services.peers import input_peer, input_user
from tgfleet.sandbox.views import peer_user, users_tl, visible
from tgfleet.tl import types
from tgfleet.tl.functions import contacts as f_contacts
from tgfleet.tl.types import contacts as t_contacts

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

MAX_IMPORT = 1_000
"""Numbers one importContacts call may carry (Telegram publishes no number)."""
MAX_BLOCKED_PAGE = 100


def _added(world: World, viewer: Account, user_ids: list[int]) -> types.Updates:
    """The ``updates`` answering a change of contacts: the users and an ``updatePeerSettings`` each."""
    now = world.clock()
    settings: list[types.TypeUpdate] = [
        types.UpdatePeerSettings(peer=peer_user(i), settings=types.PeerSettings()) for i in user_ids
    ]
    users = users_tl(world.accounts, user_ids, viewer.id, now)
    return types.Updates(updates=settings, users=users, chats=[], date=int(now), seq=0)


async def import_contacts(
    world: World, ctx: CallContext, request: f_contacts.ImportContacts
) -> t_contacts.ImportedContacts:
    viewer = world.authorized(ctx)
    if len(request.contacts) > MAX_IMPORT:
        raise errors.LimitInvalid()
    imported: list[types.ImportedContact] = []
    retry: list[int] = []
    for wanted in request.contacts:
        phone = normalize_phone(wanted.phone)
        found = None if phone is None else world.accounts.by_phone(phone)
        if found is None or found is viewer or not visible(found, viewer.id, types.PrivacyKeyAddedByPhone):
            continue
        contact = SavedContact(found.id, wanted.first_name, wanted.last_name, phone_known=True)
        if viewer.contacts.add(contact):
            imported.append(types.ImportedContact(user_id=found.id, client_id=wanted.client_id))
        else:
            retry.append(wanted.client_id)
    users = users_tl(world.accounts, [c.user_id for c in imported], viewer.id, world.clock())
    return t_contacts.ImportedContacts(imported=imported, popular_invites=[], retry_contacts=retry, users=users)


async def add_contact(world: World, ctx: CallContext, request: f_contacts.AddContact) -> types.Updates:
    viewer = world.authorized(ctx)
    found = input_user(world, viewer, request.id)
    if found is None or found is viewer or found.deleted:
        raise errors.ContactIdInvalid()
    if not request.first_name.strip():
        raise errors.ContactNameEmpty()
    phone_known = normalize_phone(request.phone or "") == found.phone
    contact = SavedContact(
        found.id, request.first_name, request.last_name, phone_known, request.add_phone_privacy_exception
    )
    if not viewer.contacts.add(contact):
        raise errors.ContactIdInvalid(detail="the address book is full")
    return _added(world, viewer, [found.id])


async def delete_contacts(world: World, ctx: CallContext, request: f_contacts.DeleteContacts) -> types.Updates:
    viewer = world.authorized(ctx)
    found = [a.id for user in request.id if (a := input_user(world, viewer, user)) is not None]
    gone = [user_id for user_id in dict.fromkeys(found) if viewer.contacts.remove(user_id)]
    return _added(world, viewer, gone)


def contacts_hash(ids: list[int]) -> int:
    """https://core.telegram.org/api/offsets#hash-generation over ``ids``, as a signed 64-bit integer."""
    value = 0
    for i in ids:
        value ^= value >> 21
        value ^= (value << 35) & 0xFFFFFFFFFFFFFFFF
        value ^= value >> 4
        value = (value + i) & 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


async def get_contacts(world: World, ctx: CallContext, request: f_contacts.GetContacts) -> t_contacts.TypeContacts:
    viewer = world.authorized(ctx)
    saved = sorted(viewer.contacts.all(), key=lambda c: c.user_id)
    ids = [c.user_id for c in saved]
    if request.hash != 0 and request.hash == contacts_hash(ids):
        return t_contacts.ContactsNotModified()
    listed = [types.Contact(user_id=c.user_id, mutual=world.accounts[c.user_id].contacts.has(viewer.id)) for c in saved]
    users = users_tl(world.accounts, ids, viewer.id, world.clock())
    return t_contacts.Contacts(contacts=listed, saved_count=0, users=users)


def _blockable(world: World, viewer: Account, peer: types.TypeInputPeer) -> Account:
    found = input_peer(world, viewer, peer)
    if found is viewer:
        raise errors.ContactIdInvalid()
    return found


async def block(world: World, ctx: CallContext, request: f_contacts.Block) -> bool:
    viewer = world.authorized(ctx)
    if not viewer.contacts.block(_blockable(world, viewer, request.id).id, int(world.clock())):
        raise errors.LimitInvalid(detail="the block list is full")
    return True


async def unblock(world: World, ctx: CallContext, request: f_contacts.Unblock) -> bool:
    viewer = world.authorized(ctx)
    return viewer.contacts.unblock(_blockable(world, viewer, request.id).id)


async def get_blocked(world: World, ctx: CallContext, request: f_contacts.GetBlocked) -> t_contacts.TypeBlocked:
    viewer = world.authorized(ctx)
    every = viewer.contacts.blocked_list()
    start = max(request.offset, 0)
    page = every[start : start + min(max(request.limit, 0), MAX_BLOCKED_PAGE)]
    blocked = [types.PeerBlocked(peer_id=peer_user(peer), date=date) for peer, date in page]
    users = users_tl(world.accounts, [peer for peer, _ in page], viewer.id, world.clock())
    if start == 0 and len(page) == len(every):
        return t_contacts.Blocked(blocked=blocked, chats=[], users=users)
    return t_contacts.BlockedSlice(count=len(every), blocked=blocked, chats=[], users=users)


HANDLERS: dict[type, ServiceFn] = {
    f_contacts.ImportContacts: import_contacts,
    f_contacts.AddContact: add_contact,
    f_contacts.DeleteContacts: delete_contacts,
    f_contacts.GetContacts: get_contacts,
    f_contacts.Block: block,
    f_contacts.Unblock: unblock,
    f_contacts.GetBlocked: get_blocked,
}
