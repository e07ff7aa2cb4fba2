"""``tgfleet sandbox`` as a subprocess: it prints where it is, every login code it issues, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tgfleet import Client
from tgfleet.cli.netinfo import SandboxInfo
from tgfleet.crypto.rsa import RsaPrivateKey
from tgfleet.errors import SessionPasswordNeeded

from .helpers import start_sandbox


async def test_a_client_logs_in_with_the_printed_code_then_sigterm_stops_it(tmp_path: Path) -> None:
    with start_sandbox(tmp_path, "+15550700001:Ann:ann_cli:secret pass", "+15550700002:Ben") as sandbox:
        printed = "\n".join(sandbox.lines)
        info = SandboxInfo.load(tmp_path / "info.json")
        assert len(info.dcs) == 3
        for dc, host, port in info.dcs:
            assert f"DC {dc}  {host}:{port}" in printed
        assert info.public_key_pem.strip() in printed and info.fingerprint in printed
        assert f"api_id {info.api_id}, api_hash {info.api_hash}" in printed
        assert "+15550700001  Ann @ann_cli" in printed and "2FA" in printed
        assert "rsa.add_key(PUBLIC_KEY_PEM, old=False)" in printed  # the Telethon recipe
        key = RsaPrivateKey.from_pem((tmp_path / "key.pem").read_text())  # created, and it is the one in use
        assert key.public.to_pem() == info.public_key_pem

        client = Client("t", api_id=info.api_id, api_hash=info.api_hash, network=info.network(), in_memory=True)
        await client.connect()
        try:
            sent = await client.send_code("+15550700001")
            line = await asyncio.to_thread(sandbox.expect, r"login code for \+15550700001 \(Ann\): (\d{5})")
            try:
                await client.sign_in("+15550700001", sent.phone_code_hash, line.group(1))
            except SessionPasswordNeeded:
                me = await client.check_password("secret pass")
            assert me.username == "ann_cli"
        finally:
            await client.disconnect()
        assert sandbox.terminate() == 0
        sandbox.expect("sandbox stopped")


def test_the_key_file_stays_the_same_across_restarts(tmp_path: Path) -> None:
    with start_sandbox(tmp_path) as first:
        pem = json.loads((tmp_path / "info.json").read_text())["public_key_pem"]
        assert first.terminate() == 0
    with start_sandbox(tmp_path) as second:
        assert json.loads((tmp_path / "info.json").read_text())["public_key_pem"] == pem
        assert second.terminate() == 0
