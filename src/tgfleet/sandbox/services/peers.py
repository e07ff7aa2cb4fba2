"""Resolving ``InputPeer`` / ``InputUser`` for a viewer: the access hash must be the one *he* was given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.accounts import Account
from tgfleet.tl import types

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


def _user(world: World, viewer: Account, user_id: int, access_hash: int) -> Account | None:
    account = world.accounts.get(user_id)
    if account is None or world.accounts.hash_for(viewer.id, user_id) != access_hash:
        return None
    return account


def input_peer(world: World, viewer: Account, peer: types.TypeInputPeer) -> Account:
    """The user behind ``peer`` (inputPeerSelf / inputPeerUser); PEER_ID_INVALID for anything else."""
    if isinstance(peer, types.InputPeerSelf):
        return viewer
    if isinstance(peer, types.InputPeerUser):
        found = _user(world, viewer, peer.user_id, peer.access_hash)
        if found is not None:
            return found
    raise errors.PeerIdInvalid()


def input_user(world: World, viewer: Account, user: types.TypeInputUser) -> Account | None:
    """The user behind ``user`` (inputUserSelf / inputUser; the server role reads an inputPeerUser / inputPeerSelf
    sent in their place as these, ``mtproto.session.substitutes``), ``None`` if unknown or the hash is wrong."""
    if isinstance(user, types.InputUserSelf):
        return viewer
    if isinstance(user, types.InputUser):
        return _user(world, viewer, user.user_id, user.access_hash)
    return None
