"""``auth.importBotAuthorization``: a bot logs in with its token (https://core.telegram.org/method/auth.importBotAuthorization,
``bots.py``).

API_ID_INVALID for a wrong api_id/api_hash; ACCESS_TOKEN_INVALID / ACCESS_TOKEN_EXPIRED for the token; a bot whose
home DC is another one gets USER_MIGRATE_X (the client logs in there); otherwise the key is logged in as the bot and
the answer is ``auth.authorization`` with the bot's ``user`` (``bot`` set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tgfleet import errors
from tgfleet.sandbox.contract import CallContext
from tgfleet.sandbox.services import ServiceFn
from tgfleet.tl.functions import auth as f_auth
from tgfleet.tl.types import auth as t_auth

if TYPE_CHECKING:
    from tgfleet.sandbox.world import World


async def import_bot_authorization(
    world: World, ctx: CallContext, request: f_auth.ImportBotAuthorization
) -> t_auth.Authorization:
    if request.api_id != world.api_id or request.api_hash != world.api_hash:
        raise errors.ApiIdInvalid()
    bot = world.accounts[world.bot_tokens.bot_of(request.bot_auth_token)]
    if bot.deleted:
        raise errors.AccessTokenInvalid()
    if bot.dc != ctx.dc_id:
        raise errors.UserMigrate(bot.dc)
    return world.sign_in(ctx, bot)


HANDLERS: dict[type, ServiceFn] = {
    f_auth.ImportBotAuthorization: import_bot_authorization,
}
