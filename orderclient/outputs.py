"""The deployed stack's outputs the client needs, from a JSON file or a CloudFormation stack."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.stack_outputs import read_stack_outputs

NEEDED = ("ApiUrl", "UserPoolId", "UserPoolClientId")
# Where plain http is acceptable: the runner's gateway on this machine.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class OutputsError(Exception):
    """The outputs cannot be read or lack a value the client needs; the message names it."""


@dataclass(frozen=True)
class StackOutputs:
    api_url: str
    pool_id: str
    client_id: str
    values: dict[str, str]

    @property
    def region(self) -> str:
        """The pool's region: a Cognito pool id starts with it (`eu-west-1_AbC123`)."""
        return self.pool_id.split("_", 1)[0]


def _api_url_ok(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in LOCAL_HOSTS


def from_values(values: dict[str, Any], where: str) -> StackOutputs:
    missing = [name for name in NEEDED if not isinstance(values.get(name), str) or not values[name]]
    if missing:
        raise OutputsError(f"{where}: no {', '.join(missing)} output; the orders stack has them")
    if not _api_url_ok(values["ApiUrl"]):
        raise OutputsError(
            f"{where}: ApiUrl {values['ApiUrl'][:200]!r} is not an https:// URL (or http:// on "
            "localhost, the runner); the ID token is sent nowhere else"
        )
    if "_" not in values["UserPoolId"]:
        raise OutputsError(f"{where}: UserPoolId {values['UserPoolId']!r} is not a user pool id")
    strings = {k: str(v) for k, v in values.items() if isinstance(v, str | int | float)}
    return StackOutputs(
        values["ApiUrl"].rstrip("/"), values["UserPoolId"], values["UserPoolClientId"], strings
    )


def from_file(path: Path) -> StackOutputs:
    """A JSON object of output names and values (`pulumi stack output --json` prints one)."""
    try:
        values = read_stack_outputs(path)
    except DefinitionError as error:
        raise OutputsError(str(error)) from None
    return from_values(values, str(path))


def stack_values(stack_name: str, region: str | None) -> dict[str, str]:
    """A CloudFormation stack's outputs, by name (needs AWS credentials)."""
    try:
        cloudformation = boto3.client("cloudformation", region_name=region)
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except (ClientError, BotoCoreError) as error:
        raise OutputsError(f"stack {stack_name!r}: {error}") from None
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def save(path: Path, values: dict[str, str]) -> None:
    """Write the outputs as the JSON object `from_file` reads (what Pulumi's --json prints)."""
    path.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n", encoding="utf-8")
