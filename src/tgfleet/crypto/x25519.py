"""X25519 public keys (RFC 7748), for the key share of the fake-TLS hello an ``ee`` MTProxy secret asks for.

The fake-TLS ClientHello and ServerHello carry a real X25519 key share so they look like a browser's; nothing is
ever agreed with it (https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation).
"""

from __future__ import annotations


def public_key(private: bytes) -> bytes:
    """The 32-byte X25519 public key of the 32-byte private key ``private``."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if len(private) != 32:
        raise ValueError(f"an X25519 private key is 32 bytes, got {len(private)}")
    key = X25519PrivateKey.from_private_bytes(private)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
