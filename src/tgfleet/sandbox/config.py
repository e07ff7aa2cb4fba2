"""The API methods the network side answers itself because they need to know the listeners:
``help.getConfig`` (https://core.telegram.org/method/help.getConfig) and ``help.getNearestDc``.

They are looked up before the world's handlers. The numbers in ``config`` are Telegram's usual values
(https://core.telegram.org/constructor/config); ``dc_options`` lists the sandbox's loopback listeners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgfleet.net import DcAddress
from tgfleet.sandbox.contract import CallContext, MethodHandler, MethodResult
from tgfleet.tl import functions, types

CONFIG_LIFETIME = 3600
"""Seconds until a client should fetch the config again (``config.expires``)."""
COUNTRY = "XX"
"""What ``help.getNearestDc`` reports as the client's country (no GeoIP on loopback)."""

_LIMITS: dict[str, Any] = {
    "chat_size_max": 200,
    "megagroup_size_max": 200_000,
    "forwarded_count_max": 100,
    "online_update_period_ms": 210_000,
    "offline_blur_timeout_ms": 5_000,
    "offline_idle_timeout_ms": 30_000,
    "online_cloud_timeout_ms": 300_000,
    "notify_cloud_delay_ms": 30_000,
    "notify_default_delay_ms": 1_500,
    "push_chat_period_ms": 60_000,
    "push_chat_limit": 2,
    "edit_time_limit": 172_800,
    "revoke_time_limit": 2_147_483_647,
    "revoke_pm_time_limit": 2_147_483_647,
    "rating_e_decay": 2_419_200,
    "stickers_recent_limit": 200,
    "channels_read_media_period": 604_800,
    "call_receive_timeout_ms": 20_000,
    "call_ring_timeout_ms": 90_000,
    "call_connect_timeout_ms": 30_000,
    "call_packet_timeout_ms": 10_000,
    "me_url_prefix": "https://t.me/",
    "caption_length_max": 1024,
    "message_length_max": 4096,
    "suggested_lang_code": "en",
    "lang_pack_version": 0,
    "base_lang_pack_version": 0,
}


def build_config(addresses: list[DcAddress], this_dc: int, now: float) -> types.Config:
    """``config`` for a client connected to ``this_dc``: one ``dcOption`` per listener."""
    options = [
        types.DcOption(id=a.dc_id, ip_address=a.host, port=a.port, ipv6=a.ipv6, media_only=a.media) for a in addresses
    ]
    dc_ids = sorted({a.dc_id for a in addresses})
    return types.Config(
        date=int(now),
        expires=int(now) + CONFIG_LIFETIME,
        test_mode=False,
        this_dc=this_dc,
        dc_options=options,
        dc_txt_domain_name="sandbox.invalid",
        webfile_dc_id=4 if 4 in dc_ids else dc_ids[-1],
        **_LIMITS,
    )


def network_handlers(addresses: Callable[[], list[DcAddress]]) -> dict[type, MethodHandler]:
    """The handlers the network side owns, given a callable returning the listeners' addresses."""

    async def get_config(ctx: CallContext, request: Any) -> MethodResult:
        return build_config(addresses(), ctx.dc_id, ctx.now)

    async def get_nearest_dc(ctx: CallContext, request: Any) -> MethodResult:
        return types.NearestDc(country=COUNTRY, this_dc=ctx.dc_id, nearest_dc=ctx.dc_id)

    return {functions.help.GetConfig: get_config, functions.help.GetNearestDc: get_nearest_dc}
