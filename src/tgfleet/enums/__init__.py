"""``tgfleet.enums``: Pyrogram's enumerations, with its names and values (``from tgfleet import enums``).

Owns the enumerations the Pyrogram-style model uses (``ParseMode``, ``ChatType``, ``MessageMediaType``, ...).
Members whose Pyrogram value is a raw TL class have tgfleet's generated class of the same constructor as
value (``enums.ChatAction.TYPING.value is tgfleet.raw.types.SendMessageTypingAction``). May import only
``tgfleet.tl``.
"""

from tgfleet.enums.auth import ClientPlatform, NextCodeType, PhoneNumberCodeType, SentCodeType
from tgfleet.enums.base import AutoName
from tgfleet.enums.chats import (
    BlockList,
    ChatAction,
    ChatEventAction,
    ChatJoinRequestQueryResult,
    ChatJoinType,
    ChatMembersFilter,
    ChatMemberStatus,
    ChatPhotoStickerType,
    ChatType,
    FolderColor,
    TopChatCategory,
    UserStatus,
)
from tgfleet.enums.gifts import (
    GiftAttributeType,
    GiftForResaleOrder,
    GiftPurchaseOfferState,
    GiftType,
    PaidReactionPrivacy,
    PaymentFormType,
    SuggestedPostRefundReason,
    SuggestedPostState,
    UpgradedGiftOrigin,
)
from tgfleet.enums.messages import (
    ButtonStyle,
    MaskPointType,
    MediaAreaType,
    MessageEntityType,
    MessageMediaType,
    MessageOriginType,
    MessageServiceType,
    MessagesFilter,
    ParseMode,
    PollType,
    StickerType,
)
from tgfleet.enums.settings import (
    BusinessSchedule,
    PhoneCallDiscardReason,
    PrivacyKey,
    PrivacyRuleType,
    ProfileTab,
    ProxyScheme,
    StoriesPrivacyRules,
)

__all__ = [
    "AutoName",
    "BlockList",
    "BusinessSchedule",
    "ButtonStyle",
    "ChatAction",
    "ChatEventAction",
    "ChatJoinRequestQueryResult",
    "ChatJoinType",
    "ChatMemberStatus",
    "ChatMembersFilter",
    "ChatPhotoStickerType",
    "ChatType",
    "ClientPlatform",
    "FolderColor",
    "GiftAttributeType",
    "GiftForResaleOrder",
    "GiftPurchaseOfferState",
    "GiftType",
    "MaskPointType",
    "MediaAreaType",
    "MessageEntityType",
    "MessageMediaType",
    "MessageOriginType",
    "MessageServiceType",
    "MessagesFilter",
    "NextCodeType",
    "PaidReactionPrivacy",
    "ParseMode",
    "PaymentFormType",
    "PhoneCallDiscardReason",
    "PhoneNumberCodeType",
    "PollType",
    "PrivacyKey",
    "PrivacyRuleType",
    "ProfileTab",
    "ProxyScheme",
    "SentCodeType",
    "StickerType",
    "StoriesPrivacyRules",
    "SuggestedPostRefundReason",
    "SuggestedPostState",
    "TopChatCategory",
    "UpgradedGiftOrigin",
    "UserStatus",
]
