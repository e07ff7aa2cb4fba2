"""tgfleet: run Telegram user accounts from Python.

Public surface: ``tgfleet.Client``, ``tgfleet.ConnectionState``, ``tgfleet.errors``,
``tgfleet.sandbox.Sandbox``, Pyrogram's ``idle``, ``compose``, ``StopPropagation``, ``ContinuePropagation``,
and its modules under its names: ``tgfleet.types``, ``tgfleet.enums``, ``tgfleet.filters``,
``tgfleet.handlers``, ``tgfleet.raw``. Everything else is internal and may change. Names load on first use,
so ``import tgfleet`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tgfleet.client import Client, ConnectionState, FloodWaitEvent, RateLimits, RetryPolicy, StateChange
    from tgfleet.client.idle import compose, idle
    from tgfleet.handlers import ContinuePropagation, StopPropagation, StopTransmission
    from tgfleet.version import __version__ as __version__

__all__ = [
    "Client",
    "ConnectionState",
    "ContinuePropagation",
    "FloodWaitEvent",
    "RateLimits",
    "RetryPolicy",
    "StateChange",
    "StopPropagation",
    "StopTransmission",
    "compose",
    "idle",
]
_MODULES = ("enums", "filters", "handlers", "raw", "types")
_FROM = {"compose": "client.idle", "idle": "client.idle", "ContinuePropagation": "handlers",
         "StopPropagation": "handlers", "StopTransmission": "handlers"}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name == "__version__":  # tgfleet.version, loaded when asked for (import tgfleet loads nothing else)
        from tgfleet.version import __version__

        return __version__
    if name in __all__:
        import importlib

        return getattr(importlib.import_module(f"tgfleet.{_FROM.get(name, 'client')}"), name)
    if name in _MODULES:
        import importlib

        return importlib.import_module(f"tgfleet.{name}")
    raise AttributeError(f"module 'tgfleet' has no attribute {name!r}")
