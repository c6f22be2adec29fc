"""Who is calling, and what they may do: the one place authorisation lives.

The HTTP API's JWT authorizer (the stack's Cognito user pool) has checked the token before the
handler runs; this module reads the claims it passes on. A customer is any signed-in user; a
restaurant is a user in the `restaurants` group whose `custom:restaurant_id` attribute names
the restaurant (only administrators can set it: the app client cannot write it). With IAM auth
the user ARN names the caller, who is neither (no route uses IAM today).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from orders.model import Order

RESTAURANTS_GROUP = "restaurants"
RESTAURANT_CLAIM = "custom:restaurant_id"


@dataclass(frozen=True)
class Caller:
    kind: Literal["jwt", "iam", "anonymous"]
    principal: str
    restaurant_id: str | None = None


ANONYMOUS = Caller("anonymous", "anonymous")


class NotAuthenticatedError(Exception):
    """No identity reached the handler (an HTTP 401)."""


class ForbiddenError(Exception):
    """The caller may not do this to this order (an HTTP 403); nothing was changed."""


def _groups(claim: Any) -> set[str]:
    """Cognito groups as the HTTP API passes them: a list, or its string form `[a b]`."""
    if isinstance(claim, list):
        return {str(g) for g in claim}
    return set(str(claim or "").strip("[]").replace(",", " ").split())


def caller_from(request_context: dict[str, Any]) -> Caller:
    """The caller named by an API Gateway HTTP API (payload 2.0) request context."""
    authorizer = request_context.get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    if claims.get("sub"):
        restaurant = str(claims.get(RESTAURANT_CLAIM) or "")
        is_staff = RESTAURANTS_GROUP in _groups(claims.get("cognito:groups"))
        return Caller("jwt", str(claims["sub"]), restaurant if is_staff and restaurant else None)
    iam = authorizer.get("iam") or {}
    if iam.get("userArn"):
        return Caller("iam", str(iam["userArn"]))
    return ANONYMOUS


def _signed_in(caller: Caller) -> None:
    if caller.kind == "anonymous":
        raise NotAuthenticatedError("sign in first: this route needs a bearer token")


def require_customer(caller: Caller) -> None:
    """Placing an order: customers only (restaurant accounts do not order)."""
    _signed_in(caller)
    if caller.kind != "jwt" or caller.restaurant_id is not None:
        raise ForbiddenError("only a customer account can place orders")


def require_owner(caller: Caller, order: Order) -> None:
    """Cancelling: only the customer who placed the order."""
    _signed_in(caller)
    if caller.restaurant_id is not None or caller.principal != order.customer_id:
        raise ForbiddenError(f"order {order.order_id} is not yours to change")


def require_restaurant_of(caller: Caller, order: Order) -> None:
    """Accepting, rejecting, completing: only the restaurant the order is addressed to."""
    _signed_in(caller)
    if caller.restaurant_id != order.restaurant_id:
        raise ForbiddenError(f"order {order.order_id} is not addressed to your restaurant")


def require_reader(caller: Caller, order: Order) -> None:
    """Reading: the customer who placed it, or the restaurant it is addressed to."""
    _signed_in(caller)
    if caller.restaurant_id is not None:
        require_restaurant_of(caller, order)
    elif caller.principal != order.customer_id:
        raise ForbiddenError(f"order {order.order_id} is not yours to read")
