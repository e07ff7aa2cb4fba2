"""Fixtures of the fleet store tests: every store test runs on SQLite and on a real PostgreSQL.

The PostgreSQL cluster (``pgcluster``) is started once per test process (each xdist worker has its own, in its
own temporary directory) the first time a test needs it, and every test gets a fresh database. Without a server,
the PostgreSQL half skips, naming the command that installs one; with ``TGFLEET_REQUIRE_POSTGRES=1`` (CI) it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .pgcluster import INSTALL_HINT, Cluster, find_bindir

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    problem = None
    bindir = find_bindir()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        problem = "the psycopg driver is not installed (pip install 'tgfleet[postgres]')"
    if bindir is None:
        problem = f"no PostgreSQL server binaries (initdb, pg_ctl) found; install them with `{INSTALL_HINT}`"
    if problem is not None:
        if os.environ.get("TGFLEET_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"TGFLEET_REQUIRE_POSTGRES=1 but {problem}")
        pytest.skip(problem)
    assert bindir is not None
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty fleet store: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fleet.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture(autouse=True)
def _seal_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test's seal key lives in its own temporary directory (never the working directory)."""
    monkeypatch.delenv("TGFLEET_FLEET_KEY", raising=False)
    monkeypatch.setenv("TGFLEET_FLEET_KEY_FILE", str(tmp_path / "fleet.key"))
