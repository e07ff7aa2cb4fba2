"""The health rules (docs/fleet.md, "Account health"): what happened on an account -> the move it makes, with its
evidence. Pure: no IO, the time is a parameter; ``health.Health`` writes the moves, fenced.

Errors (``judge_error``), by the raw error's name:

- FLOOD_WAIT_X with X over ``HealthSettings.flood_threshold`` -> ``limited`` until now + X; PEER_FLOOD -> ``limited``
  for ``peer_flood_hold`` (Telegram does not say until when: ``until_known`` is false);
- FROZEN_METHOD_INVALID, FROZEN_PARTICIPANT_MISSING -> ``frozen`` (the dates come from help.getAppConfig);
- AUTH_KEY_UNREGISTERED, AUTH_KEY_INVALID, SESSION_EXPIRED -> ``needs_login``; SESSION_REVOKED, AUTH_KEY_DUPLICATED
  -> ``revoked``; USER_DEACTIVATED_BAN, PHONE_NUMBER_BANNED -> ``banned``; USER_DEACTIVATED -> ``deleted``;
- network and proxy errors, timeouts -> ``unreachable``; a closed send gate (the holder's own fence), a short flood
  wait and any other refusal say nothing.

Which moves are allowed (``allowed``): none out of a state no worker runs (the terminal ones and ``disabled``: only
an operator's ``enable`` leaves them, never ``deleted``); ``unreachable`` only from new / active (network trouble
never hides a limit or a freeze, which a later success would then forget); ``limited`` never over ``frozen``.

The ways back: a success moves new / unreachable to ``active``, and ``limited`` once its end has passed; only
help.getAppConfig without freeze fields moves ``frozen`` back (a frozen account still passes getMe). A probe
(``judge_probe``) adds the freeze fields and the account's authorizations: ours no longer listed -> ``revoked``;
logins waiting for confirmation (``unconfirmed``) are noted as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tgfleet import errors
from tgfleet.fleet.records import AccountState, Evidence

S = AccountState
_BY_NAME = {
    "AUTH_KEY_UNREGISTERED": S.NEEDS_LOGIN,
    "AUTH_KEY_INVALID": S.NEEDS_LOGIN,
    "SESSION_EXPIRED": S.NEEDS_LOGIN,
    "SESSION_REVOKED": S.REVOKED,
    "AUTH_KEY_DUPLICATED": S.REVOKED,
    "USER_DEACTIVATED_BAN": S.BANNED,
    "PHONE_NUMBER_BANNED": S.BANNED,
    "USER_DEACTIVATED": S.DELETED,
    "FROZEN_METHOD_INVALID": S.FROZEN,
    "FROZEN_PARTICIPANT_MISSING": S.FROZEN,
    "PEER_FLOOD": S.LIMITED,
}
_UNREACHABLE = (errors.NetworkError, errors.RequestTimeout, errors.TransportError, OSError)
_KEY_ENDED = frozenset({S.NEEDS_LOGIN, S.REVOKED})


@dataclass(frozen=True)
class HealthSettings:
    """``flood_threshold``: a FLOOD_WAIT longer than this (seconds) makes the account ``limited``; shorter ones are
    pacing. ``peer_flood_hold``: how long a PEER_FLOOD keeps it ``limited`` before a success may end it."""

    flood_threshold: float = 300.0
    peer_flood_hold: float = 86400.0

    def __post_init__(self) -> None:
        if not self.flood_threshold >= 0 or not self.peer_flood_hold >= 0:
            raise ValueError(f"health settings need flood_threshold >= 0 and peer_flood_hold >= 0, got {self}")


@dataclass(frozen=True)
class Move:
    """Be in ``state`` (the same state: a note that changes none), holding ``until`` when known, for ``evidence``."""

    state: AccountState
    evidence: Evidence
    until: float | None = None


@dataclass(frozen=True)
class Freeze:
    """help.getAppConfig's freeze fields (https://core.telegram.org/api/config#client-configuration)."""

    since: float | None
    until: float | None
    appeal_url: str | None

    def detail(self) -> dict[str, Any]:
        return {"freeze_since": self.since, "freeze_until": self.until, "appeal_url": self.appeal_url}


@dataclass(frozen=True)
class Authorizations:
    """What account.getAuthorizations said: ``own`` (a summary of the current session's authorization; None: not
    listed), the other logins waiting for confirmation, how many there are in all, and the sessions kept (a bounded
    list of summaries: ``probes.authorizations_of``)."""

    own: dict[str, Any] | None
    unconfirmed: tuple[dict[str, Any], ...] = ()
    count: int = 0
    sessions: tuple[dict[str, Any], ...] = ()


UNCHANGED = "unchanged"  # help.appConfigNotModified: the config (and its freeze fields) is as last seen


@dataclass(frozen=True)
class Findings:
    """One probe's results: the light authorized call worked (``light``), the freeze (a ``Freeze``, None: not frozen,
    ``UNCHANGED``: as last seen, or not answered), the authorizations (None: not listed this time), the probes the
    server would not answer (method: error), and the account's own user as the light call returned it."""

    light: bool = True
    freeze: Freeze | str | None = UNCHANGED
    authorizations: Authorizations | None = None
    config_hash: int = 0
    unavailable: dict[str, str] = field(default_factory=dict)
    me: Any = field(default=None, compare=False)


def cause(error: BaseException) -> BaseException:
    """The error that matters: the reason inside ``ConnectionFailed`` (nested ones too)."""
    while isinstance(error, errors.ConnectionFailed):
        error = error.reason
    return error


def state_for(error: BaseException, settings: HealthSettings | None = None) -> AccountState | None:
    """The state ``error`` points to, whatever the account's state, or None when it says nothing about its health."""
    error = cause(error)
    if isinstance(error, errors.SendGateClosed):
        return None
    if isinstance(error, errors.FloodWait):
        threshold = (settings or HealthSettings()).flood_threshold
        return S.LIMITED if error.value is not None and error.value > threshold else None
    if isinstance(error, errors.RPCError):
        return _BY_NAME.get(error.error_message)
    if isinstance(error, _UNREACHABLE):
        return S.UNREACHABLE
    return None


def allowed(old: AccountState, new: AccountState) -> bool:
    """Whether a worker may move an account from ``old`` to ``new`` (an operator may always)."""
    if not old.runnable:
        return False
    if new is S.UNREACHABLE:
        return old in (S.NEW, S.ACTIVE, S.UNREACHABLE)
    if new is S.LIMITED:
        return old is not S.FROZEN
    return True


def judge_error(
    error: BaseException,
    state: AccountState,
    until: float | None,
    *,
    now: float,
    settings: HealthSettings,
    method: str | None = None,
    ended: dict[str, Any] | None = None,
) -> Move | None:
    """The move ``error`` makes from ``state`` (holding ``until``), or None. ``method``: the call that got it;
    ``ended``: which authorization it was (the key id, our authorization as last listed), kept when the key ended."""
    inner = cause(error)
    target = state_for(inner, settings)
    if target is None or not allowed(state, target):
        return None
    detail: dict[str, Any] = {"method": method} if method else {}
    end = None
    if target is S.LIMITED:
        if isinstance(inner, errors.FloodWait) and inner.value is not None:
            end = now + inner.value
            detail |= {"flood_seconds": inner.value, "until": end}
        else:
            end = now + settings.peer_flood_hold
            detail |= {"until": end, "until_known": False}
        if state is S.LIMITED and until is not None and end <= until:
            return None  # within the limit already known
    elif target is state:
        return None  # nothing new
    if target in _KEY_ENDED and ended:
        detail |= ended
    return Move(target, Evidence.from_error(inner, **detail), end)


def judge_success(state: AccountState, until: float | None, *, now: float, what: str) -> Move | None:
    """The move a success (``what`` worked) makes: new / unreachable -> active; limited once its end has passed."""
    if state in (S.NEW, S.UNREACHABLE) or (state is S.LIMITED and (until is None or now >= until)):
        return Move(S.ACTIVE, Evidence(message=f"{what} worked"))
    return None


def judge_login(state: AccountState, *, login_id: int, auth_key_id: int | None) -> Move | None:
    """The move a login flow that logged the account in again makes: back to ``new`` (probed afresh, as after an
    operator's ``enable``) from any state but ``banned``/``deleted`` (None: those never come back by a login)."""
    if state in (S.BANNED, S.DELETED):
        return None
    detail = {"login": login_id, "auth_key_id": auth_key_id}
    return Move(S.NEW, Evidence(name="login", message=f"logged in again by login {login_id}", detail=detail))


def judge_probe(
    state: AccountState, until: float | None, found: Findings, *, now: float, seen: Findings | None = None
) -> list[Move]:
    """The moves one probe's findings make, in order (each from the state the one before left). ``seen``: the
    holder's previous findings (a freeze or a waiting login already noted is not noted again)."""
    auths, seen_auths = found.authorizations, seen.authorizations if seen else None
    if auths is not None and auths.own is None and allowed(state, S.REVOKED):
        gone = "this session's authorization is no longer listed"
        return [
            Move(S.REVOKED, Evidence(name="account.getAuthorizations", message=gone, detail={"count": auths.count}))
        ]
    moves = []
    freeze = found.freeze
    if isinstance(freeze, Freeze) and allowed(state, S.FROZEN):
        known = seen is not None and seen.freeze == freeze
        if state is not S.FROZEN or not known:
            moves.append(Move(S.FROZEN, Evidence(name="help.getAppConfig", detail=freeze.detail()), freeze.until))
    elif freeze is None and state is S.FROZEN:
        moves.append(Move(S.ACTIVE, Evidence(name="help.getAppConfig", message="no freeze fields: the freeze ended")))
    elif found.light:  # (a frozen account: judge_success moves it nowhere)
        moves.extend(m for m in [judge_success(state, until, now=now, what="a probe")] if m is not None)
    if auths is not None and auths.unconfirmed and (seen_auths is None or seen_auths.unconfirmed != auths.unconfirmed):
        after = moves[-1].state if moves else state
        waiting = {"unconfirmed": list(auths.unconfirmed), "count": auths.count}
        message = "a login waits for confirmation"
        moves.append(Move(after, Evidence(name="account.getAuthorizations", message=message, detail=waiting)))
    return moves
