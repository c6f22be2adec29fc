import dataclasses
import json
from typing import Any

import order_tables
import pytest

from orders.identity import (
    ANONYMOUS,
    ID_TOKEN,
    Caller,
    ForbiddenError,
    NotAuthenticatedError,
    caller_from,
    require_customer,
    require_owner,
    require_reader,
    require_restaurant_of,
)

ORDER = dataclasses.replace(order_tables.ORDER, customer_id="u-1")


def _jwt(**claims: Any) -> dict[str, Any]:
    return {
        "authorizer": {
            "jwt": {"claims": {"sub": "u-1", "token_use": "id", **claims}, "scopes": None}
        }
    }


CUSTOMER = {"email": "ana@example.com", "email_verified": "true"}
STAFF = {"cognito:groups": "[restaurants]", "custom:restaurant_id": "pizza-1"}


def test_a_request_without_an_authorizer_comes_from_an_anonymous_caller() -> None:
    assert caller_from({"requestId": "r"}) == ANONYMOUS


def test_a_customer_is_named_by_its_subject_and_carries_its_verified_address() -> None:
    caller = caller_from(_jwt(**CUSTOMER))
    assert caller == Caller("jwt", "u-1", email="ana@example.com", role="customer")
    assert require_customer(caller) == "ana@example.com"


@pytest.mark.parametrize("verified", ["false", "", None, False])
def test_an_unverified_address_places_no_order(verified: object) -> None:
    caller = caller_from(_jwt(email="victim@example.org", email_verified=verified))
    assert caller.email == ""
    with pytest.raises(ForbiddenError, match="no verified address"):
        require_customer(caller)


def test_a_verified_claim_may_come_as_json_true() -> None:
    assert caller_from(_jwt(email="a@b.co", email_verified=True)).email == "a@b.co"


def test_an_iam_caller_is_named_by_its_user_arn() -> None:
    context = {"authorizer": {"iam": {"userArn": "arn:aws:iam::1:user/kitchen"}}}
    assert caller_from(context) == Caller("iam", "arn:aws:iam::1:user/kitchen")


def test_a_member_of_the_restaurants_group_acts_for_the_restaurant_its_attribute_names() -> None:
    caller = caller_from(_jwt(**STAFF))
    assert (caller.restaurant_id, caller.role) == ("pizza-1", "restaurant")
    require_restaurant_of(caller, ORDER)
    require_reader(caller, ORDER)


def test_the_group_claim_may_be_a_list_or_name_several_groups() -> None:
    listed = caller_from(_jwt(**{**STAFF, "cognito:groups": ["staff", "restaurants"]}))
    assert listed.restaurant_id == "pizza-1"
    spaced = _jwt(**{"cognito:groups": "[staff restaurants]", "custom:restaurant_id": "p"})
    assert caller_from(spaced).restaurant_id == "p"


def test_a_restaurant_attribute_without_the_group_makes_no_restaurant() -> None:
    caller = caller_from(_jwt(**{"custom:restaurant_id": "pizza-1"}))
    assert (caller.restaurant_id, caller.role) == (None, "customer")
    with pytest.raises(ForbiddenError):
        require_restaurant_of(caller, ORDER)


def test_a_restaurant_account_without_its_attribute_can_act_as_nobody() -> None:
    caller = caller_from(_jwt(**{"cognito:groups": "[restaurants]", **CUSTOMER}))
    assert caller.role == "unassigned"
    for check in (
        lambda: require_customer(caller),
        lambda: require_owner(caller, ORDER),
        lambda: require_reader(caller, ORDER),
        lambda: require_restaurant_of(caller, ORDER),
    ):
        with pytest.raises(ForbiddenError, match="names no restaurant"):
            check()


@pytest.mark.parametrize("token_use", ["access", "", None])
def test_only_an_id_token_signs_a_caller_in(token_use: object) -> None:
    caller = caller_from(_jwt(**CUSTOMER, token_use=token_use))
    for check in (
        lambda: require_customer(caller),
        lambda: require_owner(caller, ORDER),
        lambda: require_reader(caller, ORDER),
    ):
        with pytest.raises(NotAuthenticatedError, match="token_use"):
            check()
    staff = caller_from(_jwt(**STAFF, token_use=token_use))
    with pytest.raises(NotAuthenticatedError, match="token_use"):
        require_restaurant_of(staff, ORDER)


def test_a_restaurant_account_neither_orders_nor_cancels() -> None:
    staff = caller_from(_jwt(**STAFF, **CUSTOMER))
    with pytest.raises(ForbiddenError, match="only a customer"):
        require_customer(staff)
    with pytest.raises(ForbiddenError):
        require_owner(staff, ORDER)


def test_another_customer_neither_reads_nor_cancels() -> None:
    other = caller_from(_jwt(**CUSTOMER, sub="u-2"))
    for check in (lambda: require_owner(other, ORDER), lambda: require_reader(other, ORDER)):
        with pytest.raises(ForbiddenError):
            check()
    require_owner(caller_from(_jwt(**CUSTOMER)), ORDER)


def test_anonymous_callers_are_asked_to_sign_in() -> None:
    with pytest.raises(NotAuthenticatedError, match="sign in"):
        require_customer(ANONYMOUS)


def test_the_owner_is_recognised_by_an_equal_subject_not_the_same_object() -> None:
    # Claims arrive as fresh strings; the stored order's id is another object of equal value.
    sub = "".join(["u-", "1"])
    owner = caller_from(_jwt(**CUSTOMER, sub=sub))
    require_owner(owner, ORDER)
    require_reader(owner, ORDER)


@pytest.mark.parametrize("verified", [1, "yes", "True ", "truest"])
def test_only_true_or_its_string_form_counts_as_verified(verified: object) -> None:
    assert caller_from(_jwt(email="a@b.co", email_verified=verified)).email == ""


@pytest.mark.parametrize("token_use", ["refresh", "zz", "idx"])
def test_any_token_use_but_id_is_refused_whatever_it_sorts_after(token_use: str) -> None:
    with pytest.raises(NotAuthenticatedError, match=f"'{token_use}' is not accepted"):
        require_customer(caller_from(_jwt(**CUSTOMER, token_use=token_use)))


def test_a_token_without_token_use_is_named_as_none() -> None:
    with pytest.raises(NotAuthenticatedError, match=r"'\(none\)' is not accepted"):
        require_customer(caller_from(_jwt(**CUSTOMER, token_use="")))


@pytest.mark.parametrize("other", ["a-first", "zz-last"])
def test_subjects_and_restaurants_that_sort_before_or_after_are_still_others(other: str) -> None:
    customer = caller_from(_jwt(**CUSTOMER, sub=other))
    for check in (lambda: require_owner(customer, ORDER), lambda: require_reader(customer, ORDER)):
        with pytest.raises(ForbiddenError):
            check()
    staff = caller_from(_jwt(**{**STAFF, "custom:restaurant_id": other}))
    for check in (
        lambda: require_restaurant_of(staff, ORDER),
        lambda: require_reader(staff, ORDER),
    ):
        with pytest.raises(ForbiddenError):
            check()


def test_a_caller_cannot_be_changed_once_read() -> None:
    caller = caller_from(_jwt(**CUSTOMER))
    with pytest.raises(dataclasses.FrozenInstanceError):
        caller.role = "restaurant"  # type: ignore[misc]


def test_an_id_token_read_from_the_json_event_signs_in_by_value() -> None:
    # The runtime parses the event from JSON: its token_use is a fresh "id", equal to the
    # module's ID_TOKEN but not the same object, and must still be accepted.
    context = json.loads(json.dumps(_jwt(**CUSTOMER)))
    claims = context["authorizer"]["jwt"]["claims"]
    assert claims["token_use"] == ID_TOKEN
    assert claims["token_use"] is not ID_TOKEN
    assert require_customer(caller_from(context)) == "ana@example.com"


def test_an_id_that_matches_the_order_grants_nothing_without_the_role() -> None:
    iam = Caller("iam", ORDER.customer_id)
    for check in (require_owner, require_reader):
        with pytest.raises(ForbiddenError):
            check(iam, ORDER)
    customer = Caller("jwt", "u-2", restaurant_id=ORDER.restaurant_id, role="customer")
    with pytest.raises(ForbiddenError):
        require_restaurant_of(customer, ORDER)
