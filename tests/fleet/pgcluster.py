"""A throwaway PostgreSQL cluster for the fleet store's tests and benchmarks: ``initdb`` into a temporary directory,
a server listening only on a unix socket in that directory (no TCP port), trust auth, no fsync. As root, the server
runs as the ``postgres`` system user (else ``nobody``), since ``initdb`` refuses root; the directory is given to it.

``find_bindir()`` looks at ``$TGFLEET_PG_BINDIR``, then ``/usr/lib/postgresql/<newest>/bin``, then ``PATH``.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = "apt-get install -y postgresql"
_counter = itertools.count(1)


def find_bindir() -> Path | None:
    candidates = [os.environ.get("TGFLEET_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    found = shutil.which("initdb")
    candidates.append(str(Path(found).parent) if found else "")
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


class Cluster:
    """``start()`` / ``stop()``; ``create_database()`` gives the URL of a fresh, empty database."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="tgfleet-pg-"))
        self.data = self.dir / "data"
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres" if _has_user("postgres") else "nobody"
            shutil.chown(self.dir, user=self.user)
        self.superuser = self.user or pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, user=self.user, timeout=120, cwd=self.dir)

    def start(self) -> Cluster:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.superuser,
                  "-E", "UTF8", "--no-sync", "--no-instructions")  # fmt: skip
        options = f"-k {self.dir} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        options += " -c max_connections=200 -c shared_buffers=32MB"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.dir}&user={self.superuser}"

    def create_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
