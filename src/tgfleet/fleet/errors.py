"""Typed errors of the fleet. Each docstring says what the caller should do."""

from __future__ import annotations

from tgfleet.errors import TgfleetError


class FleetError(TgfleetError):
    """Root of the fleet's errors."""


class FleetValueError(FleetError, ValueError):
    """An argument the fleet refuses (a label, phone, proxy URL or policy it cannot store), named in the message.

    What to do: fix the argument; nothing was written.
    """


class StoreError(FleetError):
    """The fleet store failed: it cannot be reached or opened, or a statement failed (the message says which).

    What to do: check the store URL, that the database server (or file) is there and reachable, and the
    permissions; nothing was half written (every change is one transaction).
    """


class StoreUrlError(StoreError, ValueError):
    """The store URL names no engine tgfleet knows, or is malformed.

    What to do: use ``sqlite:///path/fleet.db`` (a file on this host) or ``postgresql://user@host/db``.
    """


class StoreMissingError(StoreError):
    """There is no fleet store at the URL (no file, or a database without tgfleet's tables).

    What to do: create it with ``tgfleet fleet init --store URL`` (or ``Fleet.open(url, create=True)``).
    """


class SchemaTooNewError(StoreError):
    """The store was written by a newer tgfleet: its schema version is higher than this code knows.

    ``found`` and ``known`` are the two versions. What to do: upgrade tgfleet on this host; never open the store with
    the older version (it would not understand the newer tables).
    """

    def __init__(self, where: str, found: int, known: int) -> None:
        self.found, self.known = found, known
        super().__init__(
            f"{where} has fleet schema version {found}, newer than this tgfleet knows (version {known});"
            " upgrade tgfleet"
        )


class SealKeyError(FleetError):
    """The key that seals the auth keys at rest is missing, malformed, or not the one the store was sealed with.

    What to do: set ``TGFLEET_FLEET_KEY`` (base64 of 32 bytes) or point ``TGFLEET_FLEET_KEY_FILE`` at the key file
    the store was created with. The data is not damaged.
    """


class SealedDataError(FleetError):
    """A sealed auth key does not open under the store's key: the row was damaged, or moved from another account.

    What to do: treat the account's key as lost (import the session again); never copy sealed rows between accounts.
    """


class AccountNotFound(FleetError, LookupError):
    """No account with this label (or id) in the store.

    What to do: check the label (``tgfleet fleet accounts list``).
    """


class DuplicateAccountError(FleetError):
    """An import was refused: the label is taken, or the auth key is already another account's.

    ``holder`` is the label of the account that has it. One auth key must never run in two places (Telegram answers
    AUTH_KEY_DUPLICATED and the session dies). What to do: use another label; for a key, use the existing account.
    """

    def __init__(self, message: str, *, holder: str) -> None:
        self.holder = holder
        super().__init__(message)


class SessionImportError(FleetError, ValueError):
    """A session source could not be read: not a session string nor a known session file, or its values are bad.

    What to do: check the source (the message names the format tried and what was wrong); nothing was imported.
    """


class ExportError(FleetError, ValueError):
    """The account cannot be written in the requested format (it lacks what the format stores, e.g. the user id).

    What to do: pass what is missing (the message says what), or export to the other format.
    """


class LeaseHeldError(FleetError):
    """The lease is held by another worker and has not expired (plus the grace period).

    ``holder``, ``host``, ``pid`` and ``expires_at`` (unix time, the store's clock) name the holder. What to do: wait
    for its release or expiry, or pick another resource.
    """

    def __init__(self, resource: str, holder: str, host: str, pid: int, expires_at: float) -> None:
        self.resource, self.holder, self.host, self.pid, self.expires_at = resource, holder, host, pid, expires_at
        super().__init__(f"{resource} is held by worker {holder} (pid {pid} on host {host}) until {expires_at:.3f}")


class TakeoverBlocked(FleetError):
    """A lease could not be taken over: its stale holder (``holder``, process ``pid`` on ``host``) stopped inside a
    store transaction that locks what the grant must change, and ending that store session failed (``reason``).

    What to do: give the fleet's database role the right to end the holder's sessions (the same role, or membership
    in ``pg_signal_backend``), or end the holder's process; the grant is retried at the next claim.
    """

    def __init__(self, resource: str, holder: str, host: str, pid: int, reason: str) -> None:
        self.resource, self.holder, self.host, self.pid, self.reason = resource, holder, host, pid, reason
        super().__init__(
            f"{resource}: its stale holder, worker {holder} (pid {pid} on host {host}), stopped inside a store"
            f" transaction that blocks the takeover, and its store session could not be ended: {reason}; the fleet's"
            " database role needs the privileges of that session's role or membership in pg_signal_backend"
        )


class StaleEpoch(FleetError):
    """A fenced write was refused: a newer lease epoch owns the account, so this writer's lease is gone.

    ``epoch`` is the writer's, ``current`` the store's. What to do: fence yourself at once (close the account's
    connections, stop sending); never retry the write.
    """

    def __init__(self, account_id: int, epoch: int, current: int) -> None:
        self.account_id, self.epoch, self.current = account_id, epoch, current
        super().__init__(f"account {account_id}: write at epoch {epoch} refused, the lease is at epoch {current}")


class MessageNotFound(FleetError, LookupError):
    """No outbox message with this id.

    What to do: check the id (``tgfleet fleet outbox list``).
    """


class IdempotencyConflict(FleetError):
    """``outbox.send`` was given an idempotency key already used for a different message (another peer, text or
    sender). ``message_id`` is the message stored under the key.

    What to do: use a new key for a new message; the same key only to repeat the very same send (which then returns
    the stored message).
    """

    def __init__(self, key: str, message_id: int) -> None:
        self.key, self.message_id = key, message_id
        super().__init__(f"idempotency key {key!r} is message {message_id}, with a different body")


class OutboxStateError(FleetError):
    """The outbox message is in a state that does not allow this (e.g. cancelling one being sent right now).

    ``state`` is its state. What to do: read it again (``outbox.get``) and act on that state; a message in flight
    may be cancelled once its attempt has ended.
    """

    def __init__(self, message_id: int, state: str, action: str) -> None:
        self.message_id, self.state = message_id, state
        super().__init__(f"outbox message {message_id} is {state}: it cannot be {action}")


class LoginNotFound(FleetError, LookupError):
    """No login flow has that id.

    What to do: check the id (``tgfleet fleet logins list``); a flow is never deleted, so it was never started here.
    """


class LoginStateError(FleetError):
    """The input does not fit the login flow's state: a code for a QR flow or one not waiting for a code, a password
    before it is asked, anything after the flow ended (authorized, failed, expired). ``state`` is the flow's state.

    What to do: read the flow (``fleet.logins.get``) and give what its state asks for; start a new flow when it ended.
    """

    def __init__(self, message: str, state: str) -> None:
        self.state = state
        super().__init__(message)


class LoginBudgetExceeded(FleetError):
    """The phone may not start another login now: its daily login budget is used, or Telegram made it wait (a flood
    wait of scope ``phone``). ``retry_after``: seconds until it may try again.

    What to do: wait ``retry_after`` seconds; logging in again and again is what gets numbers limited by Telegram.
    """

    def __init__(self, message: str, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class StaleLoginEpoch(FleetError):
    """A login flow's fenced write was refused: a newer holder (epoch ``current``) owns the flow now.

    What to do: stop driving the flow at once (disconnect its client); never retry the write: the new holder goes on.
    """

    def __init__(self, login_id: int, epoch: int, current: int | None) -> None:
        self.login_id, self.epoch, self.current = login_id, epoch, current
        super().__init__(f"login {login_id}: write at epoch {epoch} refused, the lease is at epoch {current}")


class TokenNotFound(FleetError, LookupError):
    """No API token matches (or, by name, several do).

    What to do: list them (``tgfleet fleet token list``) and name the token by its id.
    """
