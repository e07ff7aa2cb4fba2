"""Probes: cheap looks at one account's health, and when to take them (docs/fleet.md, "Account health").

``probe(client, ...)`` makes the calls: a light authorized one (``users.getUsers`` of self: it fails on a key that is
logged out, revoked, banned or deleted), ``help.getAppConfig`` for the freeze fields (with the last ``hash``, so an
unchanged config costs an ``appConfigNotModified``; https://core.telegram.org/api/config#client-configuration), and,
less often, ``account.getAuthorizations`` (ours still listed, logins waiting for confirmation:
https://core.telegram.org/method/account.getAuthorizations). An error that tells the account's health (see
``health_rules.state_for``) or a network error is raised; a server that does not answer one of the optional calls
(any other RPC error) is noted in ``Findings.unavailable`` and the rest goes on. The worker and ``tgfleet fleet
accounts check`` both use it.

``ProbeSchedule`` says when (pure: the time is passed in, the randomness is a ``random.Random``): the first probe
falls anywhere in the first interval (1,000 accounts connected at once do not probe in the same second), each next
one a jittered interval after the account's health was last seen, by a probe or by real traffic (a success or a
telling error pushes the probe back: it is skipped while traffic shows the health; a frozen account's traffic shows
nothing, it still passes getMe). A limited account is not probed before its end (no flood wait made worse), and a
probe that got a flood wait waits it out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tgfleet import errors
from tgfleet.client import Client
from tgfleet.fleet.health_rules import UNCHANGED, Authorizations, Findings, Freeze, state_for
from tgfleet.fleet.records import AccountState
from tgfleet.tl import TLFunction, functions, types
from tgfleet.tl.types import help as t_help

_FREEZE_FIELDS = ("freeze_since_date", "freeze_until_date", "freeze_appeal_url")
_SUMMARY = ("current", "unconfirmed", "device_model", "platform", "api_id", "app_name", "app_version", "date_created",
            "date_active", "country")  # fmt: skip
"""What is kept of each listed session (in events and in the store): never its ``ip`` and ``region`` (where a person
is), nor its ``hash``: that is the handle account.resetAuthorization / account.changeAuthorizationSettings take to end
or confirm the session, which nothing that reads the store needs (an action would list the sessions afresh)."""
MAX_SESSIONS = 100
"""Sessions kept of one listing (ours and the unconfirmed ones first); ``Authorizations.count`` says how many there
were."""
MAX_TEXT = 128
"""Characters kept of each text field (the other session's app chose it)."""


@dataclass(frozen=True)
class ProbeSettings:
    """``interval``: seconds between two looks at an account's health (while nothing else shows it); ``jitter``: each
    interval is drawn from ± this share of it; ``authorizations_interval``: how often the authorizations are listed;
    ``timeout``: seconds each probe call may take."""

    interval: float = 600.0
    jitter: float = 0.2
    authorizations_interval: float = 3600.0
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if not (self.interval > 0 and self.authorizations_interval > 0 and self.timeout > 0 and 0 <= self.jitter < 1):
            raise ValueError(f"probe settings need positive intervals and timeout and 0 <= jitter < 1, got {self}")


async def probe(
    client: Client, *, config_hash: int = 0, authorizations: bool = True, timeout: float = 30.0
) -> Findings:
    """One probe of ``client``'s account (``config_hash``: the last help.appConfig's hash, 0 for the first)."""
    users = await client.invoke(functions.users.GetUsers(id=[types.InputUserSelf()]), timeout=timeout)
    unavailable: dict[str, str] = {}
    config = await _optional(client, functions.help.GetAppConfig(hash=config_hash), timeout, unavailable)
    freeze: Freeze | str | None = UNCHANGED
    if isinstance(config, t_help.AppConfig):
        freeze, config_hash = freeze_of(config.config), config.hash
    listed = None
    if authorizations:
        answer = await _optional(client, functions.account.GetAuthorizations(), timeout, unavailable)
        listed = authorizations_of(answer.authorizations) if answer is not None else None
    me = users[0] if users and isinstance(users[0], types.User) else None
    return Findings(True, freeze, listed, config_hash, unavailable, me)


async def _optional(client: Client, call: TLFunction[Any], timeout: float, unavailable: dict[str, str]) -> Any:
    try:
        return await client.invoke(call, timeout=timeout)
    except errors.RPCError as exc:
        if state_for(exc) is not None or isinstance(exc, errors.Flood):
            raise
        unavailable[call.QUALNAME] = exc.error_message
        return None


def freeze_of(config: Any) -> Freeze | None:
    """The freeze fields of a help.appConfig's JSON object (None: the account is not frozen)."""
    values = {}
    if isinstance(config, types.JsonObject):
        values = {item.key: item.value for item in config.value if item.key in _FREEZE_FIELDS}
    if not values:
        return None
    since, until, appeal = (values.get(name) for name in _FREEZE_FIELDS)
    return Freeze(_number(since), _number(until), appeal.value if isinstance(appeal, types.JsonString) else None)


def _number(value: Any) -> float | None:
    return float(value.value) if isinstance(value, types.JsonNumber) and value.value > 0 else None


def authorizations_of(listed: list[Any]) -> Authorizations:
    """Ours (the ``current`` one), the logins waiting for confirmation (``unconfirmed``, ours included), and every
    session (at most ``MAX_SESSIONS``: ours, the unconfirmed ones, then the most recently active)."""
    summaries = [_summary(a) for a in listed if isinstance(a, types.Authorization)]
    own = next((s for s in summaries if s["current"]), None)
    ranked = sorted(summaries, key=lambda s: (not s["current"], not s["unconfirmed"], -s["date_active"]))
    unconfirmed = tuple(s for s in summaries if s["unconfirmed"])
    return Authorizations(own, unconfirmed, len(summaries), tuple(ranked[:MAX_SESSIONS]))


def _summary(authorization: types.Authorization) -> dict[str, Any]:
    values = {name: getattr(authorization, name) for name in _SUMMARY}
    return {name: v[:MAX_TEXT] if isinstance(v, str) else v for name, v in values.items()}


class ProbeSchedule:
    """One account's probe times (unix seconds, the clock of the caller). ``immediate``: probe at once (an account
    never probed yet)."""

    def __init__(self, settings: ProbeSettings, rng: random.Random, now: float, *, immediate: bool = False) -> None:
        self._s, self._rng = settings, rng
        self.seen = now  # when the account's health was last shown
        self._span = 0.0 if immediate else rng.uniform(0, settings.interval)
        self.listed_due = now + (0.0 if immediate else rng.uniform(0, settings.authorizations_interval))
        self._not_before = now

    def next_at(self, state: AccountState, until: float | None) -> float:
        """When the next probe is due (a limited account's: not before its end)."""
        due = min(self.seen + self._span, self.listed_due)
        if state is AccountState.LIMITED and until is not None:
            due = max(due, until)
        return max(due, self._not_before)

    def lists_authorizations(self, now: float) -> bool:
        """Whether the probe taken now lists the authorizations too."""
        return now >= self.listed_due

    def shown(self, now: float, state: AccountState) -> None:
        """Real traffic showed the account's health at ``now`` (a frozen account's does not): the probe waits."""
        if state is not AccountState.FROZEN:
            self.seen = max(self.seen, now)

    def probed(self, now: float, *, listed: bool) -> None:
        """A probe was taken at ``now`` (``listed``: with the authorizations): the next ones are drawn afresh."""
        self.seen, self._span = now, self._draw(self._s.interval)
        if listed:
            self.listed_due = now + self._draw(self._s.authorizations_interval)

    def soon(self, now: float) -> None:
        """Probe as soon as allowed (a freeze just began: its dates are in help.getAppConfig)."""
        self._span = max(now - self.seen, 0.0)

    def not_before(self, when: float) -> None:
        """No probe before ``when`` (a probe call got a flood wait)."""
        self._not_before = max(self._not_before, when)

    def _draw(self, interval: float) -> float:
        return interval * self._rng.uniform(1 - self._s.jitter, 1 + self._s.jitter)
