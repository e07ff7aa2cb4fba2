"""The SQLite session file: ``storage`` (SQLiteStorage), ``conn`` (settings, error mapping), ``schema``
(tables, migrations), ``encryption`` (key check / encrypt on open), and the row helpers ``keys``, ``dcs``,
``peers``."""

from __future__ import annotations

from tgfleet.storage.sqlite.storage import SQLiteStorage

__all__ = ["SQLiteStorage"]
