import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from orders.requests import (
    MAX_BODY_BYTES,
    BadRequestError,
    parse_place_order,
    parse_reject_order,
)

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
VALID: dict[str, Any] = {
    "restaurant_id": "pizza-1",
    "items": [{"name": "margherita", "quantity": 2, "unit_price": 9.5}],
    "delivery_note": "ring twice",
}


def _with(**changes: Any) -> str:
    return json.dumps({**VALID, **changes})


def _item(name: str) -> dict[str, Any]:
    return {"name": name, "quantity": 1, "unit_price": 1}


def test_a_valid_order_is_parsed_with_exact_money() -> None:
    request = parse_place_order(json.dumps(VALID))
    assert request.restaurant_id == "pizza-1"
    assert request.items[0].unit_price == Decimal("9.50")
    assert str(request.items[0].unit_price) == "9.50"


def test_prices_keep_their_decimal_digits_exactly() -> None:
    body = _with(items=[{"name": "x", "quantity": 1, "unit_price": 1}]).replace(
        '"unit_price": 1', '"unit_price": 0.1'
    )
    assert parse_place_order(body).items[0].unit_price == Decimal("0.10")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (_with(restaurant_id=None), "restaurant_id"),
        (_with(customer_email="victim@example.org"), "customer_email"),
        (_with(items=[{"name": "pi\u0000zza", "quantity": 1, "unit_price": 1}]), "items[0].name"),
        (_with(delivery_note="ring \u202etwice"), "delivery_note"),
        (_with(delivery_note="ring \u2066twice\u2069"), "delivery_note"),
        (_with(delivery_note="bell\u0007"), "delivery_note"),
        (_with(delivery_note="ring\u2028twice"), "delivery_note"),
        (_with(delivery_note="ring\u2029twice"), "delivery_note"),
        (_with(delivery_note="ring twice\U000e0069\U000e0067\U000e006e"), "delivery_note"),
        (_with(items=[_item("pizza\U000e007f")]), "items[0].name"),
        (_with(items=[_item("ana@example.com")]), "items[0].name"),
        (_with(items=[_item("pizza for jöe@exämple.de")]), "items[0].name"),
        (_with(delivery_note="call o'brien@example.org"), "delivery_note"),
        (_with(restaurant_id="Pizza 1!"), "restaurant_id"),
        (_with(items=[]), "items"),
        (_with(items="pizza"), "items"),
        (_with(items=[{"name": "x", "quantity": -1, "unit_price": 1}]), "items[0].quantity"),
        (_with(items=[{"name": "x", "quantity": 0, "unit_price": 1}]), "items[0].quantity"),
        (_with(items=[{"name": "x", "quantity": "two", "unit_price": 1}]), "items[0].quantity"),
        (_with(items=[{"name": "x", "quantity": 1.5, "unit_price": 1}]), "items[0].quantity"),
        (_with(items=[{"name": "x", "quantity": True, "unit_price": 1}]), "items[0].quantity"),
        (_with(items=[{"name": "x", "quantity": 1, "unit_price": -2}]), "items[0].unit_price"),
        (_with(items=[{"name": "x", "quantity": 1, "unit_price": 1.234}]), "items[0].unit_price"),
        (_with(items=[{"name": "", "quantity": 1, "unit_price": 1}]), "items[0].name"),
        (_with(items=[{"quantity": 1, "unit_price": 1}]), "items[0].name"),
        (_with(delivery_note="x" * 501), "delivery_note"),
        (_with(colour="red"), "colour"),
    ],
)
def test_a_bad_field_is_refused_with_a_message_naming_it(body: str, named: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        parse_place_order(body)
    assert refused.value.status_code == 400
    assert str(refused.value).startswith(f"{named}:")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, "body: a JSON object is required"),
        ("", "body: a JSON object is required"),
        ("{not json", "body: invalid JSON"),
        ("[1, 2]", "body: expected a JSON object, got list"),
    ],
)
def test_a_missing_or_malformed_body_is_refused(body: str | None, expected: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        parse_place_order(body)
    assert str(refused.value).startswith(expected)


def test_a_body_over_16_kb_is_refused_with_413_naming_its_size() -> None:
    body = _with(delivery_note="x" * MAX_BODY_BYTES)
    with pytest.raises(BadRequestError) as refused:
        parse_place_order(body)
    assert refused.value.status_code == 413
    assert f"{len(body.encode())} bytes" in str(refused.value)


def test_a_rejection_needs_a_reason_code() -> None:
    assert parse_reject_order('{"reason": "closed"}').reason == "closed"
    for refused in ('{"reason": ""}', '{"reason": "call me at ana@example.com"}'):
        with pytest.raises(BadRequestError, match=r"^reason:"):
            parse_reject_order(refused)


def test_a_customer_address_in_the_body_is_refused_with_where_it_comes_from() -> None:
    with pytest.raises(BadRequestError, match=r"^customer_email: not accepted.*verified"):
        parse_place_order(_with(customer_email="victim@example.org"))


def test_plain_text_keeps_letters_of_every_script_and_emoji() -> None:
    note = "Klingeln bei Jörg, 2. Stock \u05e9\u05dc\u05d5\u05dd 🍕"
    assert parse_place_order(_with(delivery_note=note)).delivery_note == note


def test_plain_text_keeps_an_at_sign_that_is_no_address() -> None:
    note = "2 @ 9.50, door @ back, @home"
    assert parse_place_order(_with(delivery_note=note)).delivery_note == note


def test_an_address_in_free_text_is_refused_without_quoting_it() -> None:
    with pytest.raises(BadRequestError) as refused:
        parse_place_order(_with(delivery_note="mail ana@example.com"))
    assert "email address is not accepted" in str(refused.value)
    assert "ana@example.com" not in str(refused.value)


def test_the_digest_binds_the_content_not_the_layout() -> None:
    spaced = json.dumps(VALID, indent=4)
    assert parse_place_order(spaced).digest() == parse_place_order(json.dumps(VALID)).digest()
    assert parse_place_order(_with(delivery_note="other")).digest() != (
        parse_place_order(json.dumps(VALID)).digest()
    )


@pytest.mark.parametrize("price", ["0", "0.01", "9.55", "10000", "10000.00"])
def test_prices_from_zero_to_ten_thousand_with_cents_are_accepted(price: str) -> None:
    body = _with(items=[{"name": "x", "quantity": 1, "unit_price": 1}]).replace(
        '"unit_price": 1', f'"unit_price": {price}'
    )
    assert parse_place_order(body).items[0].unit_price == Decimal(price)


@pytest.mark.parametrize("price", ["-0.01", "10000.01", "9.555"])
def test_prices_outside_the_range_or_past_cents_are_refused(price: str) -> None:
    body = _with(items=[{"name": "x", "quantity": 1, "unit_price": 1}]).replace(
        '"unit_price": 1', f'"unit_price": {price}'
    )
    with pytest.raises(BadRequestError, match=r"^items\[0\]\.unit_price:"):
        parse_place_order(body)


def test_an_order_holds_up_to_fifty_items() -> None:
    item = {"name": "x", "quantity": 1, "unit_price": 1}
    assert len(parse_place_order(_with(items=[item] * 50)).items) == 50
    with pytest.raises(BadRequestError, match=r"^items:"):
        parse_place_order(_with(items=[item] * 51))


def test_the_body_limit_is_16_kib_exactly() -> None:
    prefix, suffix = '{"x": "', '"}'
    at_limit = prefix + "a" * (MAX_BODY_BYTES - len(prefix) - len(suffix)) + suffix
    assert len(at_limit.encode()) == MAX_BODY_BYTES == 16 * 1024
    with pytest.raises(BadRequestError) as refused:
        parse_place_order(at_limit)
    assert refused.value.status_code == 400  # read, then refused for its fields
    with pytest.raises(BadRequestError) as too_big:
        parse_place_order(prefix + "a" + at_limit[len(prefix) :])
    assert too_big.value.status_code == 413


@pytest.mark.parametrize(
    ("field", "longest"), [("delivery_note", 500), ("name", 100), ("quantity", 100)]
)
def test_each_bound_is_inclusive_and_one_more_is_refused(field: str, longest: int) -> None:
    def body(value: int) -> str:
        if field == "delivery_note":
            return _with(delivery_note="n" * value)
        item = {"name": "x", "quantity": 1, "unit_price": 1}
        item[field] = "n" * value if field == "name" else value
        return _with(items=[item])

    parse_place_order(body(longest))
    with pytest.raises(BadRequestError, match=field):
        parse_place_order(body(longest + 1))


def test_surrounding_whitespace_is_stripped_from_text_fields() -> None:
    request = parse_place_order(
        _with(
            restaurant_id=" pizza-1 ",
            delivery_note=" ring ",
            items=[{"name": " x ", "quantity": 1, "unit_price": 1}],
        )
    )
    assert (request.restaurant_id, request.delivery_note, request.items[0].name) == (
        "pizza-1",
        "ring",
        "x",
    )


def test_an_unknown_key_with_a_newline_is_named_quoted_on_one_line() -> None:
    with pytest.raises(BadRequestError) as refused:
        parse_place_order(json.dumps({**VALID, "items": [{"\n": None}]}))
    assert "\n" not in str(refused.value)
    assert 'items[0]."\\n": Extra inputs are not permitted' in str(refused.value)


def test_importing_the_request_models_builds_no_validator_until_a_body_is_parsed() -> None:
    """As the event contract's: a cold start pays for building none of them."""
    script = (
        "from orders.requests import ItemRequest, PlaceOrderRequest, RejectOrderRequest\n"
        "from orders.requests import parse_reject_order\n"
        "models = (ItemRequest, PlaceOrderRequest, RejectOrderRequest)\n"
        "print(sum(m.__pydantic_complete__ for m in models))\n"
        'parse_reject_order(\'{"reason": "closed"}\')\n'
        "print(sum(m.__pydantic_complete__ for m in models))\n"
    )
    built = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=FUNCTIONS
    ).stdout.split()
    assert built == ["0", "1"]


@pytest.mark.parametrize(
    ("char", "refused"),
    [("\U000dffff", False), ("\U000e0000", True), ("\U000e007f", True), ("\U000e0080", False)],
    ids=["before", "first", "last", "after"],
)
def test_the_tag_block_is_refused_from_its_first_code_point_to_its_last(
    char: str, refused: bool
) -> None:
    # U+E0000-U+E007F; the code points on either side are not tags (nor controls) and pass.
    body = _with(delivery_note=f"ring{char}")
    if refused:
        with pytest.raises(BadRequestError, match=rf"^delivery_note: .*U\+{ord(char):04X} is not"):
            parse_place_order(body)
    else:
        assert parse_place_order(body).delivery_note == f"ring{char}"
