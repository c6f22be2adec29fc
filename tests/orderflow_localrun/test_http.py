import re

from orderflow_localrun.http import Route, match, response_from


def _route(method: str, path: str) -> Route:
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return Route("api", method, path, f"arn:fn:{method}{path}", re.compile(f"^{pattern}$"))


ROUTES = [
    _route("GET", "/orders/{order_id}"),
    _route("POST", "/orders/{order_id}/accept"),
    _route("ANY", "/orders/{order_id}"),
    _route("GET", "/orders/special"),
]


def test_the_most_specific_route_wins_and_names_its_path_parameters() -> None:
    found = match(ROUTES, "GET", "/orders/special")
    assert found is not None
    assert found[0].path == "/orders/special"
    found = match(ROUTES, "GET", "/orders/o-1")
    assert found is not None
    assert (found[0].method, found[1]) == ("GET", {"order_id": "o-1"})


def test_any_catches_methods_without_their_own_route() -> None:
    found = match(ROUTES, "DELETE", "/orders/o-1")
    assert found is not None
    assert found[0].method == "ANY"


def test_no_route_means_no_match() -> None:
    assert match(ROUTES, "POST", "/restaurants") is None


def test_a_result_without_status_code_is_a_200_json_body() -> None:
    response = response_from({"ok": True})
    assert (response.status, response.json()) == (200, {"ok": True})
