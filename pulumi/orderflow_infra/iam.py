"""IAM roles and least-privilege policies, written as data and rendered to JSON documents."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from orderflow_infra.deployment import Deployment

POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class Allow:
    """One Allow statement: actions on resources (ARNs, possibly not known until deployment)."""

    actions: Sequence[str]
    resources: Sequence[pulumi.Input[str]]
    sid: str | None = None
    condition: Mapping[str, Mapping[str, str | Sequence[str]]] = field(default_factory=dict)

    def render(self, resources: Sequence[str]) -> dict[str, Any]:
        statement: dict[str, Any] = {"Effect": "Allow"}
        if self.sid:
            statement["Sid"] = self.sid
        statement["Action"] = list(self.actions)
        statement["Resource"] = resources[0] if len(resources) == 1 else list(resources)
        if self.condition:
            statement["Condition"] = {
                test: {key: v if isinstance(v, str) else list(v) for key, v in values.items()}
                for test, values in self.condition.items()
            }
        return statement


def policy_document(statements: Sequence[Allow]) -> pulumi.Output[str]:
    """The JSON policy document allowing `statements`, once every resource ARN is known."""
    per_statement = [pulumi.Output.all(*s.resources) for s in statements]

    def render(resolved: list[list[str]]) -> str:
        body = [s.render(r) for s, r in zip(statements, resolved, strict=True)]
        return json.dumps({"Version": POLICY_VERSION, "Statement": body})

    return pulumi.Output.all(*per_statement).apply(render)


def trust_policy(service: str, condition: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A policy letting `service` (e.g. `lambda.amazonaws.com`) assume the role."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = {k: dict(v) for k, v in condition.items()}
    return json.dumps({"Version": POLICY_VERSION, "Statement": [statement]})


def managed_policy_arn(deployment: Deployment, name: str) -> str:
    """The ARN of the AWS managed policy `name` (`service-role/AWSLambdaBasicExecutionRole`)."""
    return f"arn:{deployment.partition}:iam::aws:policy/{name}"


def service_role(
    deployment: Deployment,
    name: str,
    *,
    service: str,
    statements: Sequence[Allow] = (),
    managed_policies: Sequence[str] = (),
    trust_condition: Mapping[str, Mapping[str, str]] | None = None,
    description: str | None = None,
) -> aws.iam.Role:
    """A role `service` assumes, allowed `statements` (one inline policy) and managed policies."""
    role = aws.iam.Role(
        name,
        assume_role_policy=trust_policy(service, trust_condition),
        description=description,
        tags=deployment.tags,
    )
    if statements:
        aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=policy_document(statements))
    for policy in managed_policies:
        aws.iam.RolePolicyAttachment(
            f"{name}-{policy.rsplit('/', 1)[-1].lower()}",
            role=role.name,
            policy_arn=managed_policy_arn(deployment, policy),
        )
    return role
