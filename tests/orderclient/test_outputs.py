"""The stack outputs the client trusts with a user's ID token."""

from __future__ import annotations

import pytest

from orderclient.outputs import OutputsError, from_values

POOL = {"UserPoolId": "eu-west-1_AbC123", "UserPoolClientId": "client"}


@pytest.mark.parametrize(
    "url",
    [
        "https://abc.execute-api.eu-west-1.amazonaws.com/",
        "http://127.0.0.1:8123",
        "http://localhost:8123",
    ],
)
def test_the_deployed_api_or_the_local_runner_is_accepted(url: str) -> None:
    outputs = from_values({"ApiUrl": url, **POOL}, "outputs.json")
    assert outputs.api_url == url.rstrip("/")
    assert outputs.region == "eu-west-1"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://api.example.org", "ftp://x", "https://", "javascript:x"],
)
def test_an_api_url_the_token_must_not_go_to_is_refused_naming_it(url: str) -> None:
    with pytest.raises(OutputsError, match=f"outputs.json: ApiUrl '{url}' is not an https://"):
        from_values({"ApiUrl": url, **POOL}, "outputs.json")
