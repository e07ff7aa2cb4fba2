"""``resolve_peer``: a chat id, ``"@username"`` / ``"username"``, ``"me"`` / ``"self"`` or a contact's phone
number as the InputPeer a call needs.

What cannot be resolved raises what Pyrogram raises, each also a ``PeerNotFound`` whose message says what was
tried: an unknown id ``PeerIdInvalid`` (found locally: the session has no access hash for it), an unknown
username ``UsernameNotOccupied`` / ``UsernameInvalid`` (the server's answer), a text that is no chat id at all
``UsernameInvalid``; a phone the server refuses, its error if that is a ``PeerNotFound`` (``PhoneNotOccupied``),
else a plain ``PeerNotFound`` caused by it.

Its inputs are the session storage (the peer cache ``PeerCache`` fills) and ``invoke``, the client's call
path, for the one lookup an uncached username (``contacts.resolveUsername``) or phone
(``contacts.resolvePhone``) costs; the call path caches the answer's peers, so the next resolve needs none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tgfleet import errors
from tgfleet.client.peers import check_chat_id, input_peer, is_phone, is_username
from tgfleet.errors import PeerNotFound
from tgfleet.storage import PeerRecord, Storage
from tgfleet.tl import TLFunction, functions, types

Invoke = Callable[[TLFunction[Any]], Awaitable[Any]]
NO_USER = (errors.UsernameNotOccupied, errors.UsernameInvalid)
"""The answers to contacts.resolveUsername that mean no such peer (others are raised as they are)."""
ANY_ERROR = (errors.RPCError,)
"""contacts.resolvePhone: any refusal means the phone is not a contact the account can address."""
SEE_FIRST = "the account must see it first (a message, a dialog or a username lookup)"


async def resolve_peer(storage: Storage, invoke: Invoke, chat_id: int | str) -> Any:
    """The InputPeer for ``chat_id``, or a PeerNotFound saying what was tried (TypeError for a non-id)."""
    check_chat_id(chat_id)
    self_id = storage.get_user_id()
    if isinstance(chat_id, str):
        text = chat_id.strip()
        if text.lower() in ("me", "self"):
            return types.InputPeerSelf()
        if text.lstrip("-").isdigit():
            chat_id = int(text)
        elif is_phone(text):
            request: TLFunction[Any] = functions.contacts.ResolvePhone(phone=text)
            return await _lookup(storage.peer_by_phone(text), self_id, invoke, request, ANY_ERROR, f"phone {text}")
        elif is_username(text):
            name = text.lstrip("@")
            request = functions.contacts.ResolveUsername(username=name)
            return await _lookup(storage.peer_by_username(name), self_id, invoke, request, NO_USER, f"@{name}")
        else:
            raise errors.UsernameInvalid(detail=f"{chat_id!r} is neither an id, a username, 'me' nor a phone number")
    record = storage.peer_by_id(chat_id)
    peer = input_peer(record, self_id) if record is not None else None
    if peer is None and chat_id == self_id:
        peer = types.InputPeerSelf()
    if peer is None:
        why = "no access hash is known for it" if record is not None else "it is not in the session's peer cache"
        raise errors.PeerIdInvalid(detail=f"cannot address chat id {chat_id}: {why}; {SEE_FIRST}")
    return peer


async def _lookup(
    record: PeerRecord | None,
    self_id: int | None,
    invoke: Invoke,
    request: TLFunction[Any],
    refused: tuple[type[errors.RPCError], ...],
    what: str,
) -> Any:
    """The cached ``record``'s InputPeer, or the answer of ``request`` (a contacts.resolve* call)."""
    if record is not None and (peer := input_peer(record, self_id)) is not None:
        return peer
    try:
        resolved = await invoke(request)
    except refused as e:
        tried = f"{what}: {e.error_message} (tried the peer cache, then {request.QUALNAME})"
        if isinstance(e, PeerNotFound):
            raise type(e)(e.value, ID=e.error_message, code=e.code, request=e.request, detail=tried) from e
        raise PeerNotFound(tried) from e
    return _peer_from_resolved(resolved, what)


def _peer_from_resolved(resolved: Any, what: str) -> Any:
    """The InputPeer of a ``contacts.resolvedPeer`` (its peer, with the access hash its users/chats carry)."""
    peer = resolved.peer
    if isinstance(peer, types.PeerUser):
        for user in resolved.users:
            if user.id == peer.user_id and isinstance(user, types.User) and user.access_hash is not None:
                return types.InputPeerUser(user_id=user.id, access_hash=user.access_hash)
    if isinstance(peer, types.PeerChannel):
        for chat in resolved.chats:
            if isinstance(chat, types.Channel) and chat.id == peer.channel_id and chat.access_hash is not None:
                return types.InputPeerChannel(channel_id=chat.id, access_hash=chat.access_hash)
    if isinstance(peer, types.PeerChat):
        return types.InputPeerChat(chat_id=peer.chat_id)
    raise PeerNotFound(f"{what}: the server's answer carried no usable access hash")
