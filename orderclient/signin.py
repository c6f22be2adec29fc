"""Signing in to the stack's user pool with USER_SRP_AUTH, and the first-password change.

A restaurant account an administrator created starts in FORCE_CHANGE_PASSWORD: its first
sign-in answers NEW_PASSWORD_REQUIRED, which the caller's `new_password` answers (asked only
then). The ID token is what the API's JWT authorizer checks; it is returned, never printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from orderclient.srp import Session, cognito_timestamp

#: The app client settings this module needs: the flows it starts (USER_SRP_AUTH, then
#: REFRESH_TOKEN_AUTH), and no client secret (it sends no SECRET_HASH).
APP_CLIENT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


class SignInError(Exception):
    """The pool refused the sign-in; the message is Cognito's reason, without any secret."""


@dataclass(frozen=True)
class Tokens:
    id_token: str
    refresh_token: str
    expires_at: float


def _cognito(region: str) -> Any:
    return boto3.client("cognito-idp", region_name=region)


def _tokens(result: dict[str, Any], refresh_token: str = "") -> Tokens:
    found = result["AuthenticationResult"]
    expires_at = datetime.now(UTC).timestamp() + float(found.get("ExpiresIn", 3600))
    return Tokens(found["IdToken"], found.get("RefreshToken", refresh_token), expires_at)


def sign_in(
    *,
    pool_id: str,
    client_id: str,
    email: str,
    password: str,
    new_password: Callable[[], str],
) -> Tokens:
    """The caller's tokens after an SRP sign-in (and a first-password change, if asked)."""
    cognito = _cognito(pool_id.split("_", 1)[0])
    session = Session.start()
    try:
        challenge = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": email, "SRP_A": f"{session.big_a:x}"},
        )
        parameters = challenge["ChallengeParameters"]
        timestamp = cognito_timestamp(datetime.now(UTC))
        signature = session.signature(
            pool_id=pool_id,
            user_id=parameters["USER_ID_FOR_SRP"],
            password=password,
            salt_hex=parameters["SALT"],
            srp_b_hex=parameters["SRP_B"],
            secret_block=parameters["SECRET_BLOCK"],
            timestamp=timestamp,
        )
        result = cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses={
                "USERNAME": parameters["USER_ID_FOR_SRP"],
                "TIMESTAMP": timestamp,
                "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": signature,
            },
        )
        if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            result = cognito.respond_to_auth_challenge(
                ClientId=client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=result["Session"],
                ChallengeResponses={
                    "USERNAME": result["ChallengeParameters"].get("USERNAME", email),
                    "NEW_PASSWORD": new_password(),
                },
            )
        if "AuthenticationResult" not in result:
            raise SignInError(
                f"{email}: the pool asks for {result.get('ChallengeName')}, which "
                "this client does not answer (MFA: sign in once elsewhere)"
            )
        return _tokens(result)
    except ClientError as error:
        raise SignInError(f"{email}: {error.response['Error'].get('Message', 'refused')}") from None


def refreshed(*, pool_id: str, client_id: str, tokens: Tokens) -> Tokens:
    """New ID token from the refresh token (REFRESH_TOKEN_AUTH), keeping the refresh token."""
    try:
        result = _cognito(pool_id.split("_", 1)[0]).initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens.refresh_token},
        )
    except ClientError as error:
        raise SignInError(
            f"the session has ended ({error.response['Error'].get('Message', 'refused')}); "
            "sign in again"
        ) from None
    return _tokens(result, tokens.refresh_token)
