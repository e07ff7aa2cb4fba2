"""Senders for the tests of ``tgfleet.net.sender``: one for DC 1 of a sandbox (or a relay in front of it)
whose every connection starts with initConnection, as the client's do, and one call to make on it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tgfleet.net import Network
from tgfleet.net.retry import RetryPolicy
from tgfleet.net.sender import Sender, SenderConfig, SenderHooks
from tgfleet.sandbox.server import Sandbox
from tgfleet.tl import LAYER, functions

PROMPTLY = 10.0
"""Bound of every wait in these tests; the senders' own timeouts and keep-alive are far longer (60 s)."""
QUICK_RETRY = RetryPolicy(initial=0.01, maximum=0.05)


def sender(
    tg: Sandbox,
    network: Network | None = None,
    hooks: dict[str, Any] | None = None,
    *,
    auth_key: bytes | None = None,
    clock: Callable[[], float] = time.time,
    **config: Any,
) -> Sender:
    """Keep-alive and call timeouts are long, so only the mechanism under test can act within ``PROMPTLY``;
    ``config`` overrides any ``SenderConfig`` field, ``hooks`` adds ``SenderHooks``; ``auth_key``: a stored key."""
    settings: dict[str, Any] = {"ping_interval": 60.0, "ping_timeout": 20.0, "retry": QUICK_RETRY}
    settings.update(config)
    init = functions.InitConnection(
        api_id=tg.api_id, device_model="test", system_version="test", app_version="test",
        system_lang_code="en", lang_pack="", lang_code="en", query=functions.help.GetConfig(),
    )  # fmt: skip
    first = SenderHooks(first_request=lambda: functions.InvokeWithLayer(layer=LAYER, query=init), **(hooks or {}))
    return Sender(
        network or tg.network, 1, auth_key=auth_key, config=SenderConfig(**settings), hooks=first, clock=clock
    )


async def call(s: Sender, timeout: float = PROMPTLY) -> Any:
    """help.getNearestDc: answered by the sandbox without a login."""
    return await s.invoke(functions.help.GetNearestDc(), timeout=timeout)
