"""Fuzzing the API's request parsing (Hypothesis): whatever a caller sends is parsed within the
stated bounds or refused with one 4xx line, never an unexpected exception.

The budget is bounded (`FUZZ` below) so the suite runs in CI with the other unit tests.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.events import CORRELATION_ID_PATTERN, EventType, RejectReason, build_detail
from orders.identity import ForbiddenError, NotAuthenticatedError, caller_from, require_customer
from orders.requests import (
    BIDI_CONTROLS,
    MAX_BODY_BYTES,
    BadRequestError,
    parse_place_order,
    parse_reject_order,
)

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
field_names = st.sampled_from(
    ["restaurant_id", "items", "delivery_note", "customer_email", "reason", "name", "x"]
)
items = st.lists(
    st.fixed_dictionaries(
        {
            "name": json_values | st.text(max_size=120),
            "quantity": json_values,
            "unit_price": json_values,
        }
    ),
    max_size=3,
)
bodies = st.dictionaries(field_names, json_values | items, max_size=5)


def _refused_cleanly(error: BadRequestError) -> None:
    assert error.status_code in {400, 413}
    assert "\n" not in str(error)
    assert str(error).split(":", 1)[0]  # names a field or the body


def _plain(text: str) -> bool:
    return not any(c in BIDI_CONTROLS or unicodedata.category(c) in {"Cc", "Cs"} for c in text)


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_as_a_body_is_parsed_or_refused_with_one_line(body: str) -> None:
    for parse in (parse_place_order, parse_reject_order):
        try:
            parse(body)
        except BadRequestError as error:
            _refused_cleanly(error)


@FUZZ
@given(bodies)
def test_any_json_object_is_parsed_within_its_bounds_or_refused(body: dict[str, Any]) -> None:
    try:
        request = parse_place_order(json.dumps(body))
    except BadRequestError as error:
        _refused_cleanly(error)
        return
    assert "customer_email" not in body
    assert 1 <= len(request.items) <= 50
    assert len(request.delivery_note) <= 500
    assert _plain(request.delivery_note)
    for item in request.items:
        assert 1 <= item.quantity <= 100
        assert Decimal(0) <= item.unit_price <= Decimal(10_000)
        assert item.unit_price == item.unit_price.quantize(Decimal("0.01"))
        assert 1 <= len(item.name) <= 100
        assert _plain(item.name)


@FUZZ
@given(st.text(max_size=40))
def test_only_a_reason_code_passes_and_it_fits_the_contract(reason: str) -> None:
    try:
        request = parse_reject_order(json.dumps({"reason": reason}))
    except BadRequestError as error:
        _refused_cleanly(error)
        assert reason not in set(RejectReason)
        return
    assert request.reason in set(RejectReason)
    build_detail(
        EventType.ORDER_REJECTED,
        order_id="o-1",
        correlation_id="req-1",
        restaurant_id="pizza-1",
        reason=request.reason,
    )


@FUZZ
@given(st.integers(min_value=MAX_BODY_BYTES - 64, max_value=MAX_BODY_BYTES + 64))
def test_the_body_limit_is_exact_in_bytes(size: int) -> None:
    prefix = '{"delivery_note": "'
    body = prefix + "é" * ((size - len(prefix) - 2) // 2) + '"}'
    assert (_status(body) == 413) == (len(body.encode()) > MAX_BODY_BYTES)


def _status(body: str) -> int:
    """The HTTP status parsing `body` as an order answers: 200, or the refusal's 4xx."""
    try:
        parse_place_order(body)
    except BadRequestError as error:
        return error.status_code
    return 200


claim_values = st.none() | st.booleans() | st.text(max_size=20) | st.lists(st.text(max_size=8))


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "sub",
                "token_use",
                "email",
                "email_verified",
                "cognito:groups",
                "custom:restaurant_id",
            ]
        ),
        claim_values,
    )
)
def test_any_claims_make_a_caller_who_orders_only_with_a_verified_address(
    claims: dict[str, Any],
) -> None:
    caller = caller_from({"authorizer": {"jwt": {"claims": claims}}})
    try:
        email = require_customer(caller)
    except (ForbiddenError, NotAuthenticatedError):
        return
    assert email == str(claims["email"])
    assert email
    assert str(claims.get("email_verified")).lower() == "true"
    assert claims.get("token_use") == "id"


@FUZZ
@given(st.text(max_size=140))
def test_a_correlation_id_the_contract_accepts_is_never_an_address(candidate: str) -> None:
    if re.match(CORRELATION_ID_PATTERN, candidate):
        assert "@" not in candidate
        assert " " not in candidate
        assert len(candidate) <= 128
