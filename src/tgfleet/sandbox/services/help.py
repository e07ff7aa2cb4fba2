"""``help.getAppConfig``: the client configuration as a JSON object (https://core.telegram.org/api/config#client-configuration).

The object holds a few of Telegram's usual keys and, for a frozen account (``standing.py``), ``freeze_since_date``,
``freeze_until_date`` (when the freeze has an end) and ``freeze_appeal_url``. Its ``hash`` is a CRC32 of the
object's canonical JSON: a caller passing the hash of what it has gets ``help.appConfigNotModified`` while nothing
changed, and the full object again once something did (say, the account was frozen or unfrozen). Keys not logged
in get the same object without freeze fields.
"""

from __future__ import annotations

import json
import zlib
from typing import TYPE_CHECKING

from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.tl import types
from tgfleet.tl.functions import help as f_help
from tgfleet.tl.types import help as t_help

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World

BASE: dict[str, int | str | bool | float] = {
    "test": False,
    "emojies_animated_zoom": 0.625,
    "message_animated_emoji_max": 100,
    "stickers_emoji_suggest_only_api": False,
    "channels_read_media_period": 604800,
    "dialog_filters_enabled": True,
    "dialog_filters_tooltip": False,
    "authorization_autoconfirm_period": 604800,
}


def app_config(values: dict[str, int | str | bool | float]) -> t_help.AppConfig:
    """``help.appConfig`` for ``values``, with the hash of their canonical JSON."""
    digest = zlib.crc32(json.dumps(values, sort_keys=True, separators=(",", ":")).encode())
    config = types.JsonObject(value=[types.JsonObjectValue(key=k, value=_json(v)) for k, v in sorted(values.items())])
    return t_help.AppConfig(hash=digest - (1 << 32) if digest >= 1 << 31 else digest, config=config)


def _json(value: int | str | bool | float) -> types.TypeJSONValue:
    if isinstance(value, bool):
        return types.JsonBool(value=value)
    if isinstance(value, str):
        return types.JsonString(value=value)
    return types.JsonNumber(value=float(value))


async def get_app_config(world: World, ctx: CallContext, request: f_help.GetAppConfig) -> t_help.TypeAppConfig:
    values: dict[str, int | str | bool | float] = dict(BASE)
    freeze = None if ctx.user_id is None else world.standing.frozen(ctx.user_id, world.clock())
    if freeze is not None:
        values.update(freeze.app_config())
    answer = app_config(values)
    if request.hash != 0 and request.hash == answer.hash:
        return t_help.AppConfigNotModified()
    return answer


HANDLERS: dict[type, ServiceFn] = {f_help.GetAppConfig: get_app_config}
