"""Shared pieces of the fleet tests: fake sessions (random keys, no server needed), bounded polling, and a count of
a store's write transactions."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

import pytest

from tgfleet.client.session_strings import SessionData, export_pyrogram
from tgfleet.fleet import Fleet, LeaseSettings
from tgfleet.fleet.store import Store, Tx

T = TypeVar("T")
SHORT = LeaseSettings(ttl=0.4, renew_interval=0.1, grace=0.4)


def pyrogram_string(dc_id: int = 2, user_id: int = 7_000_000_001, api_id: int = 12345, key: bytes | None = None) -> str:
    return export_pyrogram(SessionData("pyrogram-362", dc_id, key or os.urandom(256), False, api_id, user_id, False))


async def populate(fleet: Fleet, count: int, prefix: str = "acct") -> list[int]:
    ids = []
    for i in range(count):
        account = await fleet.accounts.import_session(pyrogram_string(user_id=8_000_000_000 + i), label=f"{prefix}{i}")
        ids.append(account.id)
    return ids


async def until(attempt: Callable[[], Awaitable[T | None]], timeout: float = 20.0, every: float = 0.02) -> T:
    """Call ``attempt`` until it returns something other than None (for conditions that only time brings about,
    such as a lease expiring); fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await attempt()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await asyncio.sleep(every)


def count_writes(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The store's write transactions from now on, counted (one item each) through its public ``transaction``."""
    writes: list[int] = []
    transaction: Callable[..., AbstractAsyncContextManager[Tx]] = store.transaction

    @asynccontextmanager
    async def counted(*, readonly: bool = False) -> AsyncIterator[Tx]:
        if not readonly:
            writes.append(1)
        async with transaction(readonly=readonly) as tx:
            yield tx

    monkeypatch.setattr(store, "transaction", counted)
    return writes
