# profile: names and bio, a new username, online and offline, privacy rules, the sessions list; Telegram's refusals.
import asyncio
import os

from pyrogram import Client, enums, types
from pyrogram.errors import AboutTooLong, FirstnameInvalid, FreshResetAuthorisationForbidden, UsernameOccupied


async def main():
    async with Client("my_account", os.environ["API_ID"], os.environ["API_HASH"]) as app:
        print("profile", await app.update_profile(first_name="Renamed", last_name="Person", bio="from a script"))
        me = await app.get_me()
        print(me.first_name, me.last_name)
        for wrong, error in (({"bio": "x" * 71}, AboutTooLong), ({"first_name": ""}, FirstnameInvalid)):
            try:
                await app.update_profile(**wrong)
            except error as e:
                print("refused", e.ID)
        new_name = me.username + "z"
        print("username", await app.set_username(new_name))
        print("now", (await app.get_me()).username == new_name)
        try:
            await app.set_username(os.environ["PEER"])
        except UsernameOccupied as e:
            print("refused", e.ID)
        print("online", await app.update_status(), "offline", await app.update_status(offline=True))
        rules = await app.set_privacy(enums.PrivacyKey.PHONE_NUMBER, [types.InputPrivacyRuleDisallowAll()])
        print("phone", [rule.type.name for rule in rules])
        print("last seen", [rule.type.name for rule in await app.get_privacy(enums.PrivacyKey.STATUS)])
        sessions = await app.get_active_sessions()
        print("sessions", [s.is_current for s in sessions.active_sessions], sessions.inactive_session_ttl_days)
        try:
            await app.reset_sessions()
        except FreshResetAuthorisationForbidden as e:
            print("refused", e.ID)


asyncio.run(main())
