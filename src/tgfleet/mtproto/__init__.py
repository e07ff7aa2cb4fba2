"""sans-IO MTProto: transport codecs, plain and encrypted message layer, handshake, in both roles.

May import ``tgfleet.crypto``, ``tgfleet.tl`` and ``tgfleet.errors``; never asyncio, socket, ssl, selectors,
``tgfleet.storage`` or ``tgfleet.net``.
"""
