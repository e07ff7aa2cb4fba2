"""``Tokens`` (``fleet.tokens``): the HTTP service's bearer tokens, with scopes, stored hashed.

A token is ``tgf_`` and 32 random bytes (base64url); the store keeps its SHA-256 only, with a short prefix to
recognise it in ``list``. SHA-256 and not a slow password hash (bcrypt, scrypt, Argon2): those make guessing a
*low-entropy* secret from its hash expensive, but a token is 256 random bits, which no amount of hashing speed
brings within reach of a guess; a fast hash also makes the check one indexed lookup per request, with nothing for an
attacker to time (the lookup is by the hash of what they sent, not a comparison with the secret). There are no
default tokens: the first one is made with ``tgfleet fleet token create``.

Scopes are ordered: ``read`` < ``send`` (post to the outbox) < ``operate`` (disable, enable, check, cancel, retry,
import) < ``admin``; a token grants its scope and every lower one.
"""

from __future__ import annotations

import base64
import builtins
import enum
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from tgfleet.fleet.errors import FleetValueError, TokenNotFound
from tgfleet.fleet.store import Store

PREFIX = "tgf_"
MAX_TOKEN_LENGTH = 128
_SHOWN = 8  # characters of the token kept in clear to tell tokens apart (after the prefix: 48 bits of the 256)
_COLUMNS = "SELECT id, name, scope, prefix, created_at, last_used_at, revoked_at FROM api_tokens"


class Scope(str, enum.Enum):
    READ = "read"
    SEND = "send"
    OPERATE = "operate"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def allows(self, needed: Scope) -> bool:
        """Whether a token of this scope may do what ``needed`` guards."""
        return self.rank >= needed.rank


_ORDER = (Scope.READ, Scope.SEND, Scope.OPERATE, Scope.ADMIN)


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never the token itself (``prefix``: its first characters)."""

    id: int
    name: str
    scope: Scope
    prefix: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def create(self, scope: Scope | str, *, name: str | None = None) -> tuple[str, TokenInfo]:
        """A new token of ``scope``: ``(the token, its record)``. The token is shown once: only its hash is kept."""
        try:
            scope = Scope(scope)
        except ValueError:
            raise FleetValueError(f"scope must be one of {', '.join(s.value for s in Scope)}, got {scope!r}") from None
        if name is not None and (not name.strip() or len(name) > 100):
            raise FleetValueError("a token's name must be 1 to 100 characters")
        token = PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
        shown = token[: len(PREFIX) + _SHOWN]
        async with self._store.transaction() as tx:
            token_id = int(await tx.scalar(
                "INSERT INTO api_tokens (name, scope, token_hash, prefix, created_at) VALUES (:name, :scope, :hash,"
                " :prefix, {now}) RETURNING id",
                {"name": name or f"{scope.value} token", "scope": scope.value, "hash": token_hash(token),
                 "prefix": shown},
            ))  # fmt: skip
            row = await tx.fetchone(f"{_COLUMNS} WHERE id = :id", {"id": token_id})
        assert row is not None
        return token, _info(row)

    async def verify(self, token: str) -> TokenInfo | None:
        """The active token's record, or None (unknown, malformed or revoked)."""
        if not token.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            return None
        async with self._store.transaction(readonly=True) as tx:
            row = await tx.fetchone(f"{_COLUMNS} WHERE token_hash = :hash AND revoked_at IS NULL",
                                    {"hash": token_hash(token)})  # fmt: skip
        return None if row is None else _info(row)

    async def used(self, token_id: int) -> None:
        """Record that the token was used now (the service calls this at most once a minute per token)."""
        async with self._store.transaction() as tx:
            await tx.execute("UPDATE api_tokens SET last_used_at = {now} WHERE id = :id", {"id": token_id})

    async def list(self) -> builtins.list[TokenInfo]:
        async with self._store.transaction(readonly=True) as tx:
            rows = await tx.fetch(f"{_COLUMNS} ORDER BY id")
        return [_info(row) for row in rows]

    async def revoke(self, token: int | str) -> TokenInfo:
        """Revoke a token by id, name or the token itself (it stops working at once); TokenNotFound."""
        where, key = _match(token)
        async with self._store.transaction() as tx:
            rows = await tx.fetch(f"{_COLUMNS} WHERE {where}", {"key": key})
            if len(rows) != 1:
                raise TokenNotFound(f"no token {_named(token)}" if not rows else
                                    f"{len(rows)} tokens are named {token!r}: revoke one by its id")  # fmt: skip
            await tx.execute("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, {now}) WHERE id = :id",
                             {"id": rows[0][0]})  # fmt: skip
            row = await tx.fetchone(f"{_COLUMNS} WHERE id = :id", {"id": rows[0][0]})
        assert row is not None
        return _info(row)


def _match(token: int | str) -> tuple[str, Any]:
    if isinstance(token, int) or token.isdigit():
        return "id = :key", int(token)
    if token.startswith(PREFIX) and len(token) > len(PREFIX) + _SHOWN:
        return "token_hash = :key", token_hash(token)
    return "name = :key", token


def _named(token: int | str) -> str:
    return f"{token[: len(PREFIX) + _SHOWN]}..." if isinstance(token, str) and token.startswith(PREFIX) else repr(token)


def _info(row: tuple[Any, ...]) -> TokenInfo:
    id_, name, scope, prefix, created, used, revoked = row
    return TokenInfo(int(id_), name, Scope(scope), prefix, created, used, revoked)
