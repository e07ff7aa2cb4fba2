"""tgfleet.sandbox: a local multi-DC Telegram on loopback that real clients can log into.

An asyncio MTProto server that drives the sans-IO core in the server role (``server``, ``connection``,
``dispatch``, ``faults``, ``limits``) over an in-memory world of accounts, codes, 2FA passwords,
authorizations, chats and messages (``world``, ``services/``). The seam between the two halves is
``contract.py``. May import ``tgfleet.net`` (network description), ``mtproto``, ``crypto``, ``tl``,
``storage`` and ``errors``; never ``client`` or ``fleet``. Nothing in the library imports the sandbox.
"""
