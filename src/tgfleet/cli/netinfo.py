"""Where a Telegram is, as the CLI passes it around: a running sandbox's info file (``tgfleet sandbox
--info FILE``), ``--sandbox HOST:PORT,...`` with ``--sandbox-key FILE``, or Telegram's production DCs.

A session logged in against a sandbox remembers it in ``<workdir>/<name>.network.json`` next to the
session file, so ``tgfleet me`` / ``send`` find the same sandbox without repeating the options.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from tgfleet.crypto.rsa import RsaPrivateKey, RsaPublicKey
from tgfleet.errors import DecodeError
from tgfleet.net import DcAddress, Network


@dataclass(frozen=True)
class SandboxInfo:
    """What a client needs to reach a sandbox (the JSON of ``--info FILE``)."""

    dcs: list[tuple[int, str, int]]
    public_key_pem: str
    api_id: int
    api_hash: str
    default_dc: int = 2
    fingerprint: str = ""
    media_dcs: list[tuple[int, str, int]] = field(default_factory=list)
    """The media listeners (uploads and downloads go there: ``sandbox/listeners.py``)."""

    def network(self) -> Network:
        addresses = tuple(DcAddress(dc, host, port) for dc, host, port in self.dcs)
        addresses += tuple(DcAddress(dc, host, port, media=True) for dc, host, port in self.media_dcs)
        ids = {dc for dc, _, _ in self.dcs}
        default = self.default_dc if self.default_dc in ids else min(ids)
        return Network(addresses, (RsaPublicKey.from_pem(self.public_key_pem),), False, default, "sandbox")

    def to_json(self) -> str:
        data = asdict(self)
        data["dcs"] = [{"dc_id": dc, "host": host, "port": port} for dc, host, port in self.dcs]
        data["media_dcs"] = [{"dc_id": dc, "host": host, "port": port} for dc, host, port in self.media_dcs]
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> SandboxInfo:
        try:
            dcs = [(int(d["dc_id"]), str(d["host"]), int(d["port"])) for d in data["dcs"]]
            media = [(int(d["dc_id"]), str(d["host"]), int(d["port"])) for d in data.get("media_dcs", [])]
            return cls(
                dcs, str(data["public_key_pem"]), int(data["api_id"]), str(data["api_hash"]),
                int(data.get("default_dc", 2)), str(data.get("fingerprint", "")), media,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as e:
            raise click.UsageError(f"{where}: not a sandbox info file ({type(e).__name__}: {e})") from None

    @classmethod
    def load(cls, path: Path) -> SandboxInfo:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            raise click.UsageError(f"cannot read the sandbox info file {path}: {e}") from None
        if not isinstance(data, dict):
            raise click.UsageError(f"{path}: not a sandbox info file (a JSON object is expected)")
        return cls.from_dict(data, str(path))


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Write ``text`` to ``path`` through a temporary file, so readers never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def public_key_from_file(path: Path) -> RsaPublicKey:
    """The public key of a PEM file holding either the sandbox's private key or its public key."""
    try:
        text = path.read_text()
    except OSError as e:
        raise click.UsageError(f"cannot read the key file {path}: {e}") from None
    try:
        if "PRIVATE KEY" in text:
            return RsaPrivateKey.from_pem(text).public
        return RsaPublicKey.from_pem(text)
    except DecodeError as e:
        raise click.UsageError(f"{path}: {e}") from None


def parse_addresses(text: str) -> list[tuple[int, str, int]]:
    """``HOST:PORT,HOST:PORT,...``: DC 1, DC 2, ... in that order."""
    out: list[tuple[int, str, int]] = []
    for number, item in enumerate((p.strip() for p in text.split(",") if p.strip()), 1):
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise click.BadParameter(f"{item!r} is not HOST:PORT", param_hint="--sandbox")
        out.append((number, host.strip("[]"), int(port)))
    if not out:
        raise click.BadParameter("no addresses given", param_hint="--sandbox")
    return out


def sidecar(workdir: Path, name: str) -> Path:
    return workdir / f"{name}.network.json"
