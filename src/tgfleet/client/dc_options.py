"""The DC list of ``help.getConfig`` (https://core.telegram.org/method/help.getConfig) and the network it makes.

On Telegram's own networks (``Network.production()`` / ``Network.test()``, by name) the addresses the server
lists are fresher than the built-in bootstrap ones, so they replace them, and a session's stored list is used
from its next start on. A network the caller described (a sandbox, a private deployment behind a relay) is
used as given: its addresses are the only ones known to reach it.
"""

from __future__ import annotations

from typing import Any

from tgfleet.net import DcAddress, Network
from tgfleet.storage import DcOption
from tgfleet.tl import types

TELEGRAMS = ("production", "test")
"""Names of the networks whose addresses help.getConfig may replace."""


def config_options(config: Any) -> list[DcOption]:
    """The DC options of a ``config`` answer (none if it is something else)."""
    if not isinstance(config, types.Config):
        return []
    return [_dc_option(o) for o in config.dc_options if isinstance(o, types.DcOption)]


def with_options(network: Network, options: list[DcOption]) -> Network:
    """``network`` with the addresses of ``options`` (plain TCP ones: no CDN, no MTProxy secret) if it is one
    of Telegram's own networks and they include an IPv4 address; otherwise ``network`` unchanged."""
    if network.name not in TELEGRAMS:
        return network
    usable = [
        DcAddress(o.dc_id, o.ip_address, o.port, media=o.media_only, ipv6=o.ipv6)
        for o in options
        if not o.cdn and not o.tcpo_only and o.secret is None
    ]
    return network.with_addresses(tuple(usable)) if any(not a.ipv6 for a in usable) else network


def _dc_option(o: types.DcOption) -> DcOption:
    return DcOption(
        dc_id=o.id, ip_address=o.ip_address, port=o.port, ipv6=o.ipv6, media_only=o.media_only,
        tcpo_only=o.tcpo_only, cdn=o.cdn, static=o.static, this_port_only=o.this_port_only, secret=o.secret,
    )  # fmt: skip
