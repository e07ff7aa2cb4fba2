"""Messages: parse modes, media, service messages, entities, search filters, polls, stickers, buttons."""

from __future__ import annotations

from enum import auto

from tgfleet.enums.base import AutoName
from tgfleet.tl import types as t


class ParseMode(AutoName):
    """How a text's markup is read: ``DEFAULT`` reads Markdown and HTML together, ``DISABLED`` none."""

    DEFAULT = auto()
    MARKDOWN = auto()
    HTML = auto()
    DISABLED = auto()


class MessageEntityType(AutoName):
    """The kind of a ``MessageEntity``; the value is the TL entity class."""

    MENTION = t.MessageEntityMention
    HASHTAG = t.MessageEntityHashtag
    CASHTAG = t.MessageEntityCashtag
    BOT_COMMAND = t.MessageEntityBotCommand
    URL = t.MessageEntityUrl
    EMAIL = t.MessageEntityEmail
    PHONE_NUMBER = t.MessageEntityPhone
    BOLD = t.MessageEntityBold
    ITALIC = t.MessageEntityItalic
    UNDERLINE = t.MessageEntityUnderline
    STRIKETHROUGH = t.MessageEntityStrike
    SPOILER = t.MessageEntitySpoiler
    CODE = t.MessageEntityCode
    PRE = t.MessageEntityPre
    BLOCKQUOTE = t.MessageEntityBlockquote
    TEXT_LINK = t.MessageEntityTextUrl
    TEXT_MENTION = t.MessageEntityMentionName
    BANK_CARD = t.MessageEntityBankCard
    CUSTOM_EMOJI = t.MessageEntityCustomEmoji
    DATE_TIME = t.MessageEntityFormattedDate
    UNKNOWN = t.MessageEntityUnknown


class MessageMediaType(AutoName):
    """The kind of media a message carries (``Message.media``)."""

    UNSUPPORTED = auto()
    AUDIO = auto()
    DOCUMENT = auto()
    PHOTO = auto()
    LIVE_PHOTO = auto()
    STICKER = auto()
    VIDEO = auto()
    ANIMATION = auto()
    VOICE = auto()
    VIDEO_NOTE = auto()
    CONTACT = auto()
    LOCATION = auto()
    VENUE = auto()
    POLL = auto()
    WEB_PAGE = auto()
    DICE = auto()
    GAME = auto()
    GIVEAWAY = auto()
    GIVEAWAY_WINNERS = auto()
    STORY = auto()
    INVOICE = auto()
    PAID_MEDIA = auto()
    CHECKLIST = auto()


class MessageServiceType(AutoName):
    """The kind of a service message (``Message.service``)."""

    UNSUPPORTED = auto()
    CUSTOM_ACTION = auto()
    NEW_CHAT_MEMBERS = auto()
    LEFT_CHAT_MEMBER = auto()
    CHAT_OWNER_LEFT = auto()
    CHAT_OWNER_CHANGED = auto()
    NEW_CHAT_TITLE = auto()
    NEW_CHAT_PHOTO = auto()
    DELETE_CHAT_PHOTO = auto()
    FORUM_TOPIC_CREATED = auto()
    FORUM_TOPIC_CLOSED = auto()
    FORUM_TOPIC_REOPENED = auto()
    FORUM_TOPIC_EDITED = auto()
    GENERAL_FORUM_TOPIC_HIDDEN = auto()
    GENERAL_FORUM_TOPIC_UNHIDDEN = auto()
    GROUP_CHAT_CREATED = auto()
    CHANNEL_CHAT_CREATED = auto()
    SUPERGROUP_CHAT_CREATED = auto()
    MIGRATE_TO_CHAT_ID = auto()
    MIGRATE_FROM_CHAT_ID = auto()
    PINNED_MESSAGE = auto()
    GAME_HIGH_SCORE = auto()
    GIVEAWAY_CREATED = auto()
    GIVEAWAY_COMPLETED = auto()
    MANAGED_BOT_CREATED = auto()
    POLL_OPTION_ADDED = auto()
    POLL_OPTION_DELETED = auto()
    PREMIUM_GIFT_CODE = auto()
    GIFTED_PREMIUM = auto()
    GIFTED_STARS = auto()
    GIFTED_GRAMS = auto()
    VIDEO_CHAT_STARTED = auto()
    VIDEO_CHAT_ENDED = auto()
    VIDEO_CHAT_SCHEDULED = auto()
    VIDEO_CHAT_MEMBERS_INVITED = auto()
    PHONE_CALL_STARTED = auto()
    PHONE_CALL_ENDED = auto()
    WEB_APP_DATA = auto()
    USERS_SHARED = auto()
    CHAT_SHARED = auto()
    SUCCESSFUL_PAYMENT = auto()
    REFUNDED_PAYMENT = auto()
    SUGGESTED_POST_APPROVAL_FAILED = auto()
    SUGGESTED_POST_APPROVED = auto()
    SUGGESTED_POST_DECLINED = auto()
    SUGGESTED_POST_PAID = auto()
    SUGGESTED_POST_REFUNDED = auto()
    SET_MESSAGE_AUTO_DELETE_TIME = auto()
    CHAT_BOOST = auto()
    GIFT = auto()
    CONNECTED_WEBSITE = auto()
    WRITE_ACCESS_ALLOWED = auto()
    SCREENSHOT_TAKEN = auto()
    CONTACT_REGISTERED = auto()
    PROXIMITY_ALERT_TRIGGERED = auto()
    HISTORY_CLEARED = auto()
    SUGGEST_PROFILE_PHOTO = auto()
    SUGGEST_BIRTHDAY = auto()
    CHAT_SET_BACKGROUND = auto()
    CHAT_SET_THEME = auto()
    GIVEAWAY_PRIZE_STARS = auto()
    PAID_MESSAGES_REFUNDED = auto()
    PAID_MESSAGES_PRICE_CHANGED = auto()
    DIRECT_MESSAGE_PRICE_CHANGED = auto()
    CHECKLIST_TASKS_DONE = auto()
    CHECKLIST_TASKS_ADDED = auto()
    COMMUNITY_CHAT_ADDED = auto()
    COMMUNITY_CHAT_REMOVED = auto()
    COMMUNITY_CHAT_JOINED = auto()
    UPGRADED_GIFT_PURCHASE_OFFER = auto()
    UPGRADED_GIFT_PURCHASE_OFFER_REJECTED = auto()
    CHAT_HAS_PROTECTED_CONTENT_TOGGLED = auto()
    CHAT_HAS_PROTECTED_CONTENT_DISABLE_REQUESTED = auto()


class MessageOriginType(AutoName):
    """Where a forwarded message came from."""

    CHANNEL = auto()
    CHAT = auto()
    HIDDEN_USER = auto()
    IMPORT = auto()
    USER = auto()


class MessagesFilter(AutoName):
    """Which messages ``search_messages`` returns; the value is the TL filter class."""

    EMPTY = t.InputMessagesFilterEmpty
    PHOTO = t.InputMessagesFilterPhotos
    VIDEO = t.InputMessagesFilterVideo
    PHOTO_VIDEO = t.InputMessagesFilterPhotoVideo
    DOCUMENT = t.InputMessagesFilterDocument
    URL = t.InputMessagesFilterUrl
    ANIMATION = t.InputMessagesFilterGif
    VOICE_NOTE = t.InputMessagesFilterVoice
    VIDEO_NOTE = t.InputMessagesFilterRoundVideo
    AUDIO_VIDEO_NOTE = t.InputMessagesFilterRoundVoice
    AUDIO = t.InputMessagesFilterMusic
    CHAT_PHOTO = t.InputMessagesFilterChatPhotos
    PHONE_CALL = t.InputMessagesFilterPhoneCalls
    MENTION = t.InputMessagesFilterMyMentions
    LOCATION = t.InputMessagesFilterGeo
    CONTACT = t.InputMessagesFilterContacts
    PINNED = t.InputMessagesFilterPinned
    POLL = t.InputMessagesFilterPoll


class PollType(AutoName):
    """A quiz (one right answer) or a regular poll."""

    QUIZ = auto()
    REGULAR = auto()


class StickerType(AutoName):
    """The kind of a sticker."""

    REGULAR = auto()
    MASK = auto()
    CUSTOM_EMOJI = auto()


class MaskPointType(AutoName):
    """The part of a face a mask sticker is placed on."""

    FOREHEAD = 0
    EYES = 1
    MOUTH = 2
    CHIN = 3


class MediaAreaType(AutoName):
    """The kind of an area on a story."""

    POST = t.MediaAreaChannelPost
    LOCATION = t.MediaAreaGeoPoint
    REACTION = t.MediaAreaSuggestedReaction
    URL = t.MediaAreaUrl
    VENUE = t.MediaAreaVenue
    WEATHER = t.MediaAreaWeather
    GIFT = t.MediaAreaStarGift


class ButtonStyle(AutoName):
    """The look of a keyboard button."""

    DEFAULT = auto()
    PRIMARY = auto()
    DANGER = auto()
    SUCCESS = auto()
    LINK = auto()
