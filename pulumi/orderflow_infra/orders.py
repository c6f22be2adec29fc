"""What the orders bounded context deploys in either style: tables, bus and its archive, the
HTTP API behind its users' JWTs, the alarms every orders stack has and the dashboard's API graph.

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
from orderflow_infra.alarms import Metric, alarm, alarm_on_total
from orderflow_infra.dashboards import MetricWidget
from orderflow_infra.deployment import Deployment, OrderSettings
from orderflow_infra.functions import (
    AsyncInvocation,
    FunctionDefaults,
    FunctionSpec,
    StackFunction,
    lambda_function,
)
from orderflow_infra.http_api import JwtAuthorizer, Route, Throttling, http_api
from orderflow_infra.iam import Allow
from orderflow_infra.users import UserDirectory, user_directory

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
ORDER_SOURCE = "orderflow.orders"
API_STAGE = "$default"


@dataclass(frozen=True)
class OrderState:
    """The orders context's tables and its bus, and the `Globals: Function` they imply."""

    orders_table: aws.dynamodb.Table
    restaurants_table: aws.dynamodb.Table
    idempotency_table: aws.dynamodb.Table
    timeline_table: aws.dynamodb.Table
    bus: aws.cloudwatch.EventBus
    archive: aws.cloudwatch.EventArchive

    @property
    def function_defaults(self) -> FunctionDefaults:
        return FunctionDefaults(
            environment={
                "POWERTOOLS_SERVICE_NAME": "orders",
                "POWERTOOLS_METRICS_NAMESPACE": "Orderflow",
                "ORDERS_TABLE": self.orders_table.name,
            }
        )


def order_state(
    deployment: Deployment, settings: OrderSettings, *, orders_stream: str | None = None
) -> OrderState:
    """The tables, the bus and its archive of every order event; `orders_stream` is the orders
    table's stream view type, if any."""
    bus = events.bus(deployment, "orders-bus", "orders")
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
        bus=bus,
        archive=events.archive(
            "orders-archive",
            bus=bus,
            pattern={"source": [ORDER_SOURCE]},
            retention_days=settings.archive_retention_days,
            description=(
                "Every order event, kept for replay (runbook https://orderflow-kit.github.io/orderflow-kit/runbooks/#replay-a-time-window)."
            ),
        ),
    )


@dataclass(frozen=True)
class OrdersApi:
    """The API function, the HTTP API routing every order route to it and the API's users."""

    handler: StackFunction
    api: aws.apigatewayv2.Api
    users: UserDirectory


def orders_api(
    deployment: Deployment,
    state: OrderState,
    settings: OrderSettings,
    *,
    statements: Sequence[Allow],
    environment: Mapping[str, pulumi.Input[str]] | None = None,
) -> OrdersApi:
    """The API function (style's `environment` and `statements` first) behind the HTTP API,
    which accepts ID tokens of the stack's users only.

    Customers and restaurant staff sign in to one user pool; restaurant accounts are in the
    `restaurants` group and carry `custom:restaurant_id`, which only administrators can set.
    """
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
                "ORDERS_PER_CALLER_PER_MINUTE": str(settings.orders_per_caller_per_minute),
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
    users = user_directory(
        deployment,
        self_sign_up=settings.self_sign_up,
        mfa_configuration=settings.mfa_configuration,
        deletion_protection=settings.user_pool_deletion_protection,
        custom_attributes=["restaurant_id"],
        groups={
            "restaurants": (
                "Restaurant staff and systems; each user's custom:restaurant_id names its "
                "restaurant."
            )
        },
    )
    api = http_api(
        deployment,
        "orders-api",
        handler=handler,
        routes=ROUTES,
        access_log_group=storage.log_group(deployment, "orders-api-logs"),
        access_log_format=ACCESS_LOG_FORMAT,
        throttling=Throttling(
            burst_limit=settings.api_burst_limit, rate_limit=settings.api_rate_limit
        ),
        authorizer=JwtAuthorizer("OrdersUsers", issuer=users.issuer, audience=[users.client.id]),
    )
    return OrdersApi(handler, api, users)


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
        deployment,
        writer,
        bus_name=state.bus.name,
        pattern={"source": [ORDER_SOURCE]},
        dead_letter_queue=rule_dead_letters,
        replays=True,
    )
    return writer


def function_alarms(
    functions: Sequence[StackFunction], *, topic: aws.sns.Topic, errors_description: str
) -> list[aws.cloudwatch.MetricAlarm]:
    """One alarm on the errors and one on the throttles of all `functions` together."""
    return [
        alarm_on_total(
            "function-errors-alarm",
            metrics=[_function_metric("Errors", f) for f in functions],
            combine="SUM",
            label="errors, all functions",
            topic=topic,
            description=errors_description,
        ),
        alarm_on_total(
            "function-throttles-alarm",
            metrics=[_function_metric("Throttles", f) for f in functions],
            combine="SUM",
            label="throttles, all functions",
            topic=topic,
            description=(
                "A function of the orders stack was throttled (account concurrency exhausted)."
            ),
        ),
    ]


def _function_metric(name: str, function: StackFunction) -> Metric:
    return Metric("AWS/Lambda", name, {"FunctionName": function.function.name})


def api_5xx_alarm(api: OrdersApi, *, topic: aws.sns.Topic) -> aws.cloudwatch.MetricAlarm:
    """The API answered 5xx: a function failed or timed out behind it."""
    return alarm(
        "api5xx-alarm",
        metric=Metric("AWS/ApiGateway", "5xx", {"ApiId": api.api.id, "Stage": API_STAGE}),
        topic=topic,
        description="The orders API answered 5xx (a function failed or timed out).",
    )


def overdue_alarm(settings: OrderSettings, *, topic: aws.sns.Topic) -> aws.cloudwatch.MetricAlarm:
    """More orders than the threshold went overdue in a period (counted by the timeline writer,
    which every order_overdue reaches in either style)."""
    return alarm(
        "overdue-orders-alarm",
        metric=Metric("Orderflow", "OrdersOverdue", {"service": "orders"}),
        topic=topic,
        description=(
            "More accepted orders than OverdueAlarmThreshold passed their deadline in five "
            "minutes (restaurants or delivery are falling behind)."
        ),
        threshold=settings.overdue_alarm_threshold,
    )


def api_widget(api: OrdersApi) -> MetricWidget:
    """The dashboard's graph of the API's requests, 4xx and 5xx answers."""
    return MetricWidget(
        "Orders API",
        [
            ["AWS/ApiGateway", metric, "ApiId", api.api.id, "Stage", API_STAGE]
            for metric in ("Count", "4xx", "5xx")
        ],
    )


def export_outputs(
    state: OrderState, api: OrdersApi, restaurant_topic: aws.sns.Topic, alarm_topic: aws.sns.Topic
) -> None:
    """The outputs both SAM templates declare, under their names, so scripts read either."""
    pulumi.export("ApiUrl", api.api.api_endpoint)
    pulumi.export("OrdersBusName", state.bus.name)
    pulumi.export("RestaurantsTableName", state.restaurants_table.name)
    pulumi.export("RestaurantTopicArn", restaurant_topic.arn)
    pulumi.export("OrdersTableName", state.orders_table.name)
    pulumi.export("OrdersArchiveName", state.archive.name)
    pulumi.export("AlarmTopicArn", alarm_topic.arn)
    pulumi.export("UserPoolId", api.users.pool.id)
    pulumi.export("UserPoolClientId", api.users.client.id)
