"""Bots in the sandbox (``World.add_bot``, ``auth.importBotAuthorization``) with tgfleet's ``Client(bot_token=...)``:
``start()`` logs the bot in end to end (on its home DC, through USER_MIGRATE), ``get_me`` and ``users.getFullUser``
show a bot, a user's message reaches its handler and its answer reaches the user; the token's errors
(ACCESS_TOKEN_INVALID, ACCESS_TOKEN_EXPIRED after a revoke), what a bot may not do (BOT_METHOD_INVALID, USER_IS_BOT)."""

from __future__ import annotations

import asyncio

import pytest

from tgfleet import Client, errors, filters
from tgfleet.net.timeouts import within
from tgfleet.sandbox import Sandbox
from tgfleet.tl import functions, types
from tgfleet.types import Message

from ..client.helpers import logged_in, make_client

PROMPTLY = 10.0


async def test_a_bot_logs_in_with_its_token_and_answers_a_user() -> None:
    async with Sandbox(dcs=2, default_dc=2) as tg:
        token = tg.add_bot("helper_bot", "Helper", dc=1)
        bot_id = int(token.split(":")[0])
        alice = tg.add_user(phone="+15550140001", first_name="Alice", username="alice_bots", dc=2)
        bot = make_client(tg, "bot", bot_token=token)
        await bot.start()  # importBotAuthorization on DC 2 -> USER_MIGRATE_1 -> logged in on DC 1
        try:
            me = await bot.get_me()
            assert (me.id, me.is_bot, me.username, me.first_name) == (bot_id, True, "helper_bot", "Helper")
            full = await bot.invoke(functions.users.GetFullUser(id=types.InputUserSelf()))
            assert isinstance(full.users[0], types.User) and full.users[0].bot and full.full_user.bot_info
            asked: asyncio.Queue[str] = asyncio.Queue()

            @bot.on_message(filters.private & filters.incoming)
            async def answer(client: Client, message: Message) -> None:
                await client.send_message(message.chat.id, f"you said: {message.text}")
                asked.put_nowait(message.text or "")

            user = await logged_in(tg, alice.phone, "alice")
            found = await user.invoke(functions.contacts.ResolveUsername(username="helper_bot"))
            assert [(u.id, u.bot) for u in found.users if isinstance(u, types.User)] == [(bot_id, True)]
            await user.send_message("helper_bot", "hi bot")
            assert await within(asked.get(), PROMPTLY) == "hi bot"
            texts = [m.text for m in tg.messages_of(alice.id, bot_id)]
            assert texts[0] == "hi bot"
            await within(_until_answered(tg, alice.id, bot_id), PROMPTLY)
            await user.disconnect()
        finally:
            await bot.stop()


async def _until_answered(tg: Sandbox, user_id: int, bot_id: int) -> None:
    while [m.text for m in tg.messages_of(user_id, bot_id)] != ["hi bot", "you said: hi bot"]:
        await asyncio.sleep(0.05)


async def test_the_token_errors_and_what_a_bot_may_not_do() -> None:
    async with Sandbox(dcs=1) as tg:
        token = tg.add_bot("first_bot", "First")
        other = tg.add_bot("Second_Bot")
        bot_id, secret = token.split(":")
        client = make_client(tg, "c")
        await client.connect()
        try:
            for bad in (f"{bot_id}:{'x' * 35}", "nonsense", f"1234:{secret}", ""):
                with pytest.raises(errors.AccessTokenInvalid):
                    await client.sign_in_bot(bad)
            new_token = tg.world.revoke_bot_token(int(bot_id))
            assert new_token != token and new_token.startswith(f"{bot_id}:")
            with pytest.raises(errors.AccessTokenExpired):
                await client.sign_in_bot(token)
            me = await client.sign_in_bot(new_token)
            assert me.is_bot and me.id == int(bot_id)
            with pytest.raises(errors.BotMethodInvalid):
                await client.get_dialogs_count()
            with pytest.raises(errors.BotMethodInvalid):  # the address book is for users
                await client.get_contacts()
            with pytest.raises(errors.UserIsBot):
                await client.send_message("Second_Bot", "bots do not talk to bots")
            assert tg.world.user(int(other.split(":")[0])).is_bot
        finally:
            await client.disconnect()
        with pytest.raises(ValueError, match="ends in 'bot'"):
            tg.add_bot("not_a_b0t")
        with pytest.raises(ValueError, match="taken"):
            tg.add_bot("FIRST_bot")
