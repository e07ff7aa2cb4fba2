"""``tgfleet sandbox --state FILE``: the sandbox world's accounts and messages kept across restarts.

Kept: every account (id, phone, names, username, home DC, age, the 2FA verifier, never a password), the
access-hash key (so peers cached by clients stay valid) and every message with its id and pts. Not kept:
auth keys and logins (clients log in again after a restart), read marks, pending codes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from tgfleet.cli.netinfo import write_atomically
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.passwords import PasswordRecord
from tgfleet.sandbox.world import World
from tgfleet.tl import TLObject, decode

FORMAT = "tgfleet-sandbox-state"
VERSION = 1


def signature(world: World) -> tuple[int, int]:
    """Changes whenever an account or a message is added (cheap to compute: autosave compares it)."""
    accounts = world.accounts.all()
    return len(accounts), sum(a.mailbox.pts for a in accounts)


def snapshot(world: World) -> dict[str, Any]:
    accounts = world.accounts.all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "hash_key": world.accounts.hash_key.hex(),
        "accounts": [_account(a) for a in accounts if not a.service],
        "messages": {str(a.id): [_message(m) for m in a.mailbox.all_messages()] for a in accounts},
    }


def _account(a: Account) -> dict[str, Any]:
    password = None
    if a.password is not None:
        p = a.password
        password = {"salt1": p.salt1.hex(), "salt2": p.salt2.hex(), "verifier": p.verifier.hex(), "hint": p.hint}
    return {
        "id": a.id, "phone": a.phone, "first_name": a.first_name, "last_name": a.last_name,
        "username": a.username, "dc": a.dc, "created": a.created, "password": password,
    }  # fmt: skip


def _message(m: Any) -> dict[str, Any]:
    return {
        "peer_id": m.peer_id, "out": m.out, "sender_id": m.sender_id, "date": m.date, "text": m.text,
        "random_id": m.random_id, "entities": [e.to_bytes().hex() for e in m.entities],
    }  # fmt: skip


def save(world: World, path: Path) -> None:
    write_atomically(path, json.dumps(snapshot(world)), mode=0o600)


def load(world: World, path: Path) -> int:
    """Restore ``path`` into a fresh ``world``; returns the number of accounts restored."""
    try:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError(f"not a {FORMAT} file of version {VERSION}")
        world.accounts.hash_key = bytes.fromhex(data["hash_key"])
        for entry in data["accounts"]:
            account = _restore_account(entry)
            if not 1 <= account.dc <= world.dcs:
                raise ValueError(f"account {account.id} lives on DC {account.dc}, this sandbox has {world.dcs} DCs")
            world.accounts.add(account)
        for owner, messages in data["messages"].items():
            box = world.accounts[int(owner)].mailbox
            for m in messages:
                entities = tuple(_entity(e) for e in m["entities"])
                box.add(owner_id=int(owner), peer_id=m["peer_id"], out=m["out"], sender_id=m["sender_id"],
                        date=m["date"], text=m["text"], entities=entities, random_id=m["random_id"])  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise click.UsageError(f"cannot restore the sandbox state from {path}: {type(e).__name__}: {e}") from None
    return len(data["accounts"])


def _restore_account(entry: dict[str, Any]) -> Account:
    p = entry.get("password")
    password = None
    if p is not None:
        salts = bytes.fromhex(p["salt1"]), bytes.fromhex(p["salt2"])
        password = PasswordRecord(*salts, bytes.fromhex(p["verifier"]), p["hint"])
    return Account(
        int(entry["id"]), entry["phone"], entry["first_name"], entry["last_name"], entry["username"],
        int(entry["dc"]), float(entry["created"]), password,
    )  # fmt: skip


def _entity(text: str) -> TLObject:
    return decode(bytes.fromhex(text))
