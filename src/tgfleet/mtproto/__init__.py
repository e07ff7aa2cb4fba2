"""sans-IO MTProto: transport codecs, plain and encrypted message layer, handshake, in both roles.

May import ``tgfleet.crypto``, ``tgfleet.tl`` and ``tgfleet.errors`` (and ``cryptography`` for the X25519
key share of the fake-TLS hello); never asyncio, socket, ssl, selectors, ``tgfleet.storage`` or
``tgfleet.net``.
"""
