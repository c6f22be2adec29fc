"""HTTP request bodies the API accepts, validated field by field (pure: no AWS).

What a caller controls is bounded here. Free text (item names, the delivery note) reaches the
restaurant's message and the orders table, and item names reach `order_placed` too. It refuses
control characters (NUL among them), the line and paragraph separators U+2028/U+2029 (line
breaks to a JSON or JavaScript reader), Unicode tag characters (invisible text), the bidi
controls that make a message read differently from what it holds, and email addresses:
personal data has no place where staff, the bus and its archive read. A rejection's reason is a
code from `REJECT_REASONS`, not free text: it travels on `order_rejected` to every consumer of
the bus, its archive and the data lake. The customer's address is not part of any body: it
comes from the caller's verified ID token.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, ValidationError

from orders.events import RejectReason
from orders.redaction import EMAIL

MAX_BODY_BYTES = 16 * 1024
RESTAURANT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
#: Bidirectional formatting characters (embeddings, overrides, isolates, marks): U+061C,
#: U+200E-U+200F, U+202A-U+202E, U+2066-U+2069.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Line and paragraph separators (categories Zl, Zp): U+2028, U+2029.
SEPARATORS = frozenset("\u2028\u2029")
#: Unicode tag characters, U+E0000-U+E007F: invisible, they smuggle text past a reader.
TAGS = range(0xE0000, 0xE0080)


def _plain_text(text: str) -> str:
    """Refuse control characters (category Cc, NUL included), surrogates, line and paragraph
    separators, tag characters, bidi controls and email addresses."""
    for char in text:
        if (
            char in BIDI_CONTROLS
            or char in SEPARATORS
            or ord(char) in TAGS
            or unicodedata.category(char) in {"Cc", "Cs"}
        ):
            raise ValueError(
                f"U+{ord(char):04X} is not accepted; use text without control or "
                "bidirectional-override characters"
            )
    if EMAIL.search(text):
        raise ValueError("an email address is not accepted here; leave personal data out")
    return text


PlainText = Annotated[str, AfterValidator(_plain_text)]

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
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: PlainText = Field(min_length=1, max_length=100)
    quantity: StrictInt = Field(ge=1, le=100)
    unit_price: Money


class PlaceOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    restaurant_id: str = Field(pattern=RESTAURANT_ID_PATTERN)
    items: list[ItemRequest] = Field(min_length=1, max_length=50)
    delivery_note: PlainText = Field(default="", max_length=500)

    def digest(self) -> str:
        """SHA-256 of the request's canonical form: what an Idempotency-Key is bound to."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


class RejectOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    reason: RejectReason


def _field_name(part: str) -> str:
    """A field name as a caller sent it, quoted unless it is a plain identifier: an unknown key
    is caller-controlled text and must not put a newline or control character in the message."""
    return part if part.isidentifier() and part.isascii() else json.dumps(part)


def _location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{_field_name(part)}" if path else _field_name(part)
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
    data = read_json_body(body)
    if "customer_email" in data:
        raise BadRequestError(
            "customer_email: not accepted; the order's emails go to the verified address "
            "of your sign-in (the ID token's email claim)"
        )
    try:
        return PlaceOrderRequest.model_validate(data)
    except ValidationError as error:
        raise BadRequestError(describe(error)) from None


def parse_reject_order(body: str | None) -> RejectOrderRequest:
    try:
        return RejectOrderRequest.model_validate(read_json_body(body))
    except ValidationError as error:
        raise BadRequestError(describe(error)) from None
