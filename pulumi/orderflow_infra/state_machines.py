"""Standard state machines as SAM's AWS::Serverless::StateMachine makes them, from one ASL file.

The definition is the same file SAM deploys (statemachine/*.asl.json); its `${Name}`
placeholders are filled from `substitutions` as SAM's DefinitionSubstitutions fill them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from orderflow_infra import iam
from orderflow_infra.deployment import Deployment

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


class DefinitionError(ValueError):
    """The definition names a placeholder no substitution fills; the message names it."""


def substitute(definition: str, values: Mapping[str, str], source: Path) -> str:
    """`definition` with every `${Name}` replaced by `values[Name]`, checked to be JSON."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise DefinitionError(
                f"{source}: ${{{name}}} has no substitution "
                f"(given: {', '.join(sorted(values)) or 'none'})"
            )
        return values[name]

    filled = _PLACEHOLDER.sub(replace, definition)
    json.loads(filled)  # a definition that is not JSON fails here, not at deployment
    return filled


@dataclass(frozen=True)
class Logging:
    """Where executions log: `ERROR` and no execution data keeps personal data out of logs."""

    log_group: aws.cloudwatch.LogGroup
    level: str = "ERROR"
    include_execution_data: bool = False


def standard_state_machine(
    deployment: Deployment,
    name: str,
    *,
    definition_file: Path,
    substitutions: Mapping[str, pulumi.Input[str]],
    statements: Sequence[iam.Allow],
    logging: Logging,
) -> aws.sfn.StateMachine:
    """A traced Standard workflow with its own least-privilege role (`<name>-role`)."""
    role = iam.service_role(
        deployment,
        f"{name}-role",
        service="states.amazonaws.com",
        statements=statements,
        managed_policies=["AWSXrayWriteOnlyAccess"],
    )
    text = definition_file.read_text()
    keys = list(substitutions)
    definition = pulumi.Output.all(*substitutions.values()).apply(
        lambda values: substitute(text, dict(zip(keys, values, strict=True)), definition_file)
    )
    return aws.sfn.StateMachine(
        name,
        type="STANDARD",
        role_arn=role.arn,
        definition=definition,
        logging_configuration={
            "level": logging.level,
            "include_execution_data": logging.include_execution_data,
            "log_destination": logging.log_group.arn.apply(lambda arn: f"{arn}:*"),
        },
        tracing_configuration={"enabled": True},
        tags=deployment.tags,
    )
