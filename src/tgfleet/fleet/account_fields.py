"""The fields of a new account checked as the caller gives them: its label, phone number and policy (JSON)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.importers import ImportedSession
from tgfleet.fleet.send_policy import SendPolicy

_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
MAX_POLICY_BYTES = 64 * 1024


def check_label(label: str) -> str:
    if not isinstance(label, str) or not _LABEL.fullmatch(label):
        raise FleetValueError(
            f"account label {label!r}: 1-64 of A-Z a-z 0-9 . _ @ + -, starting with a letter or digit"
        )
    return label


def default_label(imported: ImportedSession) -> str:
    """The file's stem, else ``user-<id>``, else ``dc<N>-<key id>``."""
    if imported.name and _LABEL.fullmatch(imported.name):
        return imported.name
    session = imported.session
    if session.user_id is not None:
        return f"user-{session.user_id}"
    home = session.dcs.get(session.dc_id or 0)
    key_id = home.auth_key_id if home else None
    return f"dc{session.dc_id}-{(key_id or 0) & 0xFFFFFFFFFFFF:012x}"


def phone_number(phone: str | None) -> str | None:
    if phone is None:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 5 <= len(digits) <= 15:
        raise FleetValueError(f"phone {phone!r} is not an international number")
    return "+" + digits


def policy_json(policy: dict[str, Any] | None, proxy: str | None) -> str:
    merged = dict(policy or {})
    if proxy is not None:
        if not isinstance(proxy, str) or "://" not in proxy:
            raise FleetValueError("proxy must be a URL such as socks5://user:password@host:1080")
        merged["proxy"] = proxy
    SendPolicy().override(merged.get("sending"))  # refused now, by name, rather than at the first send
    text = json.dumps(merged, sort_keys=True)
    if len(text) > MAX_POLICY_BYTES:
        raise FleetValueError(f"the account policy is {len(text)} bytes of JSON; at most {MAX_POLICY_BYTES}")
    return text


def shown_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy for display (CLI, API): a proxy's password never shows."""
    proxy = policy.get("proxy")
    if isinstance(proxy, str) and (parts := urlsplit(proxy)).password is not None:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return dict(policy, proxy=urlunsplit(parts._replace(netloc=netloc)))
    return policy
