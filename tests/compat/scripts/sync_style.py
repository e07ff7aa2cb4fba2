# The synchronous style: methods called without await outside a running loop, `with app:`.
import os

from pyrogram import Client

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])

with app:
    me = app.get_me()
    print("sync", me.first_name)
    sent = app.send_message(os.environ["PEER"], "sent **synchronously**")
    print(sent.text)
