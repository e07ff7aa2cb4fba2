"""What ``tgfleet sandbox`` prints on start: addresses, key, credentials, accounts, and how to connect."""

from __future__ import annotations

from pathlib import Path

from tgfleet.cli.output import Out
from tgfleet.sandbox import Sandbox


def fingerprint(tg: Sandbox) -> str:
    return f"{tg.rsa_key.public.fingerprint & (2**64 - 1):#018x}"


def banner(out: Out, tg: Sandbox, *, key_file: Path | None, info_file: Path | None, state_note: str | None) -> None:
    out.title(f"tgfleet sandbox: a local Telegram with {len(tg.dc_ids)} DCs")
    for a in tg.dc_addresses:
        default = "  (default DC: new clients start here)" if a.dc_id == tg.default_dc else ""
        out.always(f"DC {a.dc_id}  {a.host}:{a.port}{default}", indent=1)
    out.always(f"api_id {tg.api_id}, api_hash {tg.api_hash}", indent=1)
    where = f"from {key_file}" if key_file else "generated for this run (--key FILE keeps one across restarts)"
    out.always(f"RSA key {where}; fingerprint {fingerprint(tg)}", indent=1)
    if info_file is not None:
        out.always(f"info file (addresses, public key, api_id/api_hash as JSON): {info_file}", indent=1)
    if state_note:
        out.always(state_note, indent=1)
    out.always("")
    out.always("public key (clients must trust it):")
    out.raw(tg.public_key_pem.strip())
    _accounts(out, tg)
    _howto(out, tg, key_file, info_file)


def _accounts(out: Out, tg: Sandbox) -> None:
    from tgfleet.sandbox.world import World

    world = tg.world
    if not isinstance(world, World):
        return
    accounts = [a for a in world.accounts.all() if not a.service]
    out.always("")
    out.always(f"accounts ({len(accounts)}; clients may sign up new numbers too):")
    for a in accounts:
        name = " ".join(p for p in (a.first_name, a.last_name) if p) or "-"
        handle = f" @{a.username}" if a.username else ""
        twofa = ", 2FA" if a.password is not None else ""
        out.always(f"+{a.phone}  {name}{handle}  (id {a.id}, home DC {a.dc}{twofa})", indent=1)


def _howto(out: Out, tg: Sandbox, key_file: Path | None, info_file: Path | None) -> None:
    addresses = ",".join(f"{a.host}:{a.port}" for a in tg.dc_addresses)
    dcs = ", ".join(f'DcAddress({a.dc_id}, "{a.host}", {a.port})' for a in tg.dc_addresses)
    dcs += "".join(f', DcAddress({a.dc_id}, "{a.host}", {a.port}, media=True)' for a in tg.media_addresses)
    home = tg.network.address(tg.default_dc)
    out.always("")
    out.always("connect with the tgfleet CLI:")
    if info_file is not None:
        out.raw(f"  tgfleet login --sandbox-info {info_file} --session NAME")
    key = key_file if key_file is not None else "KEY.pem  (a file holding the public key above)"
    out.raw(f"  tgfleet login --sandbox {addresses} --sandbox-key {key} --session NAME")
    out.always("connect from Python with tgfleet (PUBLIC_KEY_PEM: the key above):")
    out.raw("  from tgfleet import Client")
    out.raw("  from tgfleet.crypto.rsa import RsaPublicKey")
    out.raw("  from tgfleet.net import DcAddress, Network")
    out.raw(f"  network = Network(({dcs}),")
    out.raw("                    (RsaPublicKey.from_pem(PUBLIC_KEY_PEM),),")
    out.raw(f'                    default_dc={tg.default_dc}, name="sandbox")')
    out.raw(f'  client = Client("NAME", api_id={tg.api_id}, api_hash="{tg.api_hash}", network=network)')
    out.always("connect with Telethon:")
    out.raw("  from telethon import TelegramClient")
    out.raw("  from telethon.crypto import rsa")
    out.raw("  from telethon.sessions import MemorySession")
    out.raw("  rsa.add_key(PUBLIC_KEY_PEM, old=False)")
    out.raw(f'  session = MemorySession(); session.set_dc({tg.default_dc}, "{home.host}", {home.port})')
    out.raw(f'  client = TelegramClient(session, {tg.api_id}, "{tg.api_hash}")')
    out.always("")
    out.always("login codes are printed below as the sandbox issues them (real Telegram sends them to the app or")
    out.always("by SMS). Ctrl-C (or SIGTERM) stops the sandbox.", "bold")
