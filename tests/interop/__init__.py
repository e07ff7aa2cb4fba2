"""Interop: third-party clients (Telethon) and third-party session-string code (Kurigram, Telethon) against
tgfleet and its sandbox."""
