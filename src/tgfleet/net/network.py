"""Where Telegram is: DC addresses, the servers' RSA public keys, test mode.

Bootstrap data from tdlib and Telegram Desktop, which agree on it (docs/protocol.md §15); the authoritative
list is what ``help.getConfig`` returns later (https://core.telegram.org/api/datacenter). ``tgfleet.sandbox``
builds a ``Network`` pointing at its own loopback listeners and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tgfleet.crypto.rsa import RsaPublicKey

PRODUCTION_KEY = """-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEA6LszBcC1LGzyr992NzE0ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g
5nKaMBwK/BIb9xUfg0Q29/2mgIR6Zr9krM7HjuIcCzFvDtr+L0GQjae9H0pRB2OO
62cECs5HKhT5DZ98K33vmWiLowc621dQuwKWSQKjWf50XYFw42h21P2KXUGyp2y/
+aEyZ+uVgLLQbRA1dEjSDZ2iGRy12Mk5gpYc397aYp438fsJoHIgJ2lgMv5h7WY9
t6N/byY9Nw9p21Og3AoXSL2q/2IJ1WRUhebgAdGVMlV1fkuOQoEzR7EdpqtQD9Cs
5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP8wIDAQAB
-----END RSA PUBLIC KEY-----"""
"""Telegram's production server key, fingerprint 0xd09d1d85de64fd85."""

TEST_KEY = """-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAyMEdY1aR+sCR3ZSJrtztKTKqigvO/vBfqACJLZtS7QMgCGXJ6XIR
yy7mx66W0/sOFa7/1mAZtEoIokDP3ShoqF4fVNb6XeqgQfaUHd8wJpDWHcR2OFwv
plUUI1PLTktZ9uW2WE23b+ixNwJjJGwBDJPQEQFBE+vfmH0JP503wr5INS1poWg/
j25sIWeYPHYeOrFp/eXaqhISP6G+q2IeTaWTXpwZj4LzXq5YOpk4bYEQ6mvRq7D1
aHWfYmlEGepfaYR8Q0YqvvhYtMte3ITnuSJs171+GDqpdKcSwHnd6FudwGO4pcCO
j4WcDuXc2CTHgH8gFTNhp/Y8/SpDOhvn9QIDAQAB
-----END RSA PUBLIC KEY-----"""
"""Telegram's test-server key, fingerprint 0xb25898df208d2603."""

_PRODUCTION = {1: "149.154.175.50", 2: "149.154.167.51", 3: "149.154.175.100", 4: "149.154.167.91", 5: "149.154.171.5"}
_TEST = {1: "149.154.175.10", 2: "149.154.167.40", 3: "149.154.175.117"}


@dataclass(frozen=True)
class DcAddress:
    dc_id: int
    host: str
    port: int
    media: bool = False
    ipv6: bool = False


@dataclass(frozen=True)
class Network:
    """DC addresses, the RSA keys the servers may present, and whether these are test DCs.

    ``dcs`` lists at least one address per DC; ``default_dc`` is where a new client starts.
    """

    dcs: tuple[DcAddress, ...]
    public_keys: tuple[RsaPublicKey, ...]
    test_mode: bool = False
    default_dc: int = 2
    name: str = field(default="custom", compare=False)

    def __post_init__(self) -> None:
        if not self.dcs:
            raise ValueError("a Network needs at least one DC address")
        if not self.public_keys:
            raise ValueError("a Network needs at least one RSA public key")
        if self.default_dc not in self.dc_ids:
            raise ValueError(f"default DC {self.default_dc} has no address")

    @property
    def dc_ids(self) -> tuple[int, ...]:
        return tuple(sorted({a.dc_id for a in self.dcs}))

    def address(self, dc_id: int, *, media: bool = False) -> DcAddress:
        """The first address of ``dc_id`` (a media-only one if asked and known, else a regular one)."""
        candidates = [a for a in self.dcs if a.dc_id == dc_id and not a.ipv6]
        for a in candidates:
            if a.media == media:
                return a
        if candidates:
            return candidates[0]
        raise KeyError(f"no address known for DC {dc_id} in network {self.name!r}")

    def with_addresses(self, dcs: tuple[DcAddress, ...]) -> Network:
        """The same network with a fresh address list (from help.getConfig)."""
        return Network(dcs, self.public_keys, self.test_mode, self.default_dc, self.name)

    @classmethod
    def production(cls) -> Network:
        """Telegram's production DCs (port 443)."""
        dcs = tuple(DcAddress(dc, host, 443) for dc, host in _PRODUCTION.items())
        return cls(dcs, (RsaPublicKey.from_pem(PRODUCTION_KEY),), False, 2, "production")

    @classmethod
    def test(cls) -> Network:
        """Telegram's test DCs (separate accounts and keys; port 443)."""
        dcs = tuple(DcAddress(dc, host, 443) for dc, host in _TEST.items())
        return cls(dcs, (RsaPublicKey.from_pem(TEST_KEY),), True, 2, "test")
