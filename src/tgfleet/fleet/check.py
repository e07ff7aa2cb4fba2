"""``check_account``: lease one account briefly and probe it as a worker does (``tgfleet fleet accounts check`` and the
API's ``POST /v1/accounts/{label}/check``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tgfleet.errors import TgfleetError
from tgfleet.fleet.errors import LeaseHeldError
from tgfleet.fleet.health import Health
from tgfleet.fleet.probes import probe

if TYPE_CHECKING:
    from tgfleet.fleet.fleet import Fleet
    from tgfleet.net import Network


async def check_account(
    fleet: Fleet, label: str, *, network: Network, api_id: int | None = None, api_hash: str | None = None
) -> dict[str, Any]:
    """One whole probe under the account's lease (the worker's probe code: the light call, help.getAppConfig's freeze
    fields, account.getAuthorizations); its findings or its error go to the health seam (a failed connect too).
    ``outcome`` is ``ok`` or the error; LeaseHeldError when a worker holds the account."""
    holder = fleet.lease(label, network=network, api_id=api_id, api_hash=api_hash)
    started = time.perf_counter()
    try:
        async with holder as client:
            found = await probe(client)
            took = time.perf_counter() - started
            health = Health(fleet.accounts, holder.worker_id)
            account = await health.on_probe(holder.account, found, epoch=holder.lease.epoch)
    except LeaseHeldError:
        raise
    except TgfleetError as exc:
        if not holder.leased:
            raise
        # the lease was handed back on the way out; the state change is still fenced by its epoch
        health = Health(fleet.accounts, holder.worker_id)
        account = await health.on_probe_error(holder.account, exc, epoch=holder.lease.epoch)
        account = await health.on_account_error(account, exc, epoch=holder.lease.epoch)
        return {"label": label, "outcome": f"{type(exc).__name__}: {exc}", "state": account.state.value}
    me = found.me
    name = " ".join(filter(None, [me.first_name, me.last_name])) if me is not None else ""
    return {"label": label, "outcome": "ok", "detail": f"ok - {name or '?'} (user {me.id if me else '?'}),"
            f" {took * 1000:.0f} ms", "user_id": me.id if me else None, "seconds": took, "state": account.state.value,
            "unavailable": found.unavailable}  # fmt: skip
