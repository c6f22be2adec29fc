"""What the orders bounded context deploys in either style: tables, bus, the HTTP API.

Both SAM templates (sam/choreography, sam/orchestration) declare these alike; only the flow's
owner differs. A style adds its own environment and statements to the API function (where the
flow starts) and, for choreography, the orders table's stream (the outbox).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from orderflow_infra import events, storage
from orderflow_infra.deployment import Deployment
from orderflow_infra.functions import (
    AsyncInvocation,
    FunctionDefaults,
    FunctionSpec,
    StackFunction,
    lambda_function,
)
from orderflow_infra.http_api import Route, Throttling, http_api
from orderflow_infra.iam import Allow

ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","routeKey":"$context.routeKey",'
    '"status":"$context.status","latency":"$context.responseLatency",'
    '"integrationError":"$context.integrationErrorMessage"}'
)
ROUTES = (
    Route("PlaceOrder", "POST", "/orders"),
    Route("GetOrder", "GET", "/orders/{order_id}"),
    Route("CancelOrder", "POST", "/orders/{order_id}/cancel"),
    Route("AcceptOrder", "POST", "/orders/{order_id}/accept"),
    Route("RejectOrder", "POST", "/orders/{order_id}/reject"),
    Route("CompleteOrder", "POST", "/orders/{order_id}/complete"),
)
THROTTLING = Throttling(burst_limit=100, rate_limit=50)
ORDER_SOURCE = "orderflow.orders"


@dataclass(frozen=True)
class OrderState:
    """The orders context's tables and its bus, and the `Globals: Function` they imply."""

    orders_table: aws.dynamodb.Table
    restaurants_table: aws.dynamodb.Table
    idempotency_table: aws.dynamodb.Table
    timeline_table: aws.dynamodb.Table
    bus: aws.cloudwatch.EventBus

    @property
    def function_defaults(self) -> FunctionDefaults:
        return FunctionDefaults(
            environment={
                "POWERTOOLS_SERVICE_NAME": "orders",
                "POWERTOOLS_METRICS_NAMESPACE": "Orderflow",
                "ORDERS_TABLE": self.orders_table.name,
            }
        )


def order_state(deployment: Deployment, *, orders_stream: str | None = None) -> OrderState:
    """The tables and the bus; `orders_stream` is the orders table's stream view type, if any."""
    return OrderState(
        orders_table=storage.table(
            deployment, "orders-table", key="order_id", stream_view_type=orders_stream
        ),
        restaurants_table=storage.table(deployment, "restaurants-table", key="restaurant_id"),
        idempotency_table=storage.table(
            deployment, "idempotency-table", key="id", ttl_attribute="expiration"
        ),
        timeline_table=storage.table(
            deployment, "timeline-table", key="order_id", sort_key="event"
        ),
        bus=events.bus(deployment, "orders-bus", "orders"),
    )


@dataclass(frozen=True)
class OrdersApi:
    """The API function and the HTTP API routing every order route to it."""

    handler: StackFunction
    api: aws.apigatewayv2.Api


def orders_api(
    deployment: Deployment,
    state: OrderState,
    *,
    statements: Sequence[Allow],
    environment: Mapping[str, pulumi.Input[str]] | None = None,
) -> OrdersApi:
    """The API function (style's `environment` and `statements` first) behind the HTTP API."""
    handler = lambda_function(
        deployment,
        state.function_defaults,
        FunctionSpec(
            name="api",
            handler="api.handler",
            description=(
                "The orders HTTP API - place, read, cancel, accept, reject and complete orders."
            ),
            environment={
                "RESTAURANTS_TABLE": state.restaurants_table.name,
                "IDEMPOTENCY_TABLE": state.idempotency_table.name,
                "TIMELINE_TABLE": state.timeline_table.name,
                **(environment or {}),
            },
            statements=[
                *statements,
                Allow(
                    ["dynamodb:GetItem"], [state.restaurants_table.arn], sid="RestaurantRegistry"
                ),
                Allow(["dynamodb:Query"], [state.timeline_table.arn], sid="ReadTheTimeline"),
                Allow(
                    [
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                    ],
                    [state.idempotency_table.arn],
                    sid="IdempotencyRecords",
                ),
            ],
        ),
    )
    api = http_api(
        deployment,
        "orders-api",
        handler=handler,
        routes=ROUTES,
        access_log_group=storage.log_group(deployment, "orders-api-logs"),
        access_log_format=ACCESS_LOG_FORMAT,
        throttling=THROTTLING,
    )
    return OrdersApi(handler, api)


def timeline_writer(
    deployment: Deployment,
    state: OrderState,
    *,
    function_dead_letters: aws.sqs.Queue,
    rule_dead_letters: aws.sqs.Queue,
) -> StackFunction:
    """The order timeline: a projection of every order event on the bus, read by GET.

    Its rule takes archive replays on purpose: the write is idempotent (one entry per order
    and event type), so a replay fills in what the timeline missed and adds nothing else.
    """
    writer = lambda_function(
        deployment,
        state.function_defaults,
        FunctionSpec(
            name="timeline-writer",
            handler="timeline_writer.handler",
            description="Writes every order event on the orders bus to the order's timeline, once.",
            environment={"TIMELINE_TABLE": state.timeline_table.name},
            statements=[
                Allow(["dynamodb:PutItem"], [state.timeline_table.arn], sid="WriteTheTimeline")
            ],
            asynchronous=AsyncInvocation(dead_letter_queue=function_dead_letters),
        ),
    )
    events.subscribe(
        writer,
        bus_name=state.bus.name,
        pattern={"source": [ORDER_SOURCE]},
        dead_letter_queue=rule_dead_letters,
        takes_replays=True,
    )
    return writer


def export_outputs(state: OrderState, api: OrdersApi, restaurant_topic: aws.sns.Topic) -> None:
    """The outputs both SAM templates declare, under their names, so scripts read either."""
    pulumi.export("ApiUrl", api.api.api_endpoint)
    pulumi.export("OrdersBusName", state.bus.name)
    pulumi.export("RestaurantsTableName", state.restaurants_table.name)
    pulumi.export("RestaurantTopicArn", restaurant_topic.arn)
    pulumi.export("OrdersTableName", state.orders_table.name)
