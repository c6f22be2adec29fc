"""Who may call a stack's API: a Cognito user pool, its app client and its groups.

As in the SAM templates: people sign in with their e-mail address, and custom attributes
(such as `custom:restaurant_id`) are readable by the app client but writable by
administrators only, so a user cannot claim a restaurant that is not theirs. Who may create an
account (administrators only, unless `self_sign_up`) and whether sign-in takes a second factor
(an authenticator app, TOTP) are the deployer's choice (SAM: SelfSignUp, MfaConfiguration).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from orderflow_infra.deployment import Deployment

SIGN_IN_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
MINIMUM_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class UserDirectory:
    pool: aws.cognito.UserPool
    client: aws.cognito.UserPoolClient

    @property
    def issuer(self) -> pulumi.Output[str]:
        """The issuer of the pool's tokens, as a JWT authorizer names it."""
        return self.pool.endpoint.apply(lambda endpoint: f"https://{endpoint}")


def user_directory(
    deployment: Deployment,
    *,
    custom_attributes: Sequence[str],
    groups: Mapping[str, str],
    self_sign_up: bool = False,
    mfa_configuration: str = "OPTIONAL",
    deletion_protection: str = "INACTIVE",
) -> UserDirectory:
    """The pool `<prefix>-users`, its app client and `groups` (name -> description).

    `custom_attributes` are string attributes (`restaurant_id` -> `custom:restaurant_id`).
    `mfa_configuration` is OFF, OPTIONAL or ON; any but OFF enables authenticator apps.
    `deletion_protection` ACTIVE keeps the pool from being deleted (`pulumi destroy` fails).
    """
    pool = aws.cognito.UserPool(
        "user-pool",
        name=f"{deployment.prefix}-users",
        username_attributes=["email"],
        auto_verified_attributes=["email"],
        deletion_protection=deletion_protection,
        admin_create_user_config={"allow_admin_create_user_only": not self_sign_up},
        mfa_configuration=mfa_configuration,
        software_token_mfa_configuration=(
            {"enabled": True} if mfa_configuration != "OFF" else None
        ),
        password_policy={
            "minimum_length": MINIMUM_PASSWORD_LENGTH,
            "require_lowercase": True,
            "require_uppercase": True,
            "require_numbers": True,
            "require_symbols": False,
        },
        schemas=[
            {"name": name, "attribute_data_type": "String", "mutable": True}
            for name in custom_attributes
        ],
        tags=deployment.tags,
    )
    client = aws.cognito.UserPoolClient(
        "user-pool-client",  # its name is generated, as CloudFormation generates SAM's
        user_pool_id=pool.id,
        generate_secret=False,
        explicit_auth_flows=list(SIGN_IN_FLOWS),
        prevent_user_existence_errors="ENABLED",
        read_attributes=[
            "email",
            "email_verified",
            *(f"custom:{name}" for name in custom_attributes),
        ],
        write_attributes=["email"],
    )
    for group, description in groups.items():
        aws.cognito.UserGroup(
            f"{group}-group", name=group, user_pool_id=pool.id, description=description
        )
    return UserDirectory(pool, client)
