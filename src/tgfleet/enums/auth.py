"""Logins: how a code was sent, how the next one will be, the platforms of sessions."""

from __future__ import annotations

from enum import auto

from tgfleet.enums.base import AutoName
from tgfleet.tl import types as t


class SentCodeType(AutoName):
    """How the login code was delivered (``SentCode.type``)."""

    APP = t.auth.SentCodeTypeApp
    CALL = t.auth.SentCodeTypeCall
    FLASH_CALL = t.auth.SentCodeTypeFlashCall
    MISSED_CALL = t.auth.SentCodeTypeMissedCall
    SMS = t.auth.SentCodeTypeSms
    FRAGMENT_SMS = t.auth.SentCodeTypeFragmentSms
    EMAIL_CODE = t.auth.SentCodeTypeEmailCode
    FIREBASE_SMS = t.auth.SentCodeTypeFirebaseSms
    SETUP_EMAIL_REQUIRED = t.auth.SentCodeTypeSetUpEmailRequired
    SMS_PHRASE = t.auth.SentCodeTypeSmsPhrase
    SMS_WORD = t.auth.SentCodeTypeSmsWord


class NextCodeType(AutoName):
    """How the next code will be delivered after ``resend_code`` (``SentCode.next_type``)."""

    CALL = t.auth.CodeTypeCall
    FLASH_CALL = t.auth.CodeTypeFlashCall
    MISSED_CALL = t.auth.CodeTypeMissedCall
    SMS = t.auth.CodeTypeSms
    FRAGMENT_SMS = t.auth.CodeTypeFragmentSms


class PhoneNumberCodeType(AutoName):
    """What a code sent to a phone number is for."""

    AUTHENTICATION = auto()
    CHANGE = auto()
    VERIFY = auto()


class ClientPlatform(AutoName):
    """The platform of an active session."""

    ANDROID = auto()
    IOS = auto()
    WP = auto()
    BB = auto()
    DESKTOP = auto()
    WEB = auto()
    UBP = auto()
    OTHER = auto()
