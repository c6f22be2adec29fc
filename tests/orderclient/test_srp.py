"""The client's half of SRP against the pool's half, computed here from the protocol's own
equations (RFC 5054): B = k v + g^b, S = (A v^u)^b. Both sides must reach the same key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pytest

from orderclient import srp

POOL_ID = "eu-west-1_AbCdEf123"
USER_ID = "0b7f3c2e-user"
PASSWORD = "Correct-Horse-42"
SECRET_BLOCK = base64.b64encode(b"the pool's opaque secret block").decode()
TIMESTAMP = "Tue Mar 3 09:04:05 UTC 2026"


def _pool_signature(session: srp.Session, password: str, salt: int, b: int) -> tuple[str, int]:
    """What the pool expects, from its verifier v = g^x (it never sees the password)."""
    inner = hashlib.sha256(f"AbCdEf123{USER_ID}:{password}".encode()).digest()
    x = int.from_bytes(hashlib.sha256(srp.padded(salt) + inner).digest(), "big")
    verifier = pow(srp.G, x, srp.N)
    big_b = (srp.K * verifier + pow(srp.G, b, srp.N)) % srp.N
    u = srp.scrambler(session.big_a, big_b)
    shared = pow(session.big_a * pow(verifier, u, srp.N), b, srp.N)
    key = srp.derived_key(shared, u)
    message = b"AbCdEf123" + USER_ID.encode() + base64.b64decode(SECRET_BLOCK) + TIMESTAMP.encode()
    return base64.b64encode(hmac.digest(key, message, "sha256")).decode(), big_b


def _client_signature(session: srp.Session, password: str, salt: int, big_b: int) -> str:
    return session.signature(
        pool_id=POOL_ID,
        user_id=USER_ID,
        password=password,
        salt_hex=f"{salt:x}",
        srp_b_hex=f"{big_b:x}",
        secret_block=SECRET_BLOCK,
        timestamp=TIMESTAMP,
    )


def test_the_client_signs_what_the_pool_expects_for_the_right_password() -> None:
    session, salt, b = srp.Session.start(), secrets.randbits(128), secrets.randbelow(srp.N)
    expected, big_b = _pool_signature(session, PASSWORD, salt, b)
    assert _client_signature(session, PASSWORD, salt, big_b) == expected


def test_a_wrong_password_gives_a_signature_the_pool_refuses() -> None:
    session, salt, b = srp.Session.start(), secrets.randbits(128), secrets.randbelow(srp.N)
    expected, big_b = _pool_signature(session, PASSWORD, salt, b)
    assert _client_signature(session, "Wrong-Horse-42", salt, big_b) != expected


def test_a_pool_value_of_zero_mod_n_is_refused_before_anything_is_signed() -> None:
    with pytest.raises(srp.SrpError, match="SRP_B of 0 mod N"):
        _client_signature(srp.Session.start(), PASSWORD, 1, srp.N)


def test_the_timestamp_is_cognitos_format_with_an_unpadded_day() -> None:
    assert srp.cognito_timestamp(datetime(2026, 3, 3, 9, 4, 5)) == TIMESTAMP


def test_padding_adds_a_zero_byte_only_when_the_top_bit_is_set() -> None:
    assert srp.padded(0x7F) == b"\x7f"
    assert srp.padded(0x80) == b"\x00\x80"
    assert srp.padded(0x1FF) == b"\x01\xff"
