"""Fixtures shared by several test packages: ``tg``, a one-DC sandbox, and ``relay``, a relay in front of its
DC that breaks the stream on command (``tests/relay.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.relay import Relay
from tgfleet.sandbox.server import Sandbox


@pytest.fixture
async def tg() -> AsyncIterator[Sandbox]:
    async with Sandbox(dcs=1, default_dc=1) as sandbox:
        yield sandbox


@pytest.fixture
async def relay(tg: Sandbox) -> AsyncIterator[Relay]:
    async with Relay(tg.dc_addresses[0]) as r:
        yield r
