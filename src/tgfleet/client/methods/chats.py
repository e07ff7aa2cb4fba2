"""Groups and channels: ``create_group``, ``create_supergroup``, ``create_channel``, ``get_chat``, ``join_chat``,
``leave_chat``, ``set_chat_title``, ``set_chat_description``, ``set_chat_username``, ``set_slow_mode``,
``set_chat_protected_content``, ``delete_channel`` / ``delete_supergroup``, with Pyrogram's signatures and return types.

A basic group is addressed by ``messages.*`` calls with its id, a supergroup or channel by ``channels.*`` calls
with an ``inputChannel`` (its id and the access hash the peer cache keeps); https://core.telegram.org/api/channel.
"""

from __future__ import annotations

from typing import Any

from tgfleet import errors
from tgfleet.client.methods.messages import MessageMethods
from tgfleet.tl import functions, types
from tgfleet.types import Chat, Message
from tgfleet.types.chat_full import full_chat

INVITE_LINK_MARKS = ("t.me/+", "t.me/joinchat/", "telegram.me/joinchat/")


def input_channel(peer: Any) -> types.InputChannel:
    """The ``inputChannel`` of a channel's ``inputPeerChannel``; ChannelInvalid for another peer."""
    if not isinstance(peer, types.InputPeerChannel):
        raise errors.ChannelInvalid(detail="this is not a supergroup or channel")
    return types.InputChannel(channel_id=peer.channel_id, access_hash=peer.access_hash)


def input_user(peer: Any) -> types.TypeInputUser:
    """The ``InputUser`` of a user's ``InputPeer``; PeerIdInvalid for a chat."""
    if isinstance(peer, types.InputPeerSelf):
        return types.InputUserSelf()
    if isinstance(peer, types.InputPeerUser):
        return types.InputUser(user_id=peer.user_id, access_hash=peer.access_hash)
    raise errors.PeerIdInvalid(detail="this is not a user")


def invite_hash(link: str) -> str | None:
    """The hash of an invite link (``https://t.me/+HASH``, ``t.me/joinchat/HASH``), None for anything else."""
    for mark in INVITE_LINK_MARKS:
        if mark in link:
            return link.split(mark, 1)[1].strip("/")
    return None


def first_chat(client: Any, updates: Any) -> Chat:
    """The chat an ``Updates`` answer names (the new group, the joined channel)."""
    chat = Chat._parse(client, updates.chats[0]) if getattr(updates, "chats", None) else None
    if chat is None:
        raise errors.BadRequest(ID="CHAT_NOT_IN_ANSWER")
    return chat


def service_message(client: Any, updates: Any) -> Message | None:
    """The (service) message an ``Updates`` answer carries, if any."""
    users = {u.id: u for u in getattr(updates, "users", [])}
    chats = {c.id: c for c in getattr(updates, "chats", [])}
    for update in getattr(updates, "updates", []):
        message = getattr(update, "message", None)
        if isinstance(message, types.Message | types.MessageService):
            return Message._parse(client, message, users, chats)
    return None


class ChatMethods(MessageMethods):
    async def create_group(self, title: str, users: int | str | list[int | str]) -> Chat:
        """A new basic group with ``users`` (at least one besides yourself) in it."""
        wanted = users if isinstance(users, list) else [users]
        members = [input_user(await self.resolve_peer(u)) for u in wanted]
        answer: Any = await self.invoke(functions.messages.CreateChat(users=members, title=title))
        return first_chat(self, answer.updates)

    async def create_supergroup(self, title: str, description: str = "") -> Chat:
        """A new supergroup (you are its owner)."""
        answer: Any = await self.invoke(
            functions.channels.CreateChannel(title=title, about=description, megagroup=True)
        )
        return first_chat(self, answer)

    async def create_channel(self, title: str, description: str = "") -> Chat:
        """A new broadcast channel (you are its owner)."""
        answer: Any = await self.invoke(
            functions.channels.CreateChannel(title=title, about=description, broadcast=True)
        )
        return first_chat(self, answer)

    async def get_chat(self, chat_id: int | str) -> Chat:
        """A chat with its full fields (``description``, ``invite_link``, ``bio``, ``members_count``); an invite
        link of a chat you are in gives that chat."""
        if isinstance(chat_id, str) and (code := invite_hash(chat_id)) is not None:
            invite: Any = await self.invoke(functions.messages.CheckChatInvite(hash=code))
            if not isinstance(invite, types.ChatInviteAlready):
                raise errors.UserNotParticipant(detail="a preview of a chat you are not in is not supported")
            chat = Chat._parse(self, invite.chat)
            assert chat is not None
            chat_id = chat.id
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChannel):
            answer: Any = await self.invoke(functions.channels.GetFullChannel(channel=input_channel(peer)))
        elif isinstance(peer, types.InputPeerChat):
            answer = await self.invoke(functions.messages.GetFullChat(chat_id=peer.chat_id))
        else:
            answer = await self.invoke(functions.users.GetFullUser(id=input_user(peer)))
        return full_chat(self, answer)

    async def join_chat(self, chat_id: int | str) -> Chat:
        """Join a public supergroup or channel (id or username) or any chat by its invite link."""
        if isinstance(chat_id, str) and (code := invite_hash(chat_id)) is not None:
            result: Any = await self.invoke(functions.messages.ImportChatInvite(hash=code))
        else:
            peer = await self.resolve_peer(chat_id)
            result = await self.invoke(functions.channels.JoinChannel(channel=input_channel(peer)))
        return first_chat(self, getattr(result, "updates", result))

    async def leave_chat(self, chat_id: int | str, delete: bool = False) -> Any:
        """Leave a group or channel (``delete``: also clear a basic group's history); the server's answer."""
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChannel):
            return await self.invoke(functions.channels.LeaveChannel(channel=input_channel(peer)))
        if not isinstance(peer, types.InputPeerChat):
            raise errors.PeerIdInvalid(detail="leave_chat takes a group or channel")
        answer: Any = await self.invoke(
            functions.messages.DeleteChatUser(chat_id=peer.chat_id, user_id=types.InputUserSelf())
        )
        if delete:
            await self.invoke(functions.messages.DeleteHistory(peer=peer, max_id=0))
        return answer

    async def set_chat_title(self, chat_id: int | str, title: str) -> Message | None:
        """Rename a group or channel; the service message saying so."""
        peer = await self.resolve_peer(chat_id)
        if isinstance(peer, types.InputPeerChat):
            answer: Any = await self.invoke(functions.messages.EditChatTitle(chat_id=peer.chat_id, title=title))
        else:
            answer = await self.invoke(functions.channels.EditTitle(channel=input_channel(peer), title=title))
        return service_message(self, answer)

    async def set_chat_description(self, chat_id: int | str, description: str) -> bool:
        """Change a group's or channel's description."""
        peer = await self.resolve_peer(chat_id)
        result: Any = await self.invoke(functions.messages.EditChatAbout(peer=peer, about=description))
        return bool(result)

    async def set_chat_username(self, chat_id: int | str, username: str | None) -> bool:
        """Give a supergroup or channel a public username (None: make it private)."""
        peer = await self.resolve_peer(chat_id)
        request = functions.channels.UpdateUsername(channel=input_channel(peer), username=username or "")
        result: Any = await self.invoke(request)
        return bool(result)

    async def set_slow_mode(self, chat_id: int | str, seconds: int | None) -> bool:
        """Slow mode of a supergroup: members wait ``seconds`` (10, 30, 60, 300, 900 or 3600) between messages;
        None or 0 switches it off."""
        peer = await self.resolve_peer(chat_id)
        await self.invoke(functions.channels.ToggleSlowMode(channel=input_channel(peer), seconds=seconds or 0))
        return True

    async def set_chat_protected_content(self, chat_id: int | str, enabled: bool) -> bool:
        """Protect a group's or channel's content (its creator only): none of its messages may be forwarded
        (ChatForwardsRestricted); ``enabled=False`` lifts it."""
        peer = await self.resolve_peer(chat_id)
        await self.invoke(functions.messages.ToggleNoForwards(peer=peer, enabled=enabled))
        return True

    async def delete_channel(self, chat_id: int | str) -> bool:
        """Delete a channel you own, for everyone."""
        peer = await self.resolve_peer(chat_id)
        await self.invoke(functions.channels.DeleteChannel(channel=input_channel(peer)))
        return True

    async def delete_supergroup(self, chat_id: int | str) -> bool:
        """Delete a supergroup you own, for everyone."""
        return await self.delete_channel(chat_id)
