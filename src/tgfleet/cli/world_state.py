"""``tgfleet sandbox --state FILE``: the sandbox's world kept across restarts.

Kept: every account (id, phone, names, username, home DC, age, the 2FA verifier, never a password), the
access-hash key (so peers cached by clients stay valid), every message with its id and pts, the permanent
auth keys of every DC and which account each is logged in as (so saved client sessions keep working).
Not kept: sessions and salts (clients get new_session_created and bad_server_salt once, and recover by
themselves), read marks, pending codes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from tgfleet.cli.netinfo import write_atomically
from tgfleet.sandbox.accounts import Account
from tgfleet.sandbox.passwords import PasswordRecord
from tgfleet.sandbox.server import Sandbox
from tgfleet.sandbox.world import World
from tgfleet.tl import TLObject, decode

FORMAT = "tgfleet-sandbox-state"
VERSION = 1


def signature(tg: Sandbox) -> tuple[int, int, int, int]:
    """Changes whenever an account, a message, a key or a login is added (cheap: autosave compares it)."""
    world = _world(tg)
    accounts = world.accounts.all()
    keys = sum(len(tg.auth_key_ids(dc)) for dc in tg.dc_ids)
    return len(accounts), sum(a.mailbox.pts for a in accounts), keys, len(world.auths.all())


def snapshot(tg: Sandbox) -> dict[str, Any]:
    world = _world(tg)
    accounts = world.accounts.all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "hash_key": world.accounts.hash_key.hex(),
        "accounts": [_account(a) for a in accounts if not a.service],
        "messages": {str(a.id): [_message(m) for m in a.mailbox.all_messages()] for a in accounts},
        "auth_keys": [{"dc": dc, "key": key.hex()} for dc, key in tg.permanent_keys()],
        "logins": [
            {"auth_key_id": a.auth_key_id, "user_id": a.user_id, "dc": a.dc, "imported": a.imported}
            for a in world.auths.all()
        ],
    }


def _world(tg: Sandbox) -> World:
    assert isinstance(tg.world, World)
    return tg.world


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


def save(tg: Sandbox, path: Path) -> None:
    write_atomically(path, json.dumps(snapshot(tg)), mode=0o600)


def load(tg: Sandbox, path: Path) -> int:
    """Restore ``path`` into a fresh sandbox; returns the number of accounts restored."""
    world = _world(tg)
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
        for k in data.get("auth_keys", []):
            tg.restore_key(int(k["dc"]), bytes.fromhex(k["key"]))
        for a in data.get("logins", []):
            world.auths.authorize(int(a["auth_key_id"]), int(a["user_id"]), int(a["dc"]), imported=bool(a["imported"]))
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
