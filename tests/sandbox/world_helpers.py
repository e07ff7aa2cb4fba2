"""Driving the world's handlers directly: a fake clock, a recording Pusher, one caller per auth key."""

from __future__ import annotations

import random as _random
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.clock import FakeClock
from tgfleet.errors import RPCError
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.world import World
from tgfleet.tl import TLObject, types
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

API_ID = 94575
API_HASH = "a3406de8d171bb422bb6ddf3bbd800e2"
START = 1_750_000_000.0


@dataclass
class Push:
    user_id: int
    updates: TLObject
    except_auth_key_id: int | None


@dataclass
class Recorder:
    """A Pusher that records every push."""

    pushes: list[Push] = field(default_factory=list)

    def push(self, user_id: int, updates: TLObject, *, except_auth_key_id: int | None = None) -> None:
        self.pushes.append(Push(user_id, updates, except_auth_key_id))

    key_pushes: list[tuple[int, TLObject]] = field(default_factory=list)

    def to(self, user_id: int) -> list[Push]:
        return [p for p in self.pushes if p.user_id == user_id]

    def push_key(self, auth_key_id: int, updates: TLObject) -> None:
        self.key_pushes.append((auth_key_id, updates))


@dataclass
class Env:
    world: World
    clock: FakeClock
    delivery: Recorder
    _next_key: int = 1000

    def caller(self, dc: int) -> Caller:
        self._next_key += 1
        return Caller(self.world, dc, self._next_key)


def make_env(seed: int = 1, **kwargs: Any) -> Env:
    clock = FakeClock(START)
    rng = _random.Random(seed)
    world = World(api_id=API_ID, api_hash=API_HASH, clock=clock, random=rng.randbytes, **kwargs)
    delivery = Recorder()
    world.set_delivery(delivery)
    return Env(world, clock, delivery)


class Caller:
    """One auth key on one DC, calling the world's handlers the way the dispatcher does."""

    def __init__(self, world: World, dc: int, auth_key_id: int) -> None:
        self.world, self.dc, self.auth_key_id = world, dc, auth_key_id

    def ctx(self) -> CallContext:
        return CallContext(
            dc_id=self.dc,
            auth_key_id=self.auth_key_id,
            session_id=self.auth_key_id * 7,
            user_id=self.world.user_of(self.auth_key_id),
            api_id=API_ID,
            layer=229,
            now=self.world.clock(),
        )

    async def __call__(self, request: Any) -> Any:
        handler = self.world.handler(type(request))
        assert handler is not None, f"no handler for {type(request).__name__}"
        return await handler(self.ctx(), request)

    async def fails(self, request: Any, error: str, code: int | None = None) -> RPCError:
        """Call and expect the RPC error named ``error`` (e.g. ``PHONE_MIGRATE_2``)."""
        with pytest.raises(RPCError) as caught:
            await self(request)
        got = caught.value.error_message
        assert got == error, caught.value
        if code is not None:
            assert caught.value.code == code
        return caught.value

    def send_code(self, phone: str) -> f_auth.SendCode:
        return f_auth.SendCode(phone_number=phone, api_id=API_ID, api_hash=API_HASH, settings=types.CodeSettings())

    async def login(self, phone: str) -> types.User:
        """sendCode + signIn with the live code (no 2FA)."""
        sent = await self(self.send_code(phone))
        code = self.world.login_code(phone)
        result = await self(f_auth.SignIn(phone_number=phone, phone_code_hash=sent.phone_code_hash, phone_code=code))
        assert isinstance(result, t_auth.Authorization) and isinstance(result.user, types.User)
        return result.user
