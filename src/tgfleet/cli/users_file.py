"""Accounts for ``tgfleet sandbox``: ``--users FILE`` (JSON or TOML) and ``--user PHONE[:FIRST[:USERNAME[:PASSWORD]]]``.

JSON: a list of users, or ``{"users": [...]}``. TOML: ``[[users]]`` tables (Python 3.11+; on 3.10 use
JSON). Each user: ``phone`` (required), ``first_name``, ``last_name``, ``username``, ``password`` (turns
on 2FA), ``dc`` (home DC; default: derived from the number).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import click


@dataclass(frozen=True)
class UserSpec:
    phone: str
    first_name: str = ""
    last_name: str = ""
    username: str | None = None
    password: str | None = None
    dc: int | None = None


_FIELDS = {f.name for f in fields(UserSpec)}


def parse_user_flag(text: str) -> UserSpec:
    """``PHONE[:FIRST[:USERNAME[:PASSWORD]]]``; the password may itself contain ``:``."""
    parts = text.split(":", 3)
    phone = parts[0].strip()
    if not phone:
        raise click.BadParameter(f"{text!r}: the phone number is missing", param_hint="--user")
    first = parts[1] if len(parts) > 1 else ""
    username = (parts[2].lstrip("@") or None) if len(parts) > 2 else None
    password = (parts[3] or None) if len(parts) > 3 else None
    return UserSpec(phone, first, "", username, password)


def _toml(text: str, path: Path) -> Any:
    try:
        tomllib = importlib.import_module("tomllib")
    except ModuleNotFoundError:
        raise click.UsageError(f"{path}: TOML needs Python 3.11 or newer; write the users as JSON instead") from None
    try:
        return tomllib.loads(text)
    except ValueError as e:  # tomllib.TOMLDecodeError is a ValueError
        raise click.UsageError(f"{path}: not valid TOML: {e}") from None


def load_users_file(path: Path) -> list[UserSpec]:
    try:
        text = path.read_text()
    except OSError as e:
        raise click.UsageError(f"cannot read the users file {path}: {e}") from None
    data: Any
    if path.suffix.lower() == ".toml":
        data = _toml(text, path)
    else:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise click.UsageError(f"{path}: not valid JSON ({e}); TOML files must end in .toml") from None
    if isinstance(data, dict):
        data = data.get("users")
    if not isinstance(data, list):
        raise click.UsageError(f"{path}: expected a list of users (JSON) or [[users]] tables (TOML)")
    return [_user(entry, f"{path}, user {n}") for n, entry in enumerate(data, 1)]


def _user(entry: Any, where: str) -> UserSpec:
    if not isinstance(entry, dict):
        raise click.UsageError(f"{where}: expected a table/object with at least 'phone'")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise click.UsageError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(_FIELDS)})")
    if not isinstance(entry.get("phone"), str | int):
        raise click.UsageError(f"{where}: 'phone' is required")
    dc = entry.get("dc")
    if dc is not None and not isinstance(dc, int):
        raise click.UsageError(f"{where}: 'dc' must be a number")
    texts = {k: entry[k] for k in ("first_name", "last_name", "username", "password") if entry.get(k) is not None}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise click.UsageError(f"{where}: {key!r} must be a string")
    return UserSpec(str(entry["phone"]), dc=dc, **texts)
