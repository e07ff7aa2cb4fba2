"""Gifts, stars and paid posts."""

from __future__ import annotations

from enum import auto

from tgfleet.enums.base import AutoName
from tgfleet.tl import types as t


class GiftType(AutoName):
    """A regular or an upgraded (unique) gift."""

    REGULAR = auto()
    UPGRADED = auto()


class GiftAttributeType(AutoName):
    """The kind of an upgraded gift's attribute."""

    MODEL = t.StarGiftAttributeModel
    SYMBOL = t.StarGiftAttributePattern
    BACKDROP = t.StarGiftAttributeBackdrop
    ORIGINAL_DETAILS = t.StarGiftAttributeOriginalDetails


class GiftForResaleOrder(AutoName):
    """How gifts for resale are sorted."""

    PRICE = auto()
    CHANGE_DATE = auto()
    NUMBER = auto()


class GiftPurchaseOfferState(AutoName):
    """The state of an offer to buy an upgraded gift."""

    PENDING = auto()
    ACCEPTED = auto()
    REJECTED = auto()


class UpgradedGiftOrigin(AutoName):
    """How an upgraded gift was obtained."""

    UPGRADE = auto()
    TRANSFER = auto()
    RESALE = auto()
    BLOCKCHAIN = auto()
    GIFTED_UPGRADE = auto()
    OFFER = auto()
    CRAFT = auto()


class PaidReactionPrivacy(AutoName):
    """Who a paid reaction is shown as."""

    DEFAULT = t.PaidReactionPrivacyDefault
    ANONYMOUS = t.PaidReactionPrivacyAnonymous
    CHAT = t.PaidReactionPrivacyPeer


class PaymentFormType(AutoName):
    """The kind of a payment form."""

    REGULAR = auto()
    STARS = auto()
    STAR_SUBSCRIPTION = auto()


class SuggestedPostState(AutoName):
    """The state of a suggested channel post."""

    PENDING = auto()
    APPROVED = auto()
    DECLINED = auto()


class SuggestedPostRefundReason(AutoName):
    """Why a suggested post's payment was refunded."""

    POST_DELETED = auto()
    PAYMENT_REFUNDED = auto()
