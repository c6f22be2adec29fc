from orders.identity import ANONYMOUS, Caller, caller_from


def test_a_request_without_an_authorizer_comes_from_an_anonymous_caller() -> None:
    assert caller_from({"requestId": "r"}) == ANONYMOUS


def test_a_jwt_caller_is_named_by_its_subject_claim() -> None:
    context = {"authorizer": {"jwt": {"claims": {"sub": "user-42"}, "scopes": []}}}
    assert caller_from(context) == Caller("jwt", "user-42")


def test_an_iam_caller_is_named_by_its_user_arn() -> None:
    context = {"authorizer": {"iam": {"userArn": "arn:aws:iam::1:user/kitchen"}}}
    assert caller_from(context) == Caller("iam", "arn:aws:iam::1:user/kitchen")
