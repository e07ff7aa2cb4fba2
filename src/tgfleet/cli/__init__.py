"""``tgfleet`` on the command line: ``demo``, ``sandbox``, ``login``, ``me``, ``send``, ``session convert``,
``fleet ...``.

The top layer: may import ``fleet``, ``client``, ``sandbox`` and everything below them; nothing imports it. Built
with click; rich adds colour and spinners only when stdout is a terminal (``output.py``).
"""

from __future__ import annotations

from tgfleet.cli.app import main

__all__ = ["main"]
