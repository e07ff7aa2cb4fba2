# Synchronous start() / stop() around plain calls.
import os

from pyrogram import Client

app = Client("my_account", os.environ["API_ID"], os.environ["API_HASH"])
app.start()
print(app.get_me().is_self)
app.send_message("me", "note to self")
app.stop()
print("stopped")
