"""``python -m tgfleet.cli``: the same as the ``tgfleet`` command."""

from tgfleet.cli import main

main()
