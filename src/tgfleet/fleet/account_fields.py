"""The fields of a new account checked as the caller gives them: its label, phone number and policy (JSON)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tgfleet.fleet.errors import FleetValueError
from tgfleet.fleet.importers import ImportedSession
from tgfleet.fleet.send_policy import SendPolicy
from tgfleet.net.proxy import MTProxy, ProxyLike, parse_proxy

_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
MAX_POLICY_BYTES = 64 * 1024
_SECRET = re.compile(r"(^|&)secret=[^&]*")
"""An MTProxy link's secret parameter (https://core.telegram.org/api/links#mtproxy-links)."""


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


def policy_json(policy: dict[str, Any] | None, proxy: ProxyLike | None) -> str:
    merged = dict(policy or {})
    if proxy is not None:
        merged["proxy"] = proxy
    if merged.get("proxy") is not None:
        merged["proxy"] = proxy_text(merged["proxy"])
    SendPolicy().override(merged.get("sending"))  # refused now, by name, rather than at the first send
    text = json.dumps(merged, sort_keys=True)
    if len(text) > MAX_POLICY_BYTES:
        raise FleetValueError(f"the account policy is {len(text)} bytes of JSON; at most {MAX_POLICY_BYTES}")
    return text


def proxy_text(proxy: ProxyLike) -> str:
    """A proxy in any form ``Client(proxy=...)`` takes (``tgfleet.net.proxy``: a URL or link, Pyrogram's or
    Telethon's dict, Telethon's tuple, a parsed value), checked now, as the text the policy keeps: a URL or link as
    given, any other form as its URL (an MTProxy as its tg:// link; ``rdns`` is not kept: data centers are
    reached by IP address)."""
    try:
        parsed = parse_proxy(proxy)
    except ValueError as e:
        raise FleetValueError(f"proxy: {e}") from None
    if isinstance(proxy, str):
        return proxy.strip()
    assert parsed is not None  # the caller passes no None
    return parsed.link if isinstance(parsed, MTProxy) else parsed.url


def shown_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy for display (CLI, API): a proxy's password and an MTProxy link's secret never show."""
    proxy = policy.get("proxy")
    if not isinstance(proxy, str):
        return policy
    parts = urlsplit(proxy)
    if parts.password is not None:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return dict(policy, proxy=urlunsplit(parts._replace(netloc=netloc)))
    if _SECRET.search(parts.query):
        return dict(policy, proxy=urlunsplit(parts._replace(query=_SECRET.sub(r"\1secret=***", parts.query))))
    return policy
