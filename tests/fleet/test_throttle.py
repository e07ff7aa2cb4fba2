"""The send policy's gates on a fake clock: the account's bucket, a chat's bucket, the daily budgets of messages and
new peers, the circuit breaker, the warm-up of fresh accounts, the order of the policy sources (default, pool,
account), and the policy's checks (overrides by name, bad values refused)."""

from __future__ import annotations

import itertools
import json

import pytest

from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.pools import pool_policy_json
from tgfleet.fleet.send_policy import SendPolicy, effective
from tgfleet.fleet.throttle import DAY, Throttle


class Clock:
    def __init__(self, now: float = 10 * DAY) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def sends(throttle: Throttle, clock: Clock, peers: list[str], until: float) -> list[float]:
    """When each message to ``peers`` (round robin) goes, advancing the clock by the throttle's own delays."""
    times, i = [], 0
    while clock.now < until:
        peer = peers[i % len(peers)]
        delay = max(throttle.delay(), throttle.chat_delay(peer, peer) or 0.0)
        if delay:
            clock.now += delay
            continue
        throttle.sent(peer, peer)
        times.append(clock.now)
        i += 1
    return times


def test_the_default_is_a_burst_of_3_then_one_every_3_seconds() -> None:
    clock = Clock()
    start = clock.now
    times = sends(Throttle(SendPolicy(chat_interval=0), clock), clock, [f"p{i}" for i in range(100)], start + 30)
    assert times[:3] == [start] * 3
    assert [round(b - a, 6) for a, b in itertools.pairwise(times[2:])] == [3.0] * (len(times) - 3)


def test_one_chat_gets_one_message_per_chat_interval() -> None:
    clock = Clock()
    start = clock.now
    times = sends(Throttle(SendPolicy(interval=0, chat_interval=2), clock), clock, ["@bob"], start + 10)
    assert times == [start + 2 * i for i in range(5)]


def test_the_daily_budget_stops_the_account_until_the_next_utc_day() -> None:
    clock = Clock(10 * DAY + 100)
    throttle = Throttle(SendPolicy(interval=0, chat_interval=0, daily_messages=5), clock)
    throttle.seed(3, 0, {"@a"})  # three sent today already (a restart)
    for _ in range(2):
        throttle.sent("@a", "@a")
    assert throttle.delay() == pytest.approx(DAY - 100)
    clock.now = 11 * DAY
    assert throttle.delay() == 0


def test_the_new_peer_budget_lets_known_peers_through() -> None:
    clock = Clock()
    throttle = Throttle(SendPolicy(interval=0, chat_interval=0, daily_new_peers=1), clock)
    throttle.seed(0, 0, {"@old"})
    assert throttle.chat_delay("c1", "@New1") == 0
    throttle.sent("c1", "@New1")
    assert throttle.chat_delay("c2", "@new2") is None  # a second new peer today: no
    assert throttle.chat_delay("c1", "@new1") == 0 and throttle.chat_delay("c3", "@OLD") == 0


def test_the_breaker_trips_on_repeated_flood_waits_within_its_window() -> None:
    clock = Clock()
    throttle = Throttle(SendPolicy(breaker_floods=3, breaker_window=60, breaker_cooldown=600), clock)
    assert throttle.flooded() is None
    clock.now += 61  # the first one is out of the window
    assert throttle.flooded() is None and throttle.flooded() is None
    assert throttle.flooded() == clock.now + 600


def test_policy_overrides_by_name_and_refuses_bad_values() -> None:
    assert SendPolicy().override({"interval": 1.5}).interval == 1.5
    with pytest.raises(FleetValueError, match="unknown keys \\['speed'\\]"):
        SendPolicy().override({"speed": 3})
    with pytest.raises(FleetValueError, match="interval must be a number >= 0"):
        SendPolicy().override({"interval": -1})
    with pytest.raises(FleetValueError, match="at least 1"):
        SendPolicy(burst=0)


def test_a_fresh_account_warms_up_for_its_first_days_then_gets_its_policy() -> None:
    policy = SendPolicy(interval=2.0, daily_messages=100, daily_new_peers=8)  # warm-up: 3 days, 3x slower, a quarter
    warm = policy.warmed(age=2.9 * DAY)
    assert (warm.interval, warm.daily_messages, warm.daily_new_peers) == (6.0, 25, 2)
    assert policy.warmed(age=3 * DAY) == policy
    assert SendPolicy(warmup_days=0).warmed(age=0) == SendPolicy(warmup_days=0)
    assert SendPolicy(daily_new_peers=1).warmed(age=0).daily_new_peers == 1  # never a budget of 0
    clock = Clock()
    throttle = Throttle(SendPolicy(interval=0, chat_interval=0, daily_messages=8, warmup_budget=0.5).warmed(0), clock)
    assert len(sends(throttle, clock, ["@a"], clock.now + DAY - 1)) == 4  # the warm budget of the day


def test_the_account_policy_overrides_the_pool_policy_which_overrides_the_default() -> None:
    default = SendPolicy(interval=3.0, burst=3, warmup_days=0)
    mine = effective(default, {"interval": 5.0, "burst": 1}, {"interval": 7.0}, age=0)
    assert (mine.interval, mine.burst) == (7.0, 1)
    assert effective(default, None, None, age=0) == default
    assert effective(SendPolicy(), {"warmup_days": 1}, None, age=DAY) == SendPolicy(warmup_days=1)


def test_a_pool_policy_is_checked_by_name_before_it_is_stored() -> None:
    assert json.loads(pool_policy_json({"sending": {"interval": 5}})) == {"sending": {"interval": 5}}
    refused = [
        ({"sending": {"intervall": 1}}, "intervall"),
        ({"proxy": "socks5://h:1"}, "proxy"),
        ({"sending": {"warmup_budget": 2}}, "warmup_budget"),
        ({"sending": {"request_burst": 0}}, "burst"),
    ]
    for bad, named in refused:
        with pytest.raises(FleetValueError, match=named):
            pool_policy_json(bad)
