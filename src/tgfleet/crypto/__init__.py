"""Pure cryptographic functions of MTProto 2.0: AES (IGE, CTR), key derivation, RSA, DH checks, pq, SRP.

Owns no state and does no IO. May import only ``tgfleet.errors`` (never ``tgfleet.tl``).
"""
