"""``tgfleet fleet doctor``: the checks of ``tgfleet.fleet.doctor`` on this host (run it on every host of a fleet):
clock skew against the database, SQLite on a network filesystem or shared by several hosts, one Telegram user as
several accounts, unreachable proxies. Exit code 1 when a check fails; ``--json`` for scripts.
"""

from __future__ import annotations

import dataclasses

import click

from tgfleet.cli import fleet_common as common
from tgfleet.fleet import Fleet
from tgfleet.fleet.doctor import Finding, diagnose


@click.command()
@common.store_options
@click.option("--proxy-timeout", type=click.FloatRange(min=0.1), default=3.0, show_default=True, metavar="SECONDS",
              help="How long a proxy may take to accept a connection.")  # fmt: skip
@common.json_option
def doctor(store: str, key_file: str | None, proxy_timeout: float, as_json: bool) -> None:
    """Check this host and the store for what breaks fleets: clocks, filesystems, duplicates, proxies."""

    async def work(fleet: Fleet) -> list[Finding]:
        return await diagnose(fleet, store, proxy_timeout=proxy_timeout)

    findings = common.run(store, key_file, work)
    if as_json:
        common.echo_json([dataclasses.asdict(f) for f in findings])
    else:
        common.table(["check", "status", "detail"], [[f.check, f.status, f.detail] for f in findings])
    if any(f.status == "fail" for f in findings):
        raise SystemExit(1)
