"""Cognito's USER_SRP_AUTH from the client's side: SRP-6a over the 3072-bit group, SHA-256.

The password never leaves the machine: the client sends A = g^a, receives the pool's B and
salt, and proves it knows the password by signing the challenge's secret block with a key
derived from the shared secret S. Cognito's variant hashes the pool name (the part of the
pool id after the region) and the user's SRP id into x, and derives the key with HKDF.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

# RFC 3526 group 15 (also RFC 5054's 3072-bit group): the modulus Cognito's SRP uses, with g = 2.
N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2
_INFO = b"Caldera Derived Key\x01"


class SrpError(Exception):
    """The pool's challenge cannot be answered (a B that is 0 mod N, or a u of 0)."""


def padded(value: int) -> bytes:
    """Big-endian bytes as Cognito hashes them: a leading 0 byte when the top bit is set."""
    text = f"{value:x}"
    if len(text) % 2:
        text = "0" + text
    elif text[0] in "89abcdef":
        text = "00" + text
    return bytes.fromhex(text)


def hash_int(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha256(b"".join(parts)).digest(), "big")


K = hash_int(padded(N), padded(G))


def password_exponent(pool_name: str, user_id: str, password: str, salt: int) -> int:
    """x = H(salt | H(pool name | user id | ":" | password)), Cognito's private exponent."""
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).digest()
    return hash_int(padded(salt), inner)


def scrambler(big_a: int, big_b: int) -> int:
    """u = H(A | B)."""
    return hash_int(padded(big_a), padded(big_b))


def derived_key(shared: int, u: int) -> bytes:
    """HKDF-SHA256 of S with u as salt, one block, cut to the 16 bytes Cognito signs with."""
    pseudo_random_key = hmac.digest(padded(u), padded(shared), "sha256")
    return hmac.digest(pseudo_random_key, _INFO, "sha256")[:16]


def cognito_timestamp(now: datetime) -> str:
    """The TIMESTAMP Cognito expects: `Tue Mar 3 09:04:05 UTC 2026` (day not zero-padded)."""
    return f"{now:%a %b} {now.day} {now:%H:%M:%S} UTC {now:%Y}"


@dataclass(frozen=True)
class Session:
    """One sign-in attempt: the secret a and the public A = g^a mod N sent as SRP_A."""

    small_a: int

    @classmethod
    def start(cls) -> Session:
        return cls(secrets.randbelow(N - 2) + 1)

    @property
    def big_a(self) -> int:
        return pow(G, self.small_a, N)

    def shared_secret(self, x: int, big_b: int, u: int) -> int:
        """S = (B - k g^x)^(a + u x) mod N."""
        return pow((big_b - K * pow(G, x, N)) % N, self.small_a + u * x, N)

    def signature(
        self,
        *,
        pool_id: str,
        user_id: str,
        password: str,
        salt_hex: str,
        srp_b_hex: str,
        secret_block: str,
        timestamp: str,
    ) -> str:
        """PASSWORD_CLAIM_SIGNATURE: HMAC(key, pool name | user id | secret block | timestamp)."""
        big_b = int(srp_b_hex, 16)
        if big_b % N == 0:
            raise SrpError("the user pool sent an SRP_B of 0 mod N; sign-in refused")
        u = scrambler(self.big_a, big_b)
        if u == 0:
            raise SrpError("the SRP scrambler u is 0; sign-in refused")
        pool_name = pool_id.split("_", 1)[1]
        x = password_exponent(pool_name, user_id, password, int(salt_hex, 16))
        key = derived_key(self.shared_secret(x, big_b, u), u)
        message = (
            pool_name.encode()
            + user_id.encode()
            + base64.b64decode(secret_block)
            + timestamp.encode()
        )
        return base64.b64encode(hmac.digest(key, message, "sha256")).decode()
