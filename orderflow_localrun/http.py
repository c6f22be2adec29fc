"""The HTTP API as API Gateway (HTTP API, payload format 2.0) would present it to Lambda."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.intrinsics import Names
from orderflow_localrun.jwt_authorizer import JwtConfig
from orderflow_localrun.template import TransformedTemplate

_INTEGRATION = "x-amazon-apigateway-integration"
_ANY = "x-amazon-apigateway-any-method"
_FUNCTION_IN_URI = re.compile(r"functions/(arn:[^/]+)/invocations")

#: API Gateway's HTTP API refuses a request body over 10 MB with a 413, before any integration.
PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024
TOO_LARGE = '{"message":"Request Entity Too Large"}'


@dataclass(frozen=True)
class Route:
    api_id: str
    method: str
    path: str
    function_arn: str
    pattern: re.Pattern[str]
    #: The authorizer type guarding the route ("jwt"), or None for an open route.
    authorizer: str | None = None
    #: A JWT authorizer's issuer and audiences (resolved), which the gateway checks tokens against.
    jwt: JwtConfig | None = None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def _path_pattern(path: str) -> re.Pattern[str]:
    regex = ""
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("+}"):
            regex += f"(?P<{part[1:-2]}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


def _authorizer(
    body: dict[str, Any], operation: dict[str, Any], names: Names
) -> tuple[str | None, JwtConfig | None]:
    """The type of the authorizer an operation (or the whole API) requires, if any, and for a
    JWT authorizer the issuer and audiences it accepts."""
    schemes = body.get("components", {}).get("securitySchemes", {})
    for requirement in operation.get("security", body.get("security")) or []:
        for name in requirement:
            found = schemes.get(name, {}).get("x-amazon-apigateway-authorizer", {})
            kind = str(found.get("type", "jwt")).lower()
            configuration = resolve(found.get("jwtConfiguration"), names)
            if kind != "jwt" or not isinstance(configuration, dict):
                return kind, None
            audience = tuple(str(a) for a in configuration.get("audience") or [])
            return kind, JwtConfig(str(configuration.get("issuer", "")), audience)
    return None, None


def customer(sub: str, email: str = "") -> dict[str, str]:
    """The ID-token claims a signed-in customer's requests carry (as the authorizer passes them).

    An `email` is a verified one (`email_verified` "true", the string form the HTTP API passes).
    """
    verified = {"email": email, "email_verified": "true"} if email else {}
    return {"sub": sub, "token_use": "id", **verified}


def restaurant_staff(sub: str, restaurant_id: str) -> dict[str, str]:
    """The claims of a restaurant account: in the `restaurants` group, naming its restaurant.

    The HTTP API passes list claims as a bracketed string, so the group claim is `[restaurants]`.
    """
    return {
        "sub": sub,
        "token_use": "id",
        "cognito:groups": "[restaurants]",
        "custom:restaurant_id": restaurant_id,
    }


def routes(template: TransformedTemplate, names: Names) -> list[Route]:
    """Every route of every HTTP API in the template, with the function it integrates."""
    found: list[Route] = []
    for logical_id, resource in template.of_type("AWS::ApiGatewayV2::Api").items():
        body = resource.get("Properties", {}).get("Body")
        if body is None:
            raise DefinitionError(
                f"{logical_id}: only HTTP APIs defined by an OpenAPI Body run locally"
            )
        for path, operations in body.get("paths", {}).items():
            for method, operation in operations.items():
                integration = operation.get(_INTEGRATION, {})
                uri = str(resolve(integration.get("uri", ""), names))
                match = _FUNCTION_IN_URI.search(uri)
                if not match:
                    raise DefinitionError(
                        f"{logical_id}: {method.upper()} {path} has no Lambda integration"
                    )
                verb = "ANY" if method == _ANY else method.upper()
                authorizer, jwt = _authorizer(body, operation, names)
                found.append(
                    Route(
                        names.refs[logical_id],
                        verb,
                        path,
                        match.group(1),
                        _path_pattern(path),
                        authorizer,
                        jwt,
                    )
                )
    return found


def match(all_routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route API Gateway would choose: the most specific path, then exact method over ANY."""
    candidates = []
    for route in all_routes:
        found = route.pattern.match(path)
        if found and route.method in (method, "ANY"):
            literal = len(re.sub(r"\{[^}]+\}", "", route.path))
            candidates.append((literal, route.method == method, route, found.groupdict()))
    if not candidates:
        return None
    _, _, route, parameters = max(candidates, key=lambda c: (c[0], c[1]))
    return route, parameters


def request_event(
    *,
    route: Route,
    parameters: dict[str, str],
    method: str,
    url: str,
    body: str | None,
    headers: dict[str, str],
    names: Names,
    now: datetime,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The payload-2.0 event API Gateway sends the integration for this request.

    `now` is when the gateway took the request (on the runner's clock); `claims` are the
    verified token's claims, passed on as the JWT authorizer does.
    """
    parts = urlsplit(url)
    now = now.astimezone(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": {
            "host": f"{route.api_id}.execute-api.{names.region}.amazonaws.com",
            "user-agent": "orderflow_localrun",
            **{k.lower(): v for k, v in headers.items()},
        },
        "requestContext": {
            "accountId": names.account_id,
            "apiId": route.api_id,
            "domainName": f"{route.api_id}.execute-api.{names.region}.amazonaws.com",
            "domainPrefix": route.api_id,
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "orderflow_localrun",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if parts.query:
        event["queryStringParameters"] = dict(parse_qsl(parts.query))
    if parameters:
        event["pathParameters"] = parameters
    if body is not None:
        event["body"] = body
    return event


def response_from(result: Any) -> HttpResponse:
    """API Gateway's reading of a payload-2.0 Lambda result."""
    if isinstance(result, dict) and "statusCode" in result:
        body = result.get("body") or ""
        return HttpResponse(int(result["statusCode"]), dict(result.get("headers") or {}), str(body))
    return HttpResponse(200, {"content-type": "application/json"}, json.dumps(result))
