"""What both orders programs deploy alike through orderflow_infra.orders, run under mocks."""

from __future__ import annotations

import shutil
from functools import cache, partial
from pathlib import Path

import pytest
from pulumi_program import (
    PULUMI_DIR,
    ROOT,
    ProgramRun,
    project_name,
    project_tag,
    run_program,
)

# The orders programs this checkout holds (a generated project holds one).
STYLES = {
    project: style
    for project, style in {
        "orders-choreography": "choreography",
        "orders-orchestration": "orchestration",
    }.items()
    if (PULUMI_DIR / project).is_dir()
}
# The kinds each program tags (SAM tags them too); every resource of them carries the tags.
TAGGED = {
    "aws:dynamodb/table:Table",
    "aws:sns/topic:Topic",
    "aws:lambda/function:Function",
    "aws:iam/role:Role",
    "aws:cloudwatch/eventBus:EventBus",
    "aws:apigatewayv2/api:Api",
    "aws:apigatewayv2/stage:Stage",
}
TAGGED_BY_STYLE = {
    "orders-choreography": TAGGED
    | {"aws:sqs/queue:Queue", "aws:scheduler/scheduleGroup:ScheduleGroup"},
    "orders-orchestration": TAGGED | {"aws:sfn/stateMachine:StateMachine"},
}


@cache
def dev(project: str) -> ProgramRun:
    return run_program(project)


@pytest.mark.parametrize("project", sorted(STYLES))
def test_each_api_route_may_invoke_the_api_function_through_its_own_method_and_path(
    project: str,
) -> None:
    run = dev(project)
    routes = {r.inputs["routeKey"] for r in run.of_type("aws:apigatewayv2/route:Route")}
    sources = {
        p.inputs["sourceArn"]
        for p in run.of_type("aws:lambda/permission:Permission")
        if p.inputs["principal"] == "apigateway.amazonaws.com"
    }

    assert routes == {
        "POST /orders",
        "GET /orders/{order_id}",
        "POST /orders/{order_id}/cancel",
        "POST /orders/{order_id}/accept",
        "POST /orders/{order_id}/reject",
        "POST /orders/{order_id}/complete",
    }
    prefix = "arn:aws:execute-api:us-east-1:123456789012:orders-api-id/*/"
    assert sources == {
        prefix + path
        for path in (
            "POST/orders",
            "GET/orders/*",
            "POST/orders/*/cancel",
            "POST/orders/*/accept",
            "POST/orders/*/reject",
            "POST/orders/*/complete",
        )
    }


@pytest.mark.parametrize("project", sorted(STYLES))
def test_the_api_function_reads_restaurants_and_keeps_idempotency_records_in_either_style(
    project: str,
) -> None:
    run = dev(project)
    variables = run.named("api-function").inputs["environment"]["variables"]
    allowed = {
        s.get("Sid"): (s["Action"], s["Resource"]) for s in run.statements("api-function-role")
    }

    assert variables["RESTAURANTS_TABLE"] == "restaurants-table"
    assert variables["IDEMPOTENCY_TABLE"] == "idempotency-table"
    assert allowed["RestaurantRegistry"] == (
        ["dynamodb:GetItem"],
        "arn:aws:dynamodb:us-east-1:123456789012:table/restaurants-table",
    )
    assert allowed["IdempotencyRecords"][1] == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/idempotency-table"
    )


@pytest.mark.parametrize("project", sorted(STYLES))
def test_the_orders_table_streams_only_where_it_is_the_outbox(project: str) -> None:
    table = dev(project).named("orders-table").inputs

    if STYLES[project] == "choreography":
        assert table["streamEnabled"] is True
        assert table["streamViewType"] == "NEW_AND_OLD_IMAGES"
    else:
        assert table["streamEnabled"] is False
        assert "streamViewType" not in table


@pytest.mark.parametrize("project", sorted(STYLES))
def test_every_resource_of_a_tagged_kind_carries_the_project_and_style_tags(
    project: str,
) -> None:
    tags = {"project": project_tag(project), "style": STYLES[project]}
    for token in sorted(TAGGED_BY_STYLE[project]):
        resources = dev(project).of_type(token)

        assert resources, token
        assert {r.name: r.inputs.get("tags") for r in resources} == {
            r.name: tags for r in resources
        }


def _pool_protection(run: ProgramRun) -> str:
    [pool] = run.of_type("aws:cognito/userPool:UserPool")
    return str(pool.inputs["deletionProtection"])


@pytest.mark.parametrize("project", sorted(STYLES))
def test_the_dev_stack_s_user_pool_can_be_destroyed_and_a_prod_stack_s_is_protected(
    project: str, tmp_path: Path
) -> None:
    # A checkout whose project has a prod stack (its programs read files beside pulumi/).
    for part in ("functions", "statemachine"):
        (tmp_path / part).symlink_to(ROOT / part)
    copy = tmp_path / "pulumi" / project
    shutil.copytree(PULUMI_DIR / project, copy, ignore=shutil.ignore_patterns("venv"))
    shutil.copyfile(copy / "Pulumi.dev.yaml", copy / "Pulumi.prod.yaml")
    key = f"{project_name(project)}:UserPoolDeletionProtection"
    prod = partial(run_program, project, "prod", pulumi_dir=copy.parent)

    assert _pool_protection(dev(project)) == "INACTIVE"
    assert _pool_protection(prod({key: None})) == "ACTIVE"
    assert _pool_protection(prod({key: "INACTIVE"})) == "INACTIVE"
    assert _pool_protection(run_program(project, overrides={key: "ACTIVE"})) == "ACTIVE"
