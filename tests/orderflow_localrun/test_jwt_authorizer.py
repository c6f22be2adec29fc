"""The runner's JWT authorizer accepts what the HTTP API's would, and only that: a token the
pool signed (moto's keys), from its issuer, for its app client, not yet expired."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from orderflow_localrun.jwt_authorizer import JwtConfig, Unauthorized, verified_claims

REGION = "eu-west-1"


@pytest.fixture
def signed_in() -> Iterator[tuple[str, JwtConfig]]:
    """A restaurant user's ID token from a pool in moto, and the authorizer config for it."""
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool = cognito.create_user_pool(
            PoolName="users",
            UsernameAttributes=["email"],
            Schema=[{"Name": "restaurant_id", "AttributeDataType": "String", "Mutable": True}],
        )["UserPool"]["Id"]
        client = cognito.create_user_pool_client(
            UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        cognito.create_group(UserPoolId=pool, GroupName="restaurants")
        user = "chef@pizza.example"
        cognito.admin_create_user(
            UserPoolId=pool,
            Username=user,
            UserAttributes=[{"Name": "custom:restaurant_id", "Value": "pizza-1"}],
        )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=user, Password="Chosen-Password-2", Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName="restaurants")
        token = cognito.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=client,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": "Chosen-Password-2"},
        )["AuthenticationResult"]["IdToken"]
        issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool}"
        yield token, JwtConfig(issuer, (client,))


def _payload(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    payload: dict[str, object] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return payload


def _with_payload(token: str, **changes: object) -> str:
    header, _, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps({**_payload(token), **changes}).encode())
    return f"{header}.{payload.decode().rstrip('=')}.{signature}"


def test_a_pool_s_token_passes_with_its_claims_as_the_http_api_passes_them(
    signed_in: tuple[str, JwtConfig],
) -> None:
    token, config = signed_in
    claims = verified_claims(f"Bearer {token}", config, now=0)
    assert claims["cognito:groups"] == "[restaurants]"
    assert claims["custom:restaurant_id"] == "pizza-1"
    assert claims["token_use"] == "id"
    assert claims["exp"] == str(_payload(token)["exp"])


def test_a_token_whose_claims_were_changed_is_refused_by_its_signature(
    signed_in: tuple[str, JwtConfig],
) -> None:
    token, config = signed_in
    forged = _with_payload(token, **{"custom:restaurant_id": "sushi-2"})
    with pytest.raises(Unauthorized, match="signature"):
        verified_claims(forged, config, now=0)


@pytest.mark.parametrize(
    ("config_change", "reason"),
    [
        ({"issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other"}, "issuer"),
        ({"audience": ("another-app-client",)}, "audience"),
    ],
)
def test_a_token_for_another_pool_or_app_client_is_refused(
    signed_in: tuple[str, JwtConfig], config_change: dict[str, object], reason: str
) -> None:
    token, config = signed_in
    other = dataclasses.replace(config, **config_change)
    with pytest.raises(Unauthorized, match=reason):
        verified_claims(token, other, now=0)


def test_an_expired_token_is_refused(signed_in: tuple[str, JwtConfig]) -> None:
    token, config = signed_in
    expiry = float(str(_payload(token)["exp"]))
    verified_claims(token, config, now=expiry - 1)
    with pytest.raises(Unauthorized, match="expired"):
        verified_claims(token, config, now=expiry)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwdw=="])
def test_no_bearer_jwt_is_refused(signed_in: tuple[str, JwtConfig], header: str | None) -> None:
    with pytest.raises(Unauthorized):
        verified_claims(header, signed_in[1], now=0)
