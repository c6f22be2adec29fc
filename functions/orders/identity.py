"""Who is calling, and what they may do: the one place authorisation lives.

The HTTP API's JWT authorizer (the stack's Cognito user pool) has checked the token's signature,
issuer, expiry and audience before the handler runs; this module reads the claims it passes on
and checks what the authorizer cannot:

- only ID tokens are accepted (`token_use` = `id`): a Cognito access token names the app client
  in `client_id`, which the authorizer's audience check also accepts, but it carries no `email`
  and no `custom:` attributes, so it must not stand in for the user;
- a customer is a signed-in user outside the `restaurants` group whose `email` claim is
  verified (`email_verified` = true): that address, never one a request names, is where the
  order's emails go;
- a restaurant is a user in the `restaurants` group whose `custom:restaurant_id` attribute names
  the restaurant (only administrators can set it: the app client cannot write it). A member of
  the group without the attribute is an account an administrator has not finished: it may act
  neither as a restaurant nor as a customer (every route answers 403).

With IAM auth the user ARN names the caller, who is neither (no route uses IAM today).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from orders.model import Order

RESTAURANTS_GROUP = "restaurants"
RESTAURANT_CLAIM = "custom:restaurant_id"
ID_TOKEN = "id"

Role = Literal["customer", "restaurant", "unassigned", "none"]


@dataclass(frozen=True)
class Caller:
    kind: Literal["jwt", "iam", "anonymous"]
    principal: str
    restaurant_id: str | None = None
    #: The verified address of a customer (`email` claim with `email_verified` true), else "".
    email: str = ""
    role: Role = "none"
    token_use: str = ID_TOKEN


ANONYMOUS = Caller("anonymous", "anonymous")


class NotAuthenticatedError(Exception):
    """No usable identity reached the handler (an HTTP 401)."""


class ForbiddenError(Exception):
    """The caller may not do this to this order (an HTTP 403); nothing was changed."""


def _groups(claim: Any) -> set[str]:
    """Cognito groups as the HTTP API passes them: a list, or its string form `[a b]`."""
    if isinstance(claim, list):
        return {str(g) for g in claim}
    return set(str(claim or "").strip("[]").replace(",", " ").split())


def _verified(claim: Any) -> bool:
    """`email_verified` as the HTTP API passes it: JSON true, or its string form "true"."""
    return claim is True or str(claim).lower() == "true"


def _jwt_caller(claims: dict[str, Any]) -> Caller:
    principal = str(claims["sub"])
    token_use = str(claims.get("token_use") or "")
    if RESTAURANTS_GROUP in _groups(claims.get("cognito:groups")):
        restaurant = str(claims.get(RESTAURANT_CLAIM) or "")
        if restaurant:
            return Caller("jwt", principal, restaurant, role="restaurant", token_use=token_use)
        return Caller("jwt", principal, role="unassigned", token_use=token_use)
    email = str(claims.get("email") or "") if _verified(claims.get("email_verified")) else ""
    return Caller("jwt", principal, email=email, role="customer", token_use=token_use)


def caller_from(request_context: dict[str, Any]) -> Caller:
    """The caller named by an API Gateway HTTP API (payload 2.0) request context."""
    authorizer = request_context.get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    if claims.get("sub"):
        return _jwt_caller(claims)
    iam = authorizer.get("iam") or {}
    if iam.get("userArn"):
        return Caller("iam", str(iam["userArn"]))
    return ANONYMOUS


def _signed_in(caller: Caller) -> None:
    if caller.kind == "anonymous":
        raise NotAuthenticatedError("sign in first: this route needs a bearer token")
    if caller.kind == "jwt" and caller.token_use != ID_TOKEN:
        raise NotAuthenticatedError(
            f"token_use: {caller.token_use or '(none)'!r} is not accepted; "
            "send the ID token of your sign-in (token_use 'id'), not the access token"
        )
    if caller.role == "unassigned":
        raise ForbiddenError(
            "your account is in the restaurants group but names no restaurant "
            f"({RESTAURANT_CLAIM}); an administrator must set it before it can act"
        )


def require_customer(caller: Caller) -> str:
    """Placing an order: customers only; the verified address the order's emails go to."""
    _signed_in(caller)
    if caller.role != "customer":
        raise ForbiddenError("only a customer account can place orders")
    if not caller.email:
        raise ForbiddenError(
            "email: your sign-in carries no verified address (email_verified is not true); "
            "verify your email address, sign in again and retry"
        )
    return caller.email


def require_owner(caller: Caller, order: Order) -> None:
    """Cancelling: only the customer who placed the order."""
    _signed_in(caller)
    if caller.role != "customer" or caller.principal != order.customer_id:
        raise ForbiddenError(f"order {order.order_id} is not yours to change")


def require_restaurant_of(caller: Caller, order: Order) -> None:
    """Accepting, rejecting, completing: only the restaurant the order is addressed to."""
    _signed_in(caller)
    if caller.role != "restaurant" or caller.restaurant_id != order.restaurant_id:
        raise ForbiddenError(f"order {order.order_id} is not addressed to your restaurant")


def require_reader(caller: Caller, order: Order) -> None:
    """Reading: the customer who placed it, or the restaurant it is addressed to."""
    _signed_in(caller)
    if caller.role == "restaurant":
        require_restaurant_of(caller, order)
    elif caller.role != "customer" or caller.principal != order.customer_id:
        raise ForbiddenError(f"order {order.order_id} is not yours to read")
