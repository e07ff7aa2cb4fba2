"""The service tests use the fleet tests' store fixtures: each store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.fleet.conftest import _seal_key_file, new_store, pg_cluster, store_url

__all__ = ["_seal_key_file", "new_store", "pg_cluster", "store_url"]
