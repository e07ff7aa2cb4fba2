"""Chats, users and members: chat and member kinds, online status, chat actions, event-log actions."""

from __future__ import annotations

from enum import auto

from tgfleet.enums.base import AutoName
from tgfleet.tl import types as t


class ChatType(AutoName):
    """The kind of a chat (``Chat.type``)."""

    PRIVATE = auto()
    BOT = auto()
    GROUP = auto()
    SUPERGROUP = auto()
    CHANNEL = auto()
    FORUM = auto()
    DIRECT = auto()


class UserStatus(AutoName):
    """When a user was last seen, as far as their privacy settings tell (``User.status``)."""

    ONLINE = auto()
    OFFLINE = auto()
    RECENTLY = auto()
    LAST_WEEK = auto()
    LAST_MONTH = auto()
    LONG_AGO = auto()


class ChatMemberStatus(AutoName):
    """A member's standing in a chat (``ChatMember.status``)."""

    OWNER = auto()
    ADMINISTRATOR = auto()
    MEMBER = auto()
    RESTRICTED = auto()
    LEFT = auto()
    BANNED = auto()


class ChatMembersFilter(AutoName):
    """Which members ``get_chat_members`` lists."""

    SEARCH = t.ChannelParticipantsSearch
    BANNED = t.ChannelParticipantsKicked
    RESTRICTED = t.ChannelParticipantsBanned
    BOTS = t.ChannelParticipantsBots
    RECENT = t.ChannelParticipantsRecent
    ADMINISTRATORS = t.ChannelParticipantsAdmins


class ChatAction(AutoName):
    """What ``send_chat_action`` shows the other side ("typing...")."""

    TYPING = t.SendMessageTypingAction
    UPLOAD_PHOTO = t.SendMessageUploadPhotoAction
    RECORD_VIDEO = t.SendMessageRecordVideoAction
    UPLOAD_VIDEO = t.SendMessageUploadVideoAction
    RECORD_AUDIO = t.SendMessageRecordAudioAction
    UPLOAD_AUDIO = t.SendMessageUploadAudioAction
    UPLOAD_DOCUMENT = t.SendMessageUploadDocumentAction
    FIND_LOCATION = t.SendMessageGeoLocationAction
    RECORD_VIDEO_NOTE = t.SendMessageRecordRoundAction
    UPLOAD_VIDEO_NOTE = t.SendMessageUploadRoundAction
    PLAYING = t.SendMessageGamePlayAction
    CHOOSE_CONTACT = t.SendMessageChooseContactAction
    SPEAKING = t.SpeakingInGroupCallAction
    IMPORT_HISTORY = t.SendMessageHistoryImportAction
    CHOOSE_STICKER = t.SendMessageChooseStickerAction
    CANCEL = t.SendMessageCancelAction


class ChatEventAction(AutoName):
    """The kind of an entry of a chat's event log."""

    DESCRIPTION_CHANGED = auto()
    HISTORY_TTL_CHANGED = auto()
    LINKED_CHAT_CHANGED = auto()
    PHOTO_CHANGED = auto()
    TITLE_CHANGED = auto()
    USERNAME_CHANGED = auto()
    CHAT_PERMISSIONS_CHANGED = auto()
    MESSAGE_DELETED = auto()
    MESSAGE_EDITED = auto()
    INVITE_LINK_EDITED = auto()
    INVITE_LINK_REVOKED = auto()
    INVITE_LINK_DELETED = auto()
    MEMBER_INVITED = auto()
    MEMBER_JOINED = auto()
    MEMBER_LEFT = auto()
    ADMINISTRATOR_PRIVILEGES_CHANGED = auto()
    MEMBER_PERMISSIONS_CHANGED = auto()
    POLL_STOPPED = auto()
    INVITES_ENABLED = auto()
    HISTORY_HIDDEN = auto()
    SIGNATURES_ENABLED = auto()
    SLOW_MODE_CHANGED = auto()
    MESSAGE_PINNED = auto()
    MESSAGE_UNPINNED = auto()
    MESSAGE_PIN_CHANGED = auto()
    CREATED_FORUM_TOPIC = auto()
    EDITED_FORUM_TOPIC = auto()
    DELETED_FORUM_TOPIC = auto()
    UNKNOWN = auto()


class ChatJoinType(AutoName):
    """How a member joined a chat."""

    BY_ADD = auto()
    BY_LINK = auto()
    BY_REQUEST = auto()


class ChatJoinRequestQueryResult(AutoName):
    """A bot's answer to a join request."""

    APPROVE = t.JoinChatBotResultApproved
    DECLINE = t.JoinChatBotResultDeclined
    QUEUE = t.JoinChatBotResultQueued


class ChatPhotoStickerType(AutoName):
    """The kind of sticker a chat photo was made from."""

    REGULAR_OR_MASK = auto()
    CUSTOM_EMOJI = auto()


class BlockList(AutoName):
    """Which block list a user is put on."""

    MAIN = auto()
    STORIES = auto()


class FolderColor(AutoName):
    """The colour of a chat folder (``None`` for none)."""

    NO_COLOR = None
    RED = 0
    ORANGE = 1
    VIOLET = 2
    GREEN = 3
    CYAN = 4
    BLUE = 5
    PINK = 6


class TopChatCategory(AutoName):
    """The category of ``get_top_chats``."""

    USERS = auto()
    BOTS = auto()
    GROUPS = auto()
    CHANNELS = auto()
    INLINE_BOTS = auto()
    GUEST_BOTS = auto()
    WEB_APP_BOTS = auto()
    CALLS = auto()
    FORWARD_CHATS = auto()
