"""Exactly once through crashes, on both engines (``outbox_chaos``: two worker processes killed at random moments,
some kills while the other worker is stopped past its lease; every message delivered once, in order per chat,
``sent`` with its Telegram id). The suite runs it small with a fresh seed each time (the failure names it; set
``TGFLEET_CHAOS_SEED`` to replay one); ``benchmarks/chaos.py --outbox`` runs it at full size."""

from __future__ import annotations

import os
import random
from pathlib import Path

from .outbox_chaos import SUITE, outbox_chaos


async def test_every_message_is_delivered_exactly_once_in_order_through_random_kills(
    store_url: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("TGFLEET_CHAOS_SEED") or random.randrange(1 << 30))
    report = await outbox_chaos(store_url, tmp_path, SUITE, seed)
    assert report.sent == SUITE.messages and report.kills == SUITE.kills
