# Client(phone_number=..., password=...) + start() on an account with 2FA: the password is used without asking.
# compat: login phone
# compat: password
import asyncio
import os

from pyrogram import Client


async def main():
    app = Client(
        "new_login",
        os.environ["API_ID"],
        os.environ["API_HASH"],
        phone_number=os.environ["PHONE"],
        password=os.environ["PASSWORD"],
    )
    await app.start()
    print("signed in with 2FA as", (await app.get_me()).first_name)
    await app.stop()


asyncio.run(main())
