"""``tgfleet.types``: Pyrogram's high-level objects (``from tgfleet import types``), built from TL.

Owns ``User``, ``Chat``, ``Message`` and the media, keyboards, entities, dialogs, members, invite links, join
requests and login answers in them, with Pyrogram's attribute names, its ``str`` dump and the bound methods
(``message.reply_text``), which call the client they were built with by Pyrogram's method names (``bound.py``).
Built lazily from ``tgfleet.tl`` objects (``object.py``). May import ``tgfleet.parser``, ``tgfleet.enums`` and
``tgfleet.tl``; never the client (the client passes itself in).
"""

from tgfleet.types.active_session import ActiveSession
from tgfleet.types.active_sessions import ActiveSessions
from tgfleet.types.bound import ClientMethodMissing
from tgfleet.types.chat import Chat
from tgfleet.types.chat_invite_link import ChatInviteLink
from tgfleet.types.chat_join_request import ChatJoinRequest
from tgfleet.types.chat_joiner import ChatJoiner
from tgfleet.types.chat_member import ChatMember
from tgfleet.types.chat_permissions import ChatPermissions
from tgfleet.types.chat_photo import ChatPhoto
from tgfleet.types.chat_privileges import ChatPrivileges
from tgfleet.types.dialog import Dialog
from tgfleet.types.input_media import InputMedia, InputMediaAudio, InputMediaDocument, InputMediaPhoto, InputMediaVideo
from tgfleet.types.input_phone_contact import InputPhoneContact
from tgfleet.types.input_privacy_rule import (
    InputPrivacyRule,
    InputPrivacyRuleAllowAll,
    InputPrivacyRuleAllowBots,
    InputPrivacyRuleAllowCloseFriends,
    InputPrivacyRuleAllowContacts,
    InputPrivacyRuleAllowPremium,
    InputPrivacyRuleAllowUsers,
    InputPrivacyRuleDisallowAll,
    InputPrivacyRuleDisallowBots,
    InputPrivacyRuleDisallowContacts,
    InputPrivacyRuleDisallowUsers,
)
from tgfleet.types.keyboards.callback_game import CallbackGame
from tgfleet.types.keyboards.force_reply import ForceReply
from tgfleet.types.keyboards.inline_keyboard_button import InlineKeyboardButton
from tgfleet.types.keyboards.inline_keyboard_markup import InlineKeyboardMarkup
from tgfleet.types.keyboards.keyboard_button import KeyboardButton
from tgfleet.types.keyboards.login_url import LoginUrl
from tgfleet.types.keyboards.reply_keyboard_markup import ReplyKeyboardMarkup
from tgfleet.types.keyboards.reply_keyboard_remove import ReplyKeyboardRemove
from tgfleet.types.keyboards.web_app_info import WebAppInfo
from tgfleet.types.media.animation import Animation
from tgfleet.types.media.audio import Audio
from tgfleet.types.media.contact import Contact
from tgfleet.types.media.dice import Dice
from tgfleet.types.media.document import Document
from tgfleet.types.media.game import Game
from tgfleet.types.media.location import Location
from tgfleet.types.media.photo import Photo
from tgfleet.types.media.poll import Poll, PollOption
from tgfleet.types.media.sticker import Sticker
from tgfleet.types.media.thumbnail import Thumbnail
from tgfleet.types.media.venue import Venue
from tgfleet.types.media.video import Video
from tgfleet.types.media.video_note import VideoNote
from tgfleet.types.media.voice import Voice
from tgfleet.types.media.web_page import WebPage
from tgfleet.types.message import Message
from tgfleet.types.message_entity import MessageEntity
from tgfleet.types.object import List, Object
from tgfleet.types.privacy_rule import PrivacyRule
from tgfleet.types.sent_code import SentCode
from tgfleet.types.terms_of_service import TermsOfService
from tgfleet.types.text import Link, Str
from tgfleet.types.user import User
from tgfleet.types.username import Username

__all__ = [
    "ActiveSession",
    "ActiveSessions",
    "Animation",
    "Audio",
    "CallbackGame",
    "Chat",
    "ChatInviteLink",
    "ChatJoinRequest",
    "ChatJoiner",
    "ChatMember",
    "ChatPermissions",
    "ChatPhoto",
    "ChatPrivileges",
    "ClientMethodMissing",
    "Contact",
    "Dialog",
    "Dice",
    "Document",
    "ForceReply",
    "Game",
    "InlineKeyboardButton",
    "InlineKeyboardMarkup",
    "InputMedia",
    "InputMediaAudio",
    "InputMediaDocument",
    "InputMediaPhoto",
    "InputMediaVideo",
    "InputPhoneContact",
    "InputPrivacyRule",
    "InputPrivacyRuleAllowAll",
    "InputPrivacyRuleAllowBots",
    "InputPrivacyRuleAllowCloseFriends",
    "InputPrivacyRuleAllowContacts",
    "InputPrivacyRuleAllowPremium",
    "InputPrivacyRuleAllowUsers",
    "InputPrivacyRuleDisallowAll",
    "InputPrivacyRuleDisallowBots",
    "InputPrivacyRuleDisallowContacts",
    "InputPrivacyRuleDisallowUsers",
    "KeyboardButton",
    "Link",
    "List",
    "Location",
    "LoginUrl",
    "Message",
    "MessageEntity",
    "Object",
    "Photo",
    "Poll",
    "PollOption",
    "PrivacyRule",
    "ReplyKeyboardMarkup",
    "ReplyKeyboardRemove",
    "SentCode",
    "Sticker",
    "Str",
    "TermsOfService",
    "Thumbnail",
    "User",
    "Username",
    "Venue",
    "Video",
    "VideoNote",
    "Voice",
    "WebAppInfo",
    "WebPage",
]
