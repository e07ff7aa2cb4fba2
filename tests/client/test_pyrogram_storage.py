"""``client.storage`` as Pyrogram scripts use it: there from the constructor on (closed until ``connect()``), opened
by hand with ``await app.storage.open()`` to read or write a session before ``start()``, through Pyrogram's async
accessors, ``save()`` and ``close()``; ``connect()`` opens the same object."""

from __future__ import annotations

from pathlib import Path

from tgfleet.sandbox.server import Sandbox
from tgfleet.storage import Storage

from .helpers import logged_in, make_client


async def test_a_session_written_by_hand_before_start(tg: Sandbox, tmp_path: Path) -> None:
    """Pyrogram's recipe for importing a session: open the new client's storage, write the DC, key and user, save,
    close, then start() logs in from it without a code."""
    user = tg.add_user("+15557620001", "Imported")
    origin = await logged_in(tg, user.phone, "origin")
    dc_id, key = origin.storage.get_dc_id(), origin.storage.get_auth_key(origin.dcs.home_dc)
    await origin.disconnect()  # the key is used by one client at a time
    assert dc_id is not None and key is not None

    app = make_client(tg, "imported", in_memory=False, workdir=tmp_path)
    assert isinstance(app.storage, Storage) and not app.storage.is_open  # built with the client, closed
    await app.storage.open()
    await app.storage.dc_id(dc_id)
    await app.storage.api_id(tg.api_id)
    await app.storage.test_mode(False)
    await app.storage.auth_key(key)
    await app.storage.user_id(user.id)
    await app.storage.is_bot(False)
    await app.storage.save()
    await app.storage.close()

    await app.start()
    try:
        assert app.me.id == user.id and await app.storage.user_id() == user.id
    finally:
        await app.stop()
    assert not app.storage.is_open  # saved and closed: the file is free again


async def test_read_a_session_file_before_start(tg: Sandbox, tmp_path: Path) -> None:
    user = tg.add_user("+15557620002", "Reader")
    first = await logged_in(tg, user.phone, "reader", in_memory=False, workdir=tmp_path)
    await first.disconnect()

    app = make_client(tg, "reader", in_memory=False, workdir=tmp_path)
    storage = app.storage
    await storage.open()
    assert (await storage.user_id(), await storage.is_bot()) == (user.id, False)
    await storage.close()  # releases the session's lock for start()
    async with app:
        assert app.storage is storage and storage.is_open  # connect() opened the same object
        assert app.me.id == user.id
    assert not storage.is_open
