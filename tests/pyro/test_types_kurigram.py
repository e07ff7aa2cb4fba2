"""Our types and Kurigram's, built from the same TL bytes, agree field by field (tests/pyro/compare.py lists
the few fields Kurigram fills differently, and why); where we differ on purpose a named test says so."""

from __future__ import annotations

import pytest
from pyrogram import types as ktypes

from tests.pyro import compare, kurigram, samples
from tgfleet import types
from tgfleet.tl import types as t

NAMES = list(samples.MESSAGES)
ANSWER = samples.updates(list(samples.MESSAGES.values()))
USERS, CHATS = samples.maps(samples.USERS, samples.CHATS)


@pytest.fixture(scope="module")
def theirs() -> dict[str, object]:
    return dict(zip(NAMES, kurigram.messages(ANSWER), strict=True))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "outgoing"])
def test_message_agrees_with_kurigram(name: str, theirs: dict[str, object]) -> None:
    ours = types.Message._parse(None, samples.MESSAGES[name], USERS, CHATS)
    assert compare.differences(ours, theirs[name]) == []


def test_own_message_in_private_chat_is_from_me(theirs: dict[str, object]) -> None:
    """A message of ours in a private chat carries no from_id: its sender is the account (the answer's
    ``self`` user), not the chat's other side, which Kurigram (and Pyrogram) name."""
    ours = types.Message._parse(None, samples.MESSAGES["outgoing"], USERS, CHATS)
    assert ours.outgoing and ours.from_user is not None and ours.from_user.is_self
    assert ours.from_user.id == samples.ME.id and ours.chat.id == samples.ALICE.id
    assert theirs["outgoing"].from_user.id == samples.ALICE.id  # type: ignore[attr-defined]


def test_comparison_sees_a_difference() -> None:
    """The comparison is not blind: a different sample differs."""
    ours = types.Message._parse(None, samples.MESSAGES["media photo"], USERS, CHATS)
    other = kurigram.messages(samples.updates([samples.MESSAGES["media video"]]))[0]
    found = compare.differences(ours, other)
    assert any(d.startswith(".media:") for d in found) and any(d.startswith(".photo:") for d in found)


PARTICIPANTS = {
    "member": t.ChannelParticipant(user_id=100, date=samples.T0),
    "self": t.ChannelParticipantSelf(user_id=200, inviter_id=100, date=samples.T0),
    "owner": t.ChannelParticipantCreator(user_id=100, admin_rights=t.ChatAdminRights(), rank="boss"),
    "admin": t.ChannelParticipantAdmin(
        can_edit=True, user_id=101, inviter_id=100, promoted_by=100, date=samples.T0, admin_rights=t.ChatAdminRights()
    ),
    "restricted": t.ChannelParticipantBanned(
        peer=t.PeerUser(user_id=101), kicked_by=100, date=samples.T0,
        banned_rights=t.ChatBannedRights(send_messages=True, until_date=samples.T0 + 3600),
    ),
    "banned": t.ChannelParticipantBanned(
        left=True, peer=t.PeerUser(user_id=101), kicked_by=100, date=samples.T0,
        banned_rights=t.ChatBannedRights(view_messages=True, until_date=0),
    ),
    "left": t.ChannelParticipantLeft(peer=t.PeerUser(user_id=101)),
    "group member": t.ChatParticipant(user_id=101, inviter_id=100, date=samples.T0),
    "group owner": t.ChatParticipantCreator(user_id=100),
}  # fmt: skip


@pytest.mark.parametrize("name", list(PARTICIPANTS))
def test_chat_member_agrees_with_kurigram(name: str) -> None:
    raw = PARTICIPANTS[name]
    theirs = kurigram.run(ktypes.ChatMember._parse(kurigram.client(), kurigram.decode(raw), kurigram_users(), {}))
    ours = types.ChatMember._parse(None, raw, USERS)
    assert compare.differences(ours, theirs) == []


def test_sent_code_and_terms_agree_with_kurigram() -> None:
    code = t.auth.SentCode(
        type=t.auth.SentCodeTypeSms(length=5), phone_code_hash="h", next_type=t.auth.CodeTypeCall(), timeout=60
    )
    theirs = ktypes.SentCode._parse(kurigram.decode(code))
    assert compare.differences(types.SentCode._parse(code), theirs) == []
    terms = t.help.TermsOfService(
        id=t.DataJSON(data="tos"), text="Terms", entities=[t.MessageEntityUrl(offset=0, length=5)], min_age_confirm=16
    )
    their_terms = kurigram.run(ktypes.TermsOfService._parse(kurigram.decode(terms)))
    assert compare.differences(types.TermsOfService._parse(terms), their_terms) == []


def kurigram_users() -> dict[int, object]:
    decoded = kurigram.decode(samples.updates([]))
    return {u.id: u for u in decoded.users}
