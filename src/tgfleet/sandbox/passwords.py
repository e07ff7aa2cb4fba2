"""2FA passwords of the sandbox: an SRP verifier with real KDF parameters, never the password itself.

Source: https://core.telegram.org/api/srp. The stored algorithm is
``passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow`` with a random ``salt1`` (40 bytes,
as Telegram sends for an existing password: the client uses it as is), ``salt2`` (16 bytes), ``g = 3`` and
the published 2048-bit ``p``. Each ``account.getPassword`` issues a fresh challenge (``srp_id``, ``srp_B``);
``auth.checkPassword`` accepts only the latest ``srp_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tgfleet.crypto.dh import DH_G, DH_PRIME, to_256
from tgfleet.crypto.srp import SrpServer, compute_verifier
from tgfleet.tl import types
from tgfleet.tl.types import account as t_account

_P_BYTES = to_256(DH_PRIME)


@dataclass(frozen=True)
class PasswordRecord:
    """What the server keeps of a 2FA password: the salts and ``v = g^x mod p`` (256 bytes)."""

    salt1: bytes
    salt2: bytes
    verifier: bytes
    hint: str | None = None

    @classmethod
    def create(cls, password: str, random: Callable[[int], bytes], hint: str | None = None) -> PasswordRecord:
        """Derive the verifier with the real KDF (PBKDF2-HMAC-SHA512, 100000 iterations: ~0.1 s)."""
        salt1, salt2 = random(40), random(16)
        return cls(salt1, salt2, compute_verifier(password, salt1, salt2, DH_G, DH_PRIME), hint)

    def algo(self) -> types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow:
        return types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
            salt1=self.salt1, salt2=self.salt2, g=DH_G, p=_P_BYTES
        )


@dataclass(frozen=True)
class SrpChallenge:
    """One ``account.getPassword`` answer's server secret ``b`` (inside ``server``) and its ``srp_id``."""

    srp_id: int
    server: SrpServer


def new_challenge(record: PasswordRecord, random: Callable[[int], bytes]) -> SrpChallenge:
    srp_id = int.from_bytes(random(8), "big", signed=True)
    return SrpChallenge(srp_id, SrpServer(record.verifier, record.salt1, record.salt2, DH_G, DH_PRIME, random))


def valid_srp_a(srp_a: bytes) -> bool:
    """``A`` must be 256 bytes with ``1 < A < p - 1`` (else a client could force the shared secret)."""
    return len(srp_a) == 256 and 1 < int.from_bytes(srp_a, "big") < DH_PRIME - 1


def password_info(
    record: PasswordRecord | None, challenge: SrpChallenge | None, random: Callable[[int], bytes]
) -> t_account.Password:
    """``account.password``: the current algorithm and SRP challenge when a password is set, plus the
    parameters for setting a new one (``new_algo`` salt1 of 8 bytes, to which the client appends 32)."""
    new_algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=random(8), salt2=random(16), g=DH_G, p=_P_BYTES
    )
    new_secure_algo = types.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000(salt=random(8))
    secure_random = random(32)
    if record is None or challenge is None:
        return t_account.Password(
            has_password=False, new_algo=new_algo, new_secure_algo=new_secure_algo, secure_random=secure_random
        )
    return t_account.Password(
        has_password=True,
        current_algo=record.algo(),
        srp_B=challenge.server.g_b,
        srp_id=challenge.srp_id,
        hint=record.hint,
        new_algo=new_algo,
        new_secure_algo=new_secure_algo,
        secure_random=secure_random,
    )
