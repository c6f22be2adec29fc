"""HTTP request bodies the API accepts, validated field by field (pure: no AWS)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, ValidationError

MAX_BODY_BYTES = 16 * 1024
RESTAURANT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"

CENT = Decimal("0.01")
Money = Annotated[
    Decimal,
    Field(ge=0, le=10_000, max_digits=7, decimal_places=2),
    AfterValidator(lambda amount: amount.quantize(CENT)),
]


class BadRequestError(Exception):
    """A request the API refuses with a 4xx; the message names the field and what is accepted."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


class ItemRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    quantity: StrictInt = Field(ge=1, le=100)
    unit_price: Money


class PlaceOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    restaurant_id: str = Field(pattern=RESTAURANT_ID_PATTERN)
    customer_email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    items: list[ItemRequest] = Field(min_length=1, max_length=50)
    delivery_note: str = Field(default="", max_length=500)


class RejectOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=500)


def _location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def describe(error: ValidationError) -> str:
    """One line naming every bad field and what it accepts, e.g. `items[0].quantity: ...`."""
    return "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in error.errors())


def read_json_body(body: str | None) -> dict[str, Any]:
    """The request body as a JSON object, refusing empty, oversized or malformed bodies."""
    if not body:
        raise BadRequestError("body: a JSON object is required")
    size = len(body.encode())
    if size > MAX_BODY_BYTES:
        raise BadRequestError(
            f"body: {size} bytes is over the limit of {MAX_BODY_BYTES} bytes", status_code=413
        )
    try:
        data = json.loads(body, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise BadRequestError(f"body: invalid JSON ({error.msg} at position {error.pos})") from None
    if not isinstance(data, dict):
        raise BadRequestError(f"body: expected a JSON object, got {type(data).__name__}")
    return data


def parse_place_order(body: str | None) -> PlaceOrderRequest:
    try:
        return PlaceOrderRequest.model_validate(read_json_body(body))
    except ValidationError as error:
        raise BadRequestError(describe(error)) from None


def parse_reject_order(body: str | None) -> RejectOrderRequest:
    try:
        return RejectOrderRequest.model_validate(read_json_body(body))
    except ValidationError as error:
        raise BadRequestError(describe(error)) from None
