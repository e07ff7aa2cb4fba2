"""The health rules on their own (pure: no store, no sandbox): each error's state and evidence, which moves are
allowed from which state, the ways back, what a probe's findings do, and when probes are due."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tgfleet import errors
from tgfleet.errors import rpc_error
from tgfleet.fleet import AccountState
from tgfleet.fleet.health_rules import (
    Authorizations,
    Findings,
    Freeze,
    HealthSettings,
    allowed,
    judge_error,
    judge_login,
    judge_probe,
    judge_success,
)
from tgfleet.fleet.probes import ProbeSchedule, ProbeSettings

S = AccountState
SETTINGS = HealthSettings(flood_threshold=60, peer_flood_hold=1000)
NOW = 10_000.0
RUNNABLE = [S.NEW, S.ACTIVE, S.LIMITED, S.FROZEN, S.UNREACHABLE]
NOT_RUNNABLE = [S.NEEDS_LOGIN, S.REVOKED, S.BANNED, S.DELETED, S.DISABLED]


def judge(error: BaseException, state: AccountState = S.ACTIVE, until: float | None = None, **kw: object):  # type: ignore[no-untyped-def]
    return judge_error(error, state, until, now=NOW, settings=SETTINGS, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "name", "state"),
    [
        (401, "AUTH_KEY_UNREGISTERED", S.NEEDS_LOGIN),
        (401, "AUTH_KEY_INVALID", S.NEEDS_LOGIN),
        (401, "SESSION_EXPIRED", S.NEEDS_LOGIN),
        (401, "SESSION_REVOKED", S.REVOKED),
        (406, "AUTH_KEY_DUPLICATED", S.REVOKED),
        (401, "USER_DEACTIVATED_BAN", S.BANNED),
        (400, "PHONE_NUMBER_BANNED", S.BANNED),
        (401, "USER_DEACTIVATED", S.DELETED),
        (420, "FROZEN_METHOD_INVALID", S.FROZEN),
        (400, "FROZEN_PARTICIPANT_MISSING", S.FROZEN),
    ],
)
def test_each_telling_error_names_its_state_with_the_raw_error(code: int, name: str, state: AccountState) -> None:
    move = judge(rpc_error(code, name), method="users.GetUsers")
    assert move is not None and move.state is state
    assert (move.evidence.code, move.evidence.name, move.evidence.detail["method"]) == (code, name, "users.GetUsers")
    assert name in (move.evidence.message or "")


def test_a_long_flood_wait_limits_until_it_ends_and_a_short_one_says_nothing() -> None:
    move = judge(errors.FloodWait(3600))
    assert move is not None and (move.state, move.until) == (S.LIMITED, NOW + 3600)
    assert move.evidence.detail == {"flood_seconds": 3600, "until": NOW + 3600}
    assert (move.evidence.code, move.evidence.name) == (420, "FLOOD_WAIT_3600")
    assert judge(errors.FloodWait(60)) is None  # not over the threshold: pacing
    assert judge(errors.FloodWait(3000), S.LIMITED, until=NOW + 3600) is None  # within the known limit
    longer = judge(errors.FloodWait(7200), S.LIMITED, until=NOW + 3600)
    assert longer is not None and (longer.state, longer.until) == (S.LIMITED, NOW + 7200)  # extended


def test_peer_flood_limits_for_the_hold_without_a_known_end() -> None:
    move = judge(rpc_error(400, "PEER_FLOOD"), method="messages.SendMessage")
    assert move is not None and (move.state, move.until) == (S.LIMITED, NOW + 1000)
    assert move.evidence.detail == {"method": "messages.SendMessage", "until": NOW + 1000, "until_known": False}


def test_network_trouble_is_only_ever_unreachable_and_hides_no_limit() -> None:
    for error in (errors.NetworkError("reset"), errors.ProxyError("refused"), errors.RequestTimeout("slow"),
                  ConnectionResetError(), errors.ConnectionFailed(errors.ProxyError("refused"))):  # fmt: skip
        move = judge(error)
        assert move is not None and move.state is S.UNREACHABLE
        for state in (S.LIMITED, S.FROZEN, *NOT_RUNNABLE):
            assert judge(error, state) is None
    assert judge(errors.ConnectionFailed(errors.SendGateClosed("fenced"))) is None  # the holder's own fence
    assert judge(rpc_error(400, "PEER_ID_INVALID")) is None and judge(ValueError("a bug")) is None


def test_no_automatic_move_leaves_a_state_no_worker_runs() -> None:
    for old in NOT_RUNNABLE:
        for new in AccountState:
            assert not allowed(old, new)
        assert judge(rpc_error(401, "SESSION_REVOKED"), old) is None
        assert judge_success(old, None, now=NOW, what="x") is None
    assert not allowed(S.FROZEN, S.LIMITED) and allowed(S.LIMITED, S.FROZEN)
    assert all(allowed(old, S.REVOKED) for old in RUNNABLE)


def test_the_way_back_is_a_success_after_the_end_but_never_for_a_frozen_account() -> None:
    for state in (S.NEW, S.UNREACHABLE):
        back = judge_success(state, None, now=NOW, what="a call")
        assert back is not None and back.state is S.ACTIVE and back.evidence.message == "a call worked"
    assert judge_success(S.LIMITED, NOW + 1, now=NOW, what="a call") is None
    assert judge_success(S.LIMITED, NOW, now=NOW, what="a call") is not None
    assert judge_success(S.FROZEN, None, now=NOW, what="a call") is None  # a frozen account still passes getMe
    assert judge_success(S.ACTIVE, None, now=NOW, what="a call") is None  # no news


def test_a_probe_finds_a_freeze_its_end_and_a_login_waiting_for_confirmation() -> None:
    freeze = Freeze(since=NOW - 50, until=NOW + 500, appeal_url="https://t.me/spambot")
    [frozen] = judge_probe(S.NEW, None, Findings(freeze=freeze), now=NOW)
    assert (frozen.state, frozen.until, frozen.evidence.name) == (S.FROZEN, NOW + 500, "help.getAppConfig")
    assert frozen.evidence.detail == {"freeze_since": NOW - 50, "freeze_until": NOW + 500,
                                      "appeal_url": "https://t.me/spambot"}  # fmt: skip
    [dates] = judge_probe(S.FROZEN, None, Findings(freeze=freeze), now=NOW)  # after FROZEN_METHOD_INVALID: a note
    assert (dates.state, dates.until) == (S.FROZEN, NOW + 500)
    assert judge_probe(S.FROZEN, NOW + 500, Findings(freeze=freeze), now=NOW, seen=Findings(freeze=freeze)) == []
    [ended] = judge_probe(S.FROZEN, NOW + 500, Findings(freeze=None), now=NOW)
    assert ended.state is S.ACTIVE and "freeze ended" in (ended.evidence.message or "")
    assert judge_probe(S.FROZEN, None, Findings(freeze="unchanged"), now=NOW) == []  # getMe passing proves nothing
    waiting = Authorizations(own={"hash": 1}, unconfirmed=({"hash": 2, "device_model": "x"},), count=2)
    [active, note] = judge_probe(S.NEW, None, Findings(freeze=None, authorizations=waiting), now=NOW)
    assert active.state is S.ACTIVE and note.state is S.ACTIVE
    assert note.evidence.detail == {"unconfirmed": [{"hash": 2, "device_model": "x"}], "count": 2}
    assert (
        judge_probe(S.ACTIVE, None, Findings(authorizations=waiting), now=NOW, seen=Findings(authorizations=waiting))
        == []
    )
    [gone] = judge_probe(S.ACTIVE, None, Findings(authorizations=Authorizations(own=None, count=3)), now=NOW)
    assert gone.state is S.REVOKED and gone.evidence.name == "account.getAuthorizations"


def test_what_ended_is_kept_when_the_key_ends() -> None:
    ended = {"auth_key_id": "00ab", "authorization": {"hash": 5}}
    move = judge(rpc_error(401, "SESSION_REVOKED"), ended=ended)
    assert move is not None and move.evidence.detail == ended
    banned = judge(rpc_error(401, "USER_DEACTIVATED_BAN"), ended=ended)
    assert banned is not None and banned.evidence.detail == {}


def test_probes_of_a_thousand_accounts_connected_at_once_are_spread_and_jittered() -> None:
    settings = ProbeSettings(interval=600, jitter=0.2, authorizations_interval=1e9)  # the health probes alone
    rng = random.Random(7)
    schedules = [ProbeSchedule(settings, rng, NOW) for _ in range(1000)]
    first = Counter(int(s.next_at(S.ACTIVE, None) - NOW) for s in schedules)
    assert max(first.values()) <= 10 and len(first) > 400  # spread over the first interval, not one second
    for s in schedules:
        s.probed(NOW + 600, listed=False)
    spans = [s.next_at(S.ACTIVE, None) - (NOW + 600) for s in schedules]
    assert min(spans) >= 480 and max(spans) <= 720 and len({round(x) for x in spans}) > 100


def test_a_probe_waits_for_traffic_a_limits_end_and_a_flood_wait() -> None:
    schedule = ProbeSchedule(ProbeSettings(interval=100, jitter=0.0, authorizations_interval=10_000), random.Random(1),
                             NOW, immediate=True)  # fmt: skip
    assert schedule.next_at(S.NEW, None) == NOW and schedule.lists_authorizations(NOW)
    schedule.probed(NOW, listed=True)
    assert schedule.next_at(S.ACTIVE, None) == NOW + 100
    schedule.shown(NOW + 50, S.ACTIVE)  # traffic showed the health: the probe is skipped, one interval on
    assert schedule.next_at(S.ACTIVE, None) == NOW + 150
    schedule.shown(NOW + 90, S.FROZEN)  # a frozen account's traffic shows nothing
    assert schedule.next_at(S.FROZEN, None) == NOW + 150
    assert schedule.next_at(S.LIMITED, NOW + 5000) == NOW + 5000  # not before the limit's end
    schedule.not_before(NOW + 700)  # a probe got a flood wait
    assert schedule.next_at(S.ACTIVE, None) == NOW + 700
    assert not schedule.lists_authorizations(NOW + 700) and schedule.lists_authorizations(NOW + 10_000)


def test_a_login_again_brings_every_state_but_banned_and_deleted_back_to_new() -> None:
    for state in AccountState:
        move = judge_login(state, login_id=7, auth_key_id=42)
        if state in (AccountState.BANNED, AccountState.DELETED):
            assert move is None, state
        else:
            assert move is not None and move.state is AccountState.NEW, state
            assert (move.evidence.name, move.evidence.detail) == ("login", {"login": 7, "auth_key_id": 42})
