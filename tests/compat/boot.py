"""The runner of one compatibility script in its own process: ``python -m tests.compat.boot LIB SCRIPT``.

It points the library at the sandbox described by the ``COMPAT_SANDBOX`` environment variable (JSON: the DC
addresses and the RSA public key), then runs ``SCRIPT`` as ``__main__``. The script is the same text for both
libraries except its import lines (``harness.py`` rewrites ``pyrogram`` -> ``tgfleet``). What is configured is
what a user of a local Telegram would configure, nothing of the client's behaviour:

- ``kurigram``: Kurigram knows Telegram's production addresses and keys only. Its RSA key table
  (``pyrogram.crypto.rsa.server_public_keys``) gets the sandbox's key under the signed fingerprint it reads off
  the wire, and its ``Client`` gets a ``connection_factory`` (a documented constructor argument) whose
  connections dial the sandbox's address of the DC asked for. (Kurigram 2.2 has no
  ``session.internals.data_center`` table any more: it takes addresses from its storage and help.getConfig, so
  the factory is where an address can be set.) Its media connections (``media=True``, uploads and downloads) dial
  the DC's media listener, as they dial Telegram's ``media_only`` addresses.
- ``tgfleet``: ``Network.production()`` answers the sandbox's network (what ``Client(network=tg.network)`` says).
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from typing import Any


def _kurigram(info: dict[str, Any]) -> None:
    import pyrogram
    from pyrogram.connection import Connection
    from pyrogram.crypto import rsa

    from tgfleet.crypto.rsa import RsaPublicKey

    key = RsaPublicKey.from_pem(info["public_key_pem"])
    fingerprint = key.fingerprint - (1 << 64) if key.fingerprint >= 1 << 63 else key.fingerprint
    rsa.server_public_keys[fingerprint] = rsa.PublicKey(key.n, key.e)
    addresses = {(int(d["dc_id"]), bool(d["media"])): (str(d["host"]), int(d["port"])) for d in info["dcs"]}

    class SandboxConnection(Connection):
        def __init__(self, dc_id: int, server_address: str, port: int, *args: Any, **kwargs: Any) -> None:
            server_address, port = addresses[dc_id, bool(kwargs.get("media"))]
            super().__init__(dc_id, server_address, port, *args, **kwargs)

    original = pyrogram.Client.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("connection_factory", SandboxConnection)
        original(self, *args, **kwargs)

    pyrogram.Client.__init__ = init  # type: ignore[method-assign]


def _tgfleet(info: dict[str, Any]) -> None:
    from tgfleet.crypto.rsa import RsaPublicKey
    from tgfleet.net import DcAddress, Network

    dcs = tuple(DcAddress(int(d["dc_id"]), str(d["host"]), int(d["port"]), bool(d["media"])) for d in info["dcs"])
    sandbox = Network(dcs, (RsaPublicKey.from_pem(info["public_key_pem"]),), False, int(info["default_dc"]), "sandbox")
    Network.production = classmethod(lambda cls: sandbox)  # type: ignore[method-assign, assignment]


def main(lib: str, script: str) -> None:
    info = json.loads(os.environ["COMPAT_SANDBOX"])
    sys.argv = [script]  # first: Kurigram's default workdir is the main script's folder, read when it is imported
    {"kurigram": _kurigram, "tgfleet": _tgfleet}[lib](info)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
