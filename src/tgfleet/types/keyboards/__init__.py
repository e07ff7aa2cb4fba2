"""Reply markups: inline keyboards under a message, reply keyboards, and their buttons.

Read from TL (``_parse``) and built by hand with Pyrogram's arguments. May import ``tgfleet.types.object``
and ``tgfleet.tl``.
"""
