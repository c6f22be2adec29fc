"""Creating the stack's users, an administrator's step (AWS credentials with Cognito admin rights).

A restaurant account joins the `restaurants` group and carries `custom:restaurant_id`, which the
app client cannot write: that is what makes it the restaurant's. Every user starts with a
temporary password and changes it at the first sign-in (NEW_PASSWORD_REQUIRED).
"""

from __future__ import annotations

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from orderclient.outputs import StackOutputs

RESTAURANTS_GROUP = "restaurants"
RESTAURANT_ATTRIBUTE = "custom:restaurant_id"


class UserError(Exception):
    """The pool refused to create the user; the message is its reason."""


def add_user(stack: StackOutputs, email: str, password: str, restaurant: str | None) -> None:
    cognito = boto3.client("cognito-idp", region_name=stack.region)
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    if restaurant:
        attributes.append({"Name": RESTAURANT_ATTRIBUTE, "Value": restaurant})
    try:
        cognito.admin_create_user(
            UserPoolId=stack.pool_id,
            Username=email,
            UserAttributes=attributes,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",
        )
    except (ClientError, BotoCoreError) as error:
        raise UserError(f"{email}: {error}") from None
    if restaurant:
        try:
            cognito.admin_add_user_to_group(
                UserPoolId=stack.pool_id, Username=email, GroupName=RESTAURANTS_GROUP
            )
        except (ClientError, BotoCoreError) as error:
            # Half a restaurant account is none: the user goes again, so a retry starts clean.
            cognito.admin_delete_user(UserPoolId=stack.pool_id, Username=email)
            raise UserError(f"{email}: {error}") from None
