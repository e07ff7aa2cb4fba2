"""Account settings: privacy keys and rules, stories' audiences, business schedules, profile tabs, proxies,
calls."""

from __future__ import annotations

from enum import auto

from tgfleet.enums.base import AutoName
from tgfleet.tl import types as t


class PrivacyKey(AutoName):
    """What a privacy rule applies to."""

    ABOUT = t.InputPrivacyKeyAbout
    ADDED_BY_PHONE = t.InputPrivacyKeyAddedByPhone
    BIRTHDAY = t.InputPrivacyKeyBirthday
    CHAT_INVITE = t.InputPrivacyKeyChatInvite
    FORWARDS = t.InputPrivacyKeyForwards
    PHONE_CALL = t.InputPrivacyKeyPhoneCall
    PHONE_NUMBER = t.InputPrivacyKeyPhoneNumber
    PHONE_P2P = t.InputPrivacyKeyPhoneP2P
    PROFILE_PHOTO = t.InputPrivacyKeyProfilePhoto
    STATUS = t.InputPrivacyKeyStatusTimestamp
    VOICE_MESSAGES = t.InputPrivacyKeyVoiceMessages
    GIFTS = t.InputPrivacyKeyStarGiftsAutoSave
    NO_PAID_MESSAGES = t.InputPrivacyKeyNoPaidMessages
    SAVED_MUSIC = t.InputPrivacyKeySavedMusic


class PrivacyRuleType(AutoName):
    """Who a privacy rule allows or disallows."""

    ALLOW_ALL = t.PrivacyValueAllowAll
    ALLOW_BOTS = t.PrivacyValueAllowBots
    ALLOW_CHAT_PARTICIPANTS = t.PrivacyValueAllowChatParticipants
    ALLOW_CLOSE_FRIENDS = t.PrivacyValueAllowCloseFriends
    ALLOW_CONTACTS = t.PrivacyValueAllowContacts
    ALLOW_PREMIUM = t.PrivacyValueAllowPremium
    ALLOW_USERS = t.PrivacyValueAllowUsers
    DISALLOW_ALL = t.PrivacyValueDisallowAll
    DISALLOW_BOTS = t.PrivacyValueDisallowBots
    DISALLOW_CHAT_PARTICIPANTS = t.PrivacyValueDisallowChatParticipants
    DISALLOW_CONTACTS = t.PrivacyValueDisallowContacts
    DISALLOW_USERS = t.PrivacyValueDisallowUsers


class StoriesPrivacyRules(AutoName):
    """Who may see a story."""

    PUBLIC = auto()
    CONTACTS = auto()
    CLOSE_FRIENDS = auto()
    SELECTED_USERS = auto()


class BusinessSchedule(AutoName):
    """When a business away message is sent."""

    ALWAYS = t.BusinessAwayMessageScheduleAlways
    OUTSIDE_WORK_HOURS = t.BusinessAwayMessageScheduleOutsideWorkHours
    CUSTOM = t.BusinessAwayMessageScheduleCustom


class ProfileTab(AutoName):
    """A tab of a profile page."""

    POSTS = t.ProfileTabPosts
    GIFTS = t.ProfileTabGifts
    MEDIA = t.ProfileTabMedia
    FILES = t.ProfileTabFiles
    LINKS = t.ProfileTabLinks
    MUSIC = t.ProfileTabMusic
    VOICE = t.ProfileTabVoice
    GIFS = t.ProfileTabGifs


class ProxyScheme(AutoName):
    """The kind of a proxy."""

    SOCKS4 = auto()
    SOCKS5 = auto()
    HTTP = auto()
    MTPROXY = auto()
    WEB = auto()


class PhoneCallDiscardReason(AutoName):
    """Why a phone call ended."""

    MISSED = t.PhoneCallDiscardReasonMissed
    DECLINED = t.PhoneCallDiscardReasonBusy
    DISCONNECTED = t.PhoneCallDiscardReasonDisconnect
    HUNG_UP = t.PhoneCallDiscardReasonHangup
    UPGRADE_TO_CONFERENCE_CALL = t.PhoneCallDiscardReasonMigrateConferenceCall
