"""The resources a deployment holds: a CloudFormation stack's, or every resource with a tag.

Each is named as ``costcalc estimate`` names it (a function's logical id without ``Function``
in snake_case), from the stack's logical ids or, for tagged resources, the
``aws:cloudformation:logical-id`` tag CloudFormation adds, else the physical name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from costcalc.actual.aws import Clients
from costcalc.errors import UsageError
from costcalc.estimate.deployed import snake
from orderflow_definitions.cli import progress

#: CloudFormation type -> the kind ``actual`` measures.
KINDS: Mapping[str, str] = {
    "AWS::Lambda::Function": "function",
    "AWS::StepFunctions::StateMachine": "state_machine",
    "AWS::Events::Rule": "rule",
    "AWS::ApiGatewayV2::Api": "http_api",
    "AWS::SNS::Topic": "topic",
    "AWS::DynamoDB::Table": "table",
    "AWS::Scheduler::ScheduleGroup": "schedule_group",
}
_ARN_KINDS = {
    ("lambda", "function"): "function",
    ("states", "stateMachine"): "state_machine",
    ("events", "rule"): "rule",
    ("dynamodb", "table"): "table",
    ("scheduler", "schedule-group"): "schedule_group",
}
#: What the estimate's names leave off (a log group is named by its function's logical id).
_SUFFIX = {"function": "Function", "log_group": "Function", "table": "Table"}


@dataclass(frozen=True)
class Resource:
    kind: str  # function, state_machine, rule, http_api, topic, table
    physical: str  # the name or ARN CloudWatch's dimensions take
    logical: str  # the logical id ("" when unknown)

    @property
    def name(self) -> str:
        """The estimate's name for it."""
        base = self.logical or self.physical.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        return snake(base.removesuffix(_SUFFIX.get(self.kind, "")))


def stack_resources(clients: Clients, stack: str) -> list[Resource]:
    """The measured resources of a CloudFormation stack (ListStackResources, paged)."""
    progress(f"costcalc actual: listing the resources of stack {stack} ...")
    pages = clients("cloudformation").get_paginator("list_stack_resources")
    found = []
    for page in pages.paginate(StackName=stack):
        for summary in page["StackResourceSummaries"]:
            kind = KINDS.get(summary["ResourceType"])
            if kind and summary.get("PhysicalResourceId"):
                found.append(
                    Resource(kind, summary["PhysicalResourceId"], summary["LogicalResourceId"])
                )
    return found


def tagged_resources(clients: Clients, key: str, value: str) -> list[Resource]:
    """Every resource tagged ``key=value`` (Resource Groups Tagging API GetResources, paged)."""
    progress(f"costcalc actual: finding the resources tagged {key}={value} ...")
    pages = clients("resourcegroupstaggingapi").get_paginator("get_resources")
    found = []
    for page in pages.paginate(TagFilters=[{"Key": key, "Values": [value]}]):
        for mapping in page["ResourceTagMappingList"]:
            arn = mapping["ResourceARN"]
            tags = {tag["Key"]: tag["Value"] for tag in mapping.get("Tags", ())}
            resource = _from_arn(arn, tags.get("aws:cloudformation:logical-id", ""))
            if resource is not None:
                found.append(resource)
    return found


def tag_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise UsageError(f"--tag {text!r}: expected KEY=VALUE, e.g. project=orderflow")
    return key, value


def _from_arn(arn: str, logical: str) -> Resource | None:
    parts = arn.split(":", 5)
    service, rest = (parts[2], parts[5]) if len(parts) == 6 else ("", "")
    if service == "sns":
        return Resource("topic", arn, logical)
    if service == "apigateway":
        api = rest.removeprefix("/apis/")
        return Resource("http_api", api, logical) if api != rest and "/" not in api else None
    head, _, tail = rest.replace(":", "/", 1).partition("/")
    kind = _ARN_KINDS.get((service, head))
    if kind is None or not tail:
        return None
    # CloudWatch takes a state machine's ARN, and a rule on a bus as BUS|NAME
    physical = {"state_machine": arn, "rule": tail.replace("/", "|")}.get(kind, tail)
    return Resource(kind, physical, logical)
