# Pyrogram's error classes under their modules and names (no connection needed).
from pyrogram import errors
from pyrogram.errors import FloodWait, RPCError, SessionPasswordNeeded
from pyrogram.errors.exceptions.bad_request_400 import BadRequest, PeerIdInvalid, UsernameNotOccupied
from pyrogram.errors.exceptions.flood_420 import Flood, SlowmodeWait
from pyrogram.errors.exceptions.forbidden_403 import ChatWriteForbidden, Forbidden
from pyrogram.errors.exceptions.see_other_303 import PhoneMigrate, SeeOther
from pyrogram.errors.exceptions.unauthorized_401 import AuthKeyUnregistered, Unauthorized

for cls in (
    FloodWait,
    SlowmodeWait,
    PeerIdInvalid,
    UsernameNotOccupied,
    ChatWriteForbidden,
    PhoneMigrate,
    SessionPasswordNeeded,
    AuthKeyUnregistered,
    errors.ChatWriteForbidden403,
    errors.UserDeactivatedBan,
):
    print(cls.__name__, cls.ID, cls.CODE, cls.NAME, cls.__mro__[1].__name__)
print(issubclass(FloodWait, Flood), issubclass(PeerIdInvalid, BadRequest), issubclass(PhoneMigrate, SeeOther))
print(issubclass(ChatWriteForbidden, Forbidden), issubclass(AuthKeyUnregistered, Unauthorized))
print(issubclass(errors.ChatWriteForbidden403, ChatWriteForbidden), issubclass(Flood, RPCError))
print(BadRequest.CODE, BadRequest.NAME, Flood.NAME, SeeOther.NAME)
