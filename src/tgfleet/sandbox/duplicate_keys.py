"""``DuplicateKeys``: AUTH_KEY_DUPLICATED (406) for a logged-in auth key used on two connections at once.

Telegram answers AUTH_KEY_DUPLICATED ("concurrent usage of the current session from multiple connections was
detected, the current session was invalidated", https://core.telegram.org/api/errors) and logs the key out when
one authorization key talks over two TCP connections to a DC at the same time. What the sandbox models:

- *Which key*: the auth key id of the encrypted packet (the sandbox has no temporary keys bound to permanent ones
  yet; once it has, the rule belongs on the permanent key a temporary key acts for). Only keys logged in as an
  account count (a key before sign-in is never punished), and only messages the key's session accepted (a packet
  refused as a replay, with a bad salt, ... does not count, so replaying a captured packet on a new connection
  cannot make its owner's own connection "the older one").
- *At the same time*: the connection a key's accepted packet arrives on becomes the key's *latest* when it had not
  carried that key before. A packet of the key that *arrived* on an *older* connection (one that carried the key
  before the latest did) after the latest one's first packet of the key arrived, while the latest is still open,
  is the offence. Arrival is when the bytes were read from the socket (``Stream.arrival``, one order across the
  server), not when they were handled, so a request of A read before B's first one but handled after it (A was
  busy with a slow call) is no offence. A legitimate reconnect never does that: the client closed (or lost)
  connection A and now uses B; a half-open A sends nothing more. Bytes sent on A after B was used are the offence
  even when A is closed right after them.
- *What follows*: the authorization is invalidated at once (the world forgets it: later calls on the key, on any
  connection, get AUTH_KEY_UNREGISTERED as for a revoked key), and the next API call on each of the two
  connections (the one in the offending packet included) is answered AUTH_KEY_DUPLICATED instead of being run.
  Every such answer is counted (``answers``; ``Sandbox.stats()["auth_key_duplicated"]``), so tests and benchmarks
  can assert that it never happened.
- *Where*: every DC of the sandbox. Telegram applies the rule to its non-media DCs; the sandbox has no media DCs
  (a client naming a media DC in its obfuscated2 header reaches the same listener), so there is no exception.

``enabled = False`` switches the rule off (``Sandbox.detect_duplicate_keys(False)``): shared keys are then only
observed (``Sandbox.key_use``). Bounded: the state is per live connection (weak references), nothing per key
outlives the connections that used it.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("tgfleet.sandbox")

AUTH_KEY_DUPLICATED = (406, "AUTH_KEY_DUPLICATED")


class KeyConnection(Protocol):
    """What the rule needs of a connection."""

    @property
    def open(self) -> bool:
        """Not closed by the server and not closed by its peer."""
        ...

    @property
    def arrival(self) -> int:
        """When the packet being handled arrived (numbered in order across the server)."""
        ...


class DuplicateKeys:
    """The AUTH_KEY_DUPLICATED rule over ``logged_in(key_id)`` and ``log_out(key_id)`` (the world's)."""

    def __init__(self, logged_in: Callable[[int], bool], log_out: Callable[[int], None]) -> None:
        self._logged_in = logged_in
        self._log_out = log_out
        self.enabled = True
        self.answers = 0
        """AUTH_KEY_DUPLICATED answers given so far."""
        self.incidents = 0
        """Keys invalidated for being used on two connections at once."""
        self._latest: weakref.WeakValueDictionary[int, KeyConnection] = weakref.WeakValueDictionary()
        self._first: weakref.WeakKeyDictionary[KeyConnection, dict[int, int]] = weakref.WeakKeyDictionary()
        """Per connection: when the first packet of each key it carried arrived."""
        self._owed: weakref.WeakKeyDictionary[KeyConnection, set[int]] = weakref.WeakKeyDictionary()

    def accepted(self, key_id: int, conn: KeyConnection) -> None:
        """A message of ``key_id`` that its session accepted arrived on ``conn`` (the hook in ``inbound.py``)."""
        arrival = conn.arrival
        first = self._first.setdefault(conn, {})
        latest = self._latest.get(key_id)
        since = None if latest is None else self._first[latest][key_id]
        if key_id not in first:
            first[key_id] = arrival
            if since is None or arrival > since:
                self._latest[key_id] = conn
            return
        if latest is None or latest is conn or since is None or arrival < since or not latest.open:
            return
        if self.enabled and self._logged_in(key_id):
            self._offence(key_id, conn, latest)

    def _offence(self, key_id: int, older: KeyConnection, newer: KeyConnection) -> None:
        self.incidents += 1
        log.warning("auth key %016x used on two connections at once: AUTH_KEY_DUPLICATED", key_id & (2**64 - 1))
        self._log_out(key_id)
        for victim in (older, newer):
            self._owed.setdefault(victim, set()).add(key_id)

    def take(self, key_id: int, conn: KeyConnection) -> tuple[int, str] | None:
        """AUTH_KEY_DUPLICATED if ``conn``'s next API call under ``key_id`` is owed it (then no longer), else None."""
        owed = self._owed.get(conn)
        if not owed or key_id not in owed:
            return None
        owed.discard(key_id)
        self.answers += 1
        return AUTH_KEY_DUPLICATED
