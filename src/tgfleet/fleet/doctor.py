"""``diagnose``: what ``tgfleet fleet doctor`` checks on the host it runs on, each check a ``Finding``.

- **clock**: this host's clock against the database's (PostgreSQL: leases are compared on the database's clock, but
  a worker's own timers run on its host's; a skew past a third of the lease TTL makes it renew too late). Measured
  as the offset from the middle of the round trip, so the bound is the round trip itself.
- **filesystem**: a SQLite store on a network filesystem (NFS, SMB, sshfs...) has unreliable locks: refused for
  several hosts (https://www.sqlite.org/faq.html#q5); SQLite with workers registered from more than one host too.
- **duplicates**: one Telegram user imported as several accounts (two logins of one user are legal for Telegram,
  but two fleet accounts then send as the same person, and a copy of one key is the usual cause).
- **proxies**: every proxy in the accounts' policies (a SOCKS/HTTP URL or an MTProxy link) is tried with a TCP connect
  (a proxy down makes its accounts ``unreachable``, never dead).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tgfleet.fleet.fleet import Fleet
from tgfleet.fleet.records import Account
from tgfleet.fleet.store import parse_url
from tgfleet.net.proxy import MTProxy, parse_proxy

NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs",
                                 "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "lustre", "gpfs"})  # fmt: skip


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # ok | warn | fail
    detail: str


async def diagnose(
    fleet: Fleet,
    url: str,
    *,
    proxy_timeout: float = 3.0,
    clock: Callable[[], float] = time.time,
    mounts: str = "/proc/mounts",
) -> list[Finding]:
    """Every check on this host against ``fleet`` (opened from ``url``)."""
    accounts = await fleet.accounts.list()
    findings = [await _clock(fleet, clock, fleet.settings.ttl)]
    findings += await _filesystem(fleet, url, mounts)
    findings.append(_duplicates(accounts))
    findings += await _proxies(accounts, proxy_timeout)
    return findings


async def _clock(fleet: Fleet, clock: Callable[[], float], ttl: float) -> Finding:
    if fleet.store.dialect.name != "postgresql":
        return Finding("clock", "ok", "SQLite compares leases on this host's own clock")
    before = clock()
    async with fleet.store.transaction(readonly=True) as tx:
        database = float(await tx.scalar("SELECT extract(epoch FROM clock_timestamp())::double precision"))
    after = clock()
    skew, bound = database - (before + after) / 2, (after - before) / 2
    text = f"this host is {abs(skew):.3f} s {'behind' if skew > 0 else 'ahead of'} the database (± {bound:.3f} s)"
    if abs(skew) - bound > ttl / 3:
        return Finding("clock", "fail", f"{text}: more than a third of the lease TTL ({ttl:g} s); sync it (NTP)")
    if abs(skew) - bound > 1.0:
        return Finding("clock", "warn", f"{text}: sync it (NTP)")
    return Finding("clock", "ok", text)


def filesystem_of(path: Path, mounts: str) -> str | None:
    """The type of the filesystem holding ``path`` (the longest mount point that contains it), from ``mounts``."""
    try:
        lines = Path(mounts).read_text().splitlines()
    except OSError:
        return None
    where, best, kind = str(path.resolve()), "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = where == point or where.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind


async def _filesystem(fleet: Fleet, url: str, mounts: str) -> list[Finding]:
    target = parse_url(url)
    if target.engine != "sqlite":
        return [Finding("filesystem", "ok", "PostgreSQL: the store is shared over the network by design")]
    kind = filesystem_of(Path(os.path.dirname(target.path) or "."), mounts) or "unknown"
    hosts = {w.host for w in await fleet.workers.list()}
    out = []
    if kind in NETWORK_FILESYSTEMS:
        out.append(Finding("filesystem", "fail", f"the SQLite store is on {kind}, a network filesystem: its locks"
                           " are unreliable there; keep it on a local disk or use PostgreSQL"))  # fmt: skip
    else:
        out.append(Finding("filesystem", "ok", f"the SQLite store is on a local filesystem ({kind})"))
    if len(hosts) > 1:
        out.append(Finding("hosts", "fail", f"workers from {len(hosts)} hosts ({', '.join(sorted(hosts))}) use one"
                           " SQLite store: several hosts need PostgreSQL (tgfleet fleet migrate)"))  # fmt: skip
    return out


def _duplicates(accounts: Sequence[Account]) -> Finding:
    users: dict[int, list[str]] = {}
    for account in accounts:
        if account.user_id is not None:
            users.setdefault(account.user_id, []).append(account.label)
    twice = {user: labels for user, labels in users.items() if len(labels) > 1}
    if not twice:
        return Finding("duplicates", "ok", f"{len(users)} Telegram users, each one account")
    shown = "; ".join(f"user {user}: {', '.join(labels)}" for user, labels in sorted(twice.items())[:5])
    return Finding("duplicates", "warn", f"{len(twice)} Telegram users are several accounts ({shown})")


async def _proxies(accounts: Sequence[Account], timeout: float) -> list[Finding]:
    proxies: dict[str, list[str]] = {}
    for account in accounts:
        proxy = account.policy.get("proxy")
        if isinstance(proxy, str):
            proxies.setdefault(proxy, []).append(account.label)
    if not proxies:
        return [Finding("proxies", "ok", "no account uses a proxy")]
    results = await asyncio.gather(*(_reach(proxy, timeout) for proxy in proxies))
    return [_proxy_finding(proxy, labels, problem) for (proxy, labels), problem in zip(proxies.items(), results,
                                                                                       strict=True)]  # fmt: skip


def _endpoint(proxy: str) -> tuple[str, str, int] | None:
    """The proxy's kind, host and port (any form ``tgfleet.net.proxy`` reads: a URL, an MTProxy link), or None."""
    try:
        parsed = parse_proxy(proxy)
    except ValueError:
        return None
    if parsed is None:
        return None
    return ("mtproxy" if isinstance(parsed, MTProxy) else parsed.scheme), parsed.host, parsed.port


def _proxy_finding(proxy: str, labels: Sequence[str], problem: str | None) -> Finding:
    endpoint = _endpoint(proxy)
    shown = "a proxy that cannot be read" if endpoint is None else "{}://{}:{}".format(*endpoint)  # never a secret
    if problem is None:
        return Finding("proxies", "ok", f"{shown} answers ({len(labels)} accounts)")
    return Finding("proxies", "fail", f"{shown} is unreachable: {problem} ({len(labels)} accounts: "
                   f"{', '.join(labels[:5])})")  # fmt: skip


async def _reach(proxy: str, timeout: float) -> str | None:
    endpoint = _endpoint(proxy)
    if endpoint is None:
        return "it is no proxy URL or MTProxy link"
    _, host, port = endpoint
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except asyncio.TimeoutError:
        return f"no answer in {timeout:g} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    writer.close()
    await writer.wait_closed()
    return None
