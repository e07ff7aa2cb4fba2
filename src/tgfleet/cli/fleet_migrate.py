"""``tgfleet fleet migrate --to URL``: copy a SQLite fleet (``--store``) into another store, usually PostgreSQL when
the fleet grows to several hosts (``tgfleet.fleet.store.copy``). The target is created if missing and must hold no
accounts; the source's workers must be stopped. Both use the same seal key (``--key-file``): the sealed auth keys are
copied as they are. Progress per table on stderr; ``--json`` prints the rows copied per table.
"""

from __future__ import annotations

import click

from tgfleet.cli import fleet_common as common
from tgfleet.fleet import Fleet
from tgfleet.fleet.store.copy import copy_store


@click.command()
@common.store_options
@click.option("--to", "target", required=True, metavar="URL", help="The store to copy into (postgresql://...).")
@common.json_option
def migrate(store: str, key_file: str | None, target: str, as_json: bool) -> None:
    """Copy every account, key, message and event of this SQLite fleet into the store at --to (empty)."""
    if target == store:
        raise click.BadParameter("--to names the store being copied", param_hint="--to")

    def progress(table: str, rows: int) -> None:
        click.echo(f"  {table}: {rows} rows", err=True)

    async def main() -> dict[str, int]:
        async with Fleet.open(store, create=False, key_file=key_file) as source, \
                Fleet.open(target, create=True, key_file=key_file) as into:  # fmt: skip
            return await copy_store(source.store, into.store, progress=progress)

    counts = common.run_async(main())
    if as_json:
        common.echo_json({"from": store, "to": target, "rows": counts})
        return
    click.echo(f"copied {sum(counts.values())} rows of {len(counts)} tables into {target}"
               f" ({counts.get('accounts', 0)} accounts); point the workers and API processes at it")  # fmt: skip
