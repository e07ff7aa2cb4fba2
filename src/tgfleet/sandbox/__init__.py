"""tgfleet.sandbox: a local multi-DC Telegram on loopback that real clients can log into.

An asyncio MTProto server that drives the sans-IO core in the server role (``server``: the composition root
and control surface; ``listeners``, ``stream``, ``connection``, ``outbox``, ``lobby``, ``inbound``, ``keys``,
``dispatch``, ``config``, ``delivery``, ``faults`` and ``fault_injector``, ``server_limits``, ``flood``,
``duplicate_keys`` (AUTH_KEY_DUPLICATED), ``takeouts`` (takeout sessions), ``part_hold`` (file parts held until
several wait at once); ``mtproxy`` puts an MTProxy in front
of the DCs) over an in-memory world of accounts, codes, 2FA passwords, authorizations (``authz``), chats and
messages (``world``, ``services/``,
``login_limits`` / ``login_guard``: brute-force protection of logins; ``standing``: banned and frozen accounts;
``peer_limits`` and ``contact_book``: PEER_FLOOD; ``groups``, ``channels``, ``invites``: basic groups, channels and
supergroups, invite links; ``uploads``, ``files``, ``media``, ``images`` under ``file_limits``: uploads in parts,
files per DC with their references, media messages). The seam between the two halves is ``contract.py``. May import
``tgfleet.net`` (the network description, MTProxy secrets, ``within()``), ``mtproto``, ``crypto``, ``tl``,
``storage`` and ``errors``; never ``client`` or ``fleet``. Nothing in the library imports the sandbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tgfleet.sandbox.login_limits import Lockout, LoginLimits
    from tgfleet.sandbox.peer_limits import PeerLimits
    from tgfleet.sandbox.server import Sandbox
    from tgfleet.sandbox.server_limits import Limits, Rate

__all__ = ["Limits", "Lockout", "LoginLimits", "PeerLimits", "Rate", "Sandbox"]


def __getattr__(name: str) -> Any:
    """``Sandbox``, ``Limits``, ``Rate``, ``LoginLimits``, ``Lockout`` and ``PeerLimits``, imported on first use (the
    package itself stays cheap)."""
    if name == "Sandbox":
        from tgfleet.sandbox.server import Sandbox

        return Sandbox
    if name in ("Limits", "Rate"):
        from tgfleet.sandbox import server_limits

        return getattr(server_limits, name)
    if name in ("LoginLimits", "Lockout"):
        from tgfleet.sandbox import login_limits

        return getattr(login_limits, name)
    if name == "PeerLimits":
        from tgfleet.sandbox.peer_limits import PeerLimits

        return PeerLimits
    raise AttributeError(f"module 'tgfleet.sandbox' has no attribute {name!r}")
