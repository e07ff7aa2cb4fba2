"""tgfleet.fleet.service: the fleet's HTTP service (``tgfleet fleet serve`` / ``tgfleet fleet api``; docs/fleet.md).

Owns the ASGI app (``app.create_app(fleet, settings=...)``, FastAPI), its settings (``settings``), bearer-token and
cookie authentication with scopes (``auth.require(scope)``, the ``/login`` form page), the JSON error form and its
stable codes (``errors``), the bounds on every request (``body_limits``: body size, JSON depth), the versioned JSON API
(``api/``: accounts, outbox, leases, workers, the event stream), ``/healthz`` and ``/readyz`` (``health``), the
Prometheus text at ``/metrics`` (``metrics``) and running it under uvicorn (``server``). The dashboard
(``dashboard/``) mounts its routers on the same app and uses ``auth.require``.

Stateless: everything it shows is read from the store, so any number of API processes may serve one fleet. May
import ``tgfleet.fleet`` (and through it what the fleet uses), ``tgfleet.errors``, FastAPI/Starlette/uvicorn
(the ``tgfleet[server]`` extra); never ``tgfleet.sandbox``, ``tgfleet.cli``, nor ``tgfleet.client`` directly.
"""
