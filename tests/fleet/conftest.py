"""Fixtures of the fleet store tests: every store test runs on SQLite and on a real PostgreSQL.

The PostgreSQL cluster (``pgcluster``) is started once per test process (each xdist worker has its own, in its
own temporary directory) the first time a test needs it, and every test gets a fresh database. Without a server,
the PostgreSQL half skips, naming the command that installs one; with ``TGFLEET_REQUIRE_POSTGRES=1`` (CI) it fails.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
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
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes URLs of empty fleet stores of the test's engine: SQLite files, or fresh PostgreSQL databases."""
    names = itertools.count()
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / f'fleet{next(names)}.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database


@pytest.fixture
def store_url(new_store: Callable[[], str]) -> str:
    """The URL of an empty fleet store, on each engine in turn."""
    return new_store()


@pytest.fixture(autouse=True)
def _seal_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test's seal key lives in its own temporary directory (never the working directory)."""
    monkeypatch.delenv("TGFLEET_FLEET_KEY", raising=False)
    monkeypatch.setenv("TGFLEET_FLEET_KEY_FILE", str(tmp_path / "fleet.key"))
