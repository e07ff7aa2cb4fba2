"""The only IO below the client: connections to DCs and the sender that drives the MTProto session.

Owns: where Telegram is (:class:`Network`: DC addresses and RSA keys), proxy settings in every form
(``proxy``), TCP connections with any transport, through SOCKS/HTTP tunnels or MTProxies (``connection``,
``mtproxy``), the key exchange over a connection (``auth``), the sender of one DC (``sender``: reconnects,
keep-alive, stall probe, timeouts, resends, the send gate), the reconnect policy and which errors are final
(``retry``), connection states (``state``), ``within()`` (``timeouts``) and ``Flag`` (``flag``: a small
event with a timeout, for what every account keeps). The senders of several DCs are the
client's (``tgfleet.client.dcs``). OS and asyncio errors are converted into tgfleet errors here and nowhere
else. May import ``tgfleet.mtproto``, ``tgfleet.crypto``, ``tgfleet.tl``, ``tgfleet.errors`` and
``python_socks``; never ``tgfleet.storage`` (the client hands keys and addresses in), ``client`` or
``sandbox``.
"""

from tgfleet.net.network import DcAddress, Network

__all__ = ["DcAddress", "Network"]
