from orders.identity import ANONYMOUS, Caller, caller_from


def test_a_request_without_an_authorizer_comes_from_an_anonymous_caller() -> None:
    assert caller_from({"requestId": "r"}) == ANONYMOUS


def test_a_jwt_caller_is_named_by_its_subject_claim() -> None:
    context = {"authorizer": {"jwt": {"claims": {"sub": "user-42"}, "scopes": []}}}
    assert caller_from(context) == Caller("jwt", "user-42")


def test_an_iam_caller_is_named_by_its_user_arn() -> None:
    context = {"authorizer": {"iam": {"userArn": "arn:aws:iam::1:user/kitchen"}}}
    assert caller_from(context) == Caller("iam", "arn:aws:iam::1:user/kitchen")


def _jwt(**claims: str) -> dict[str, object]:
    return {"authorizer": {"jwt": {"claims": {"sub": "u-1", **claims}, "scopes": None}}}


def test_a_member_of_the_restaurants_group_acts_for_the_restaurant_its_attribute_names() -> None:
    caller = caller_from(
        _jwt(**{"cognito:groups": "[restaurants]", "custom:restaurant_id": "pizza-1"})
    )
    assert caller == Caller("jwt", "u-1", "pizza-1")


def test_the_group_claim_may_be_a_list_or_name_several_groups() -> None:
    context = _jwt(**{"custom:restaurant_id": "pizza-1"})
    context["authorizer"]["jwt"]["claims"]["cognito:groups"] = ["staff", "restaurants"]  # type: ignore[index]
    assert caller_from(context).restaurant_id == "pizza-1"
    spaced = _jwt(**{"cognito:groups": "[staff restaurants]", "custom:restaurant_id": "p"})
    assert caller_from(spaced).restaurant_id == "p"


def test_a_restaurant_attribute_without_the_group_makes_no_restaurant() -> None:
    assert caller_from(_jwt(**{"custom:restaurant_id": "pizza-1"})).restaurant_id is None
    assert caller_from(_jwt(**{"cognito:groups": "[restaurants]"})).restaurant_id is None
