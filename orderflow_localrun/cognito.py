"""The template's Cognito user pools, app clients and groups, created in moto's cognito-idp.

Their ids are moto's (a pool id is only known once the pool exists), so they are created right
after naming, before anything that refers to them is resolved: the HTTP API's JWT issuer and
audience, the functions' environment, the outputs. Users sign in to them with USER_SRP_AUTH as
they do on AWS, and moto signs their tokens with its own keys, which the gateway checks.
"""

from __future__ import annotations

from typing import Any

import boto3

from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.intrinsics import Names
from orderflow_localrun.template import TransformedTemplate

# The pool properties CloudFormation and the CreateUserPool call name alike, that moto honours.
_POOL_PROPERTIES = (
    "Policies",
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "Schema",
    "AdminCreateUserConfig",
    "MfaConfiguration",
)
_CLIENT_PROPERTIES = (
    "ExplicitAuthFlows",
    "GenerateSecret",
    "ReadAttributes",
    "WriteAttributes",
    "PreventUserExistenceErrors",
)


def _props(template: TransformedTemplate, logical_id: str, names: Names) -> dict[str, Any]:
    return resolve(template.resources[logical_id].get("Properties", {}), names)  # type: ignore[no-any-return]


def create_user_pools(template: TransformedTemplate, names: Names) -> None:
    """Create every pool, then its clients and groups; Ref and GetAtt answer moto's ids."""
    cognito: Any = boto3.client("cognito-idp", region_name=names.region)
    for logical_id in template.of_type("AWS::Cognito::UserPool"):
        props = _props(template, logical_id, names)
        chosen = {k: props[k] for k in _POOL_PROPERTIES if k in props}
        pool = cognito.create_user_pool(PoolName=names.physical[logical_id], **chosen)["UserPool"]
        provider = f"cognito-idp.{names.region}.amazonaws.com/{pool['Id']}"
        names.refs[logical_id] = pool["Id"]
        names.attributes[logical_id] = {
            "Arn": pool["Arn"],
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
            "UserPoolId": pool["Id"],
        }
    for logical_id in template.of_type("AWS::Cognito::UserPoolClient"):
        props = _props(template, logical_id, names)
        chosen = {k: props[k] for k in _CLIENT_PROPERTIES if k in props}
        client = cognito.create_user_pool_client(
            UserPoolId=props["UserPoolId"],
            ClientName=props.get("ClientName", names.physical[logical_id]),
            **chosen,
        )["UserPoolClient"]
        names.refs[logical_id] = client["ClientId"]
        names.attributes[logical_id] = {"ClientId": client["ClientId"]}
    for logical_id in template.of_type("AWS::Cognito::UserPoolGroup"):
        props = _props(template, logical_id, names)
        cognito.create_group(
            UserPoolId=props["UserPoolId"],
            GroupName=props.get("GroupName", names.physical[logical_id]),
            **({"Description": props["Description"]} if "Description" in props else {}),
        )
        names.refs[logical_id] = props.get("GroupName", names.physical[logical_id])
