"""The ``tgfleet`` command group and ``tgfleet demo``; the other commands live in their own modules."""

from __future__ import annotations

import asyncio
import logging
import sys

import click

from tgfleet.cli.account import login, me, send
from tgfleet.cli.fleet_cmd import fleet
from tgfleet.cli.output import Out
from tgfleet.cli.sandbox_cmd import sandbox
from tgfleet.cli.sessions import session
from tgfleet.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="tgfleet")
@click.option("-v", "--verbose", count=True, help="Log what the library does to stderr (-v: info, -vv: debug).")
def main(verbose: int) -> None:
    """tgfleet: run Telegram user accounts from Python, and a local Telegram to try them against.

    Start with `tgfleet demo`: it runs the whole story (connect, login with 2FA, session strings,
    messages, flood waits, reconnects) against an embedded sandbox in a few seconds.
    """
    if verbose:
        level = logging.DEBUG if verbose > 1 else logging.INFO
        logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    else:  # the library's warnings are part of what the commands print; keep them off the screen
        logging.getLogger("tgfleet").addHandler(logging.NullHandler())
        logging.getLogger("tgfleet").propagate = False


@main.command()
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary (and errors).")
@click.option("--no-color", is_flag=True, help="No colours, even on a terminal.")
def demo(quiet: bool, no_color: bool) -> None:
    """Walk through every process against an embedded 3-DC sandbox (loopback only, a few seconds).

    New client and key exchange; login with a code and a 2FA password on another DC (PHONE_MIGRATE);
    session string export and restore; messages by username and id; flood waits; connection states.
    Exits 0 when every step behaved as expected.
    """
    from tgfleet.cli.demo import run_demo

    out = Out(color=not no_color, quiet=quiet)
    try:
        code = asyncio.run(run_demo(out))
    except KeyboardInterrupt:
        out.error("interrupted")
        code = 130
    sys.exit(code)


main.add_command(sandbox)
main.add_command(login)
main.add_command(me)
main.add_command(send)
main.add_command(session)
main.add_command(fleet)
