"""Our types and Kurigram's, built from the same TL bytes, agree field by field (tests/pyro/compare.py lists
the few fields Kurigram fills differently, and why); where we differ on purpose a named test says so."""

from __future__ import annotations

import pytest

from tests.pyro import compare, kurigram, samples
from tgfleet import types

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
