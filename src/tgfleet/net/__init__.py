"""The only IO below the client: connections to DCs and the sender that drives the MTProto session.

Owns: where Telegram is (:class:`Network`), proxy settings in every form (``proxy``), TCP connections with any
transport, through SOCKS/HTTP tunnels or MTProxies (``connection``, ``mtproxy``), the sender
(keep-alive, timeouts, resends), per-DC pools. OS and asyncio errors are converted into tgfleet errors
here and nowhere else. May import ``tgfleet.mtproto``, ``tgfleet.crypto``, ``tgfleet.tl``,
``tgfleet.errors``; never ``tgfleet.storage`` (the client hands keys and addresses in), ``client`` or
``sandbox``.
"""

from tgfleet.net.network import DcAddress, Network

__all__ = ["DcAddress", "Network"]
