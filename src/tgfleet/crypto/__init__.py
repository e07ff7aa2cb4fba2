"""Pure cryptographic functions of MTProto 2.0: AES (IGE, CTR), key derivation, RSA, DH checks, pq, SRP.

Owns no state and does no IO. May import only ``tgfleet.errors`` (never ``tgfleet.tl``).

- ``aes``: AES-256-IGE (cryptg, pure fallback) and AES-256-CTR.
- ``kdf``: ``AuthKey``, msg_key / aes_key / aes_iv (x = 0 client->server, x = 8 server->client),
  ``encrypt_message`` / ``decrypt_message``, and the handshake KDFs (tmp_aes_key/iv, new_nonce_hash, salt).
- ``kdf_v1``: the deprecated MTProto 1.0 msg_key (SHA1), aes_key / aes_iv and message encryption, used only
  for the binding message of auth.bindTempAuthKey (perfect forward secrecy).
- ``rsa``: key fingerprints, RSA_PAD and the legacy SHA1 scheme (client encrypt, server decrypt).
- ``dh``: the published dh_prime, safe-prime / generator / g_a-g_b range checks, pq factorization.
- ``srp``: the 2FA password check, client proof and the test server's verifier side.
- ``x25519``: X25519 public keys, for the key share of the fake-TLS hello of ``ee`` MTProxy secrets.

Randomness is always a parameter (``random: Callable[[int], bytes] = os.urandom``) so tests replay vectors.
64-bit identifiers (auth_key_id, fingerprints, salts) are signed int64, like a decoded TL ``long``.
Failed checks raise ``SecurityError`` (messages) or ``HandshakeError`` (key exchange).
"""
