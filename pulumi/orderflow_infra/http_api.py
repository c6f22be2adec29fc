"""An HTTP API (API Gateway v2) whose routes invoke one function, as SAM's HttpApi events do."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from orderflow_infra.deployment import Deployment
from orderflow_infra.functions import StackFunction

_PATH_PARAMETER = re.compile(r"\{[^}]+\}")
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Route:
    """`event` is the SAM event's name (`PlaceOrder`); it names the route's permission."""

    event: str
    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def kebab_event(self) -> str:
        return _WORD.sub("-", self.event).lower()

    def source_arn(self, api: aws.apigatewayv2.Api) -> pulumi.Output[str]:
        """Calls through this route only, from any stage (path parameters become `*`)."""
        path = _PATH_PARAMETER.sub("*", self.path)
        return api.execution_arn.apply(lambda arn: f"{arn}/*/{self.method}{path}")


@dataclass(frozen=True)
class Throttling:
    burst_limit: int
    rate_limit: float


@dataclass(frozen=True)
class JwtAuthorizer:
    """Every route accepts only a JWT from `issuer` for one of `audience` (SAM: the HttpApi's
    DefaultAuthorizer); `name` is the authorizer's name in SAM's Auth.Authorizers."""

    name: str
    issuer: pulumi.Input[str]
    audience: Sequence[pulumi.Input[str]]
    identity_source: str = "$request.header.Authorization"


def http_api(
    deployment: Deployment,
    name: str,
    *,
    handler: StackFunction,
    routes: Sequence[Route],
    access_log_group: aws.cloudwatch.LogGroup,
    access_log_format: str,
    throttling: Throttling,
    authorizer: JwtAuthorizer,
) -> aws.apigatewayv2.Api:
    """The API, its auto-deployed `$default` stage with access logs, and one route per `routes`,
    each behind `authorizer`.

    Each route may invoke `handler` only through its own method and path (one permission per
    route, as SAM grants), not through any route of the API.
    """
    api = aws.apigatewayv2.Api(
        name, name=deployment.prefix, protocol_type="HTTP", tags=deployment.tags
    )
    aws.apigatewayv2.Stage(
        f"{name}-api-gateway-default-stage",
        api_id=api.id,
        name="$default",
        auto_deploy=True,
        access_log_settings={
            "destination_arn": access_log_group.arn,
            "format": access_log_format,
        },
        default_route_settings={
            "throttling_burst_limit": throttling.burst_limit,
            "throttling_rate_limit": throttling.rate_limit,
        },
        tags=deployment.tags,
    )
    integration = aws.apigatewayv2.Integration(
        f"{name}-{handler.name}-integration",
        api_id=api.id,
        integration_type="AWS_PROXY",
        integration_method="POST",
        integration_uri=handler.function.invoke_arn,
        payload_format_version="2.0",
    )
    jwt = aws.apigatewayv2.Authorizer(
        f"{name}-{_WORD.sub('-', authorizer.name).lower()}-authorizer",
        api_id=api.id,
        name=authorizer.name,
        authorizer_type="JWT",
        identity_sources=[authorizer.identity_source],
        jwt_configuration={"issuer": authorizer.issuer, "audiences": list(authorizer.audience)},
    )
    for route in routes:
        aws.apigatewayv2.Route(
            f"{name}-{route.kebab_event}-route",
            api_id=api.id,
            route_key=route.key,
            target=integration.id.apply(lambda i: f"integrations/{i}"),
            authorization_type="JWT",
            authorizer_id=jwt.id,
        )
        aws.lambda_.Permission(
            f"{handler.name}-{route.kebab_event}-permission",
            action="lambda:InvokeFunction",
            function=handler.function.name,
            principal="apigateway.amazonaws.com",
            source_arn=route.source_arn(api),
        )
    return api
