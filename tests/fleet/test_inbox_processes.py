"""The inbox through crashes, on both engines (``inbox_chaos.py`` has the scenario and its checks;
``benchmarks/chaos.py --inbox`` runs it at full size): three accounts, 100 incoming messages each in four rounds, a
worker killed (``kill -9``) and started again after each round; every message stored once and handled (more than
once only where a kill fell between the handler's return and its marker's commit), a handler that raised retried
until it succeeds once."""

from __future__ import annotations

from pathlib import Path

from .inbox_chaos import CHANNEL_SUITE, SUITE, inbox_chaos


async def test_every_message_handled_through_kills(store_url: str, tmp_path: Path) -> None:
    report = await inbox_chaos(store_url, tmp_path, SUITE)
    assert report.messages == SUITE.accounts * SUITE.rounds * SUITE.per_round and report.kills == SUITE.rounds


async def test_every_supergroup_post_handled_through_kills_and_lost_pushes(store_url: str, tmp_path: Path) -> None:
    """The same through a supergroup of every account, 20% of its pushes lost: each holder resumes from the channel
    pts its fenced session stored and fills the gaps with updates.getChannelDifference; every post stored once per
    account, in order, and handled."""
    report = await inbox_chaos(store_url, tmp_path, CHANNEL_SUITE)
    assert report.messages == CHANNEL_SUITE.accounts * (CHANNEL_SUITE.rounds * CHANNEL_SUITE.per_round + 1)
    assert report.kills == CHANNEL_SUITE.rounds
