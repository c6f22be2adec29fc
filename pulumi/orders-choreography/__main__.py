"""The orders bounded context, choreography style: twin of sam/choreography/template.yaml.

Lambda functions react to the domain events on the orders bus; the orders table is the outbox
feeding that bus. Every resource is named after its SAM counterpart's logical id, in kebab case.
"""

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

# The building blocks every stack shares live beside the projects, in pulumi/orderflow_infra.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi
import pulumi_aws as aws

from orderflow_infra import alarms, events, orders, storage
from orderflow_infra.dashboards import AlarmWidget, MetricWidget, dashboard
from orderflow_infra.deployment import Deployment, OrderSettings
from orderflow_infra.functions import AsyncInvocation, FunctionSpec, StackFunction, lambda_function
from orderflow_infra.iam import Allow, service_role


def order_events(*names: str) -> dict[str, list[str]]:
    """The pattern matching the orders context's events named `names`."""
    return {"source": [orders.ORDER_SOURCE], "detail-type": list(names)}


deployment = Deployment.current(style="choreography")
settings = OrderSettings.load(pulumi.Config())

# ---------------------------------------------------------------- state and outbox
state = orders.order_state(deployment, settings, orders_stream="NEW_AND_OLD_IMAGES")
orders_table, orders_bus = state.orders_table, state.bus
outbox_failures = storage.parking_queue(deployment, "outbox-failures-queue")
function_dlq = storage.parking_queue(deployment, "function-dead-letter-queue")
rule_dlq = events.rule_dead_letter_queue(deployment, orders_bus)

defaults = state.function_defaults
asynchronous = AsyncInvocation(dead_letter_queue=function_dlq)


def reacting_function(spec: FunctionSpec, reacts_to: Sequence[str]) -> StackFunction:
    """A function the orders bus invokes for the events `reacts_to`: retried, then parked."""
    function = lambda_function(deployment, defaults, replace(spec, asynchronous=asynchronous))
    events.subscribe(
        deployment,
        function,
        bus_name=orders_bus.name,
        pattern=order_events(*reacts_to),
        dead_letter_queue=rule_dlq,
    )
    return function


outbox_publisher = lambda_function(
    deployment,
    defaults,
    FunctionSpec(
        name="outbox-publisher",
        handler="outbox_publisher.handler",
        description="Puts every event written to the orders table (the outbox) on the orders bus.",
        environment={"EVENT_BUS_NAME": orders_bus.name},
        statements=[
            Allow(["events:PutEvents"], [orders_bus.arn]),
            Allow(
                ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                [orders_table.stream_arn],
                sid="ReadOrdersStream",
            ),
            Allow(["sqs:SendMessage"], [outbox_failures.arn], sid="ParkFailedBatches"),
        ],
    ),
)
aws.lambda_.EventSourceMapping(
    "outbox-stream-mapping",
    function_name=outbox_publisher.function.name,
    event_source_arn=orders_table.stream_arn,
    starting_position="TRIM_HORIZON",
    batch_size=10,
    maximum_retry_attempts=10,
    bisect_batch_on_function_error=True,
    function_response_types=["ReportBatchItemFailures"],
    filter_criteria={"filters": [{"pattern": json.dumps({"eventName": ["INSERT", "MODIFY"]})}]},
    destination_config={"on_failure": {"destination_arn": outbox_failures.arn}},
    tags=deployment.tags,
)

# ---------------------------------------------------------------- the HTTP API
orders_api = orders.orders_api(
    deployment,
    state,
    settings,
    statements=[
        Allow(
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            [orders_table.arn],
            sid="OrdersOutbox",
        )
    ],
)

# ---------------------------------------------------------------- the choreography
restaurant_topic = storage.topic(deployment, "restaurant-topic")
orders_outbox = Allow(
    ["dynamodb:GetItem", "dynamodb:UpdateItem"], [orders_table.arn], sid="OrdersOutbox"
)

restaurant_notifier = reacting_function(
    FunctionSpec(
        name="restaurant-notifier",
        handler="restaurant_notifier.handler",
        description=(
            "Tells the restaurant (SNS) about new orders and orders it no longer has to cook."
        ),
        environment={"RESTAURANT_TOPIC_ARN": restaurant_topic.arn},
        statements=[Allow(["sns:Publish"], [restaurant_topic.arn]), orders_outbox],
    ),
    reacts_to=("order_placed", "order_cancelled", "order_timed_out", "order_overdue"),
)

acceptance_schedules = aws.scheduler.ScheduleGroup(
    "acceptance-schedules", name=f"{deployment.prefix}-acceptance", tags=deployment.tags
)
order_timeout = lambda_function(
    deployment,
    defaults,
    FunctionSpec(
        name="order-timeout",
        handler="order_timeout.handler",
        description="Times out an order its restaurant has not answered (invoked by its schedule).",
        statements=[orders_outbox],
        asynchronous=asynchronous,
    ),
)
# The order's deadline: the second clock, a schedule per accepted order.
deadline_schedules = aws.scheduler.ScheduleGroup(
    "deadline-schedules", name=f"{deployment.prefix}-deadline", tags=deployment.tags
)
order_overdue = lambda_function(
    deployment,
    defaults,
    FunctionSpec(
        name="order-overdue",
        handler="order_overdue.handler",
        description=(
            "Marks an accepted order overdue at its deadline, unless it completed first "
            "(invoked by its schedule)."
        ),
        statements=[orders_outbox],
        asynchronous=asynchronous,
    ),
)
scheduler_invoke_role = service_role(
    deployment,
    "scheduler-invoke-role",
    service="scheduler.amazonaws.com",
    trust_condition={"StringEquals": {"aws:SourceAccount": deployment.account_id}},
    statements=[
        Allow(["lambda:InvokeFunction"], [order_timeout.function.arn, order_overdue.function.arn]),
        Allow(["sqs:SendMessage"], [function_dlq.arn]),
    ],
    description=(
        "Lets the acceptance and deadline schedules invoke their functions and dead-letter "
        "what they cannot deliver."
    ),
)
pass_scheduler_role = Allow(
    ["iam:PassRole"],
    [scheduler_invoke_role.arn],
    sid="PassSchedulerRole",
    condition={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
)
acceptance_timer = reacting_function(
    FunctionSpec(
        name="acceptance-timer",
        handler="acceptance_timer.handler",
        description=(
            "Starts the acceptance clock on order_placed and stops it once the order is answered."
        ),
        environment={
            "SCHEDULE_GROUP": acceptance_schedules.name,
            "TIMEOUT_FUNCTION_ARN": order_timeout.function.arn,
            "SCHEDULER_ROLE_ARN": scheduler_invoke_role.arn,
            "SCHEDULE_DEAD_LETTER_ARN": function_dlq.arn,
            "ACCEPTANCE_TIMEOUT_SECONDS": str(settings.acceptance_timeout_seconds),
        },
        statements=[
            Allow(
                ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
                [
                    acceptance_schedules.name.apply(
                        lambda group: deployment.arn("scheduler", f"schedule/{group}/*")
                    )
                ],
                sid="AcceptanceSchedules",
            ),
            pass_scheduler_role,
        ],
    ),
    reacts_to=("order_placed", "order_accepted", "order_rejected", "order_cancelled"),
)
deadline_timer = reacting_function(
    FunctionSpec(
        name="deadline-timer",
        handler="deadline_timer.handler",
        description=(
            "Starts the order's deadline clock on order_accepted and stops it once the order "
            "completes or is cancelled."
        ),
        environment={
            "SCHEDULE_GROUP": deadline_schedules.name,
            "OVERDUE_FUNCTION_ARN": order_overdue.function.arn,
            "SCHEDULER_ROLE_ARN": scheduler_invoke_role.arn,
            "ORDER_DEADLINE_SECONDS": str(settings.order_deadline_seconds),
            "SCHEDULE_DEAD_LETTER_ARN": function_dlq.arn,
        },
        statements=[
            Allow(
                ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
                [
                    deadline_schedules.name.apply(
                        lambda group: deployment.arn("scheduler", f"schedule/{group}/*")
                    )
                ],
                sid="DeadlineSchedules",
            ),
            pass_scheduler_role,
            Allow(["dynamodb:GetItem"], [orders_table.arn], sid="ReadOrders"),
        ],
    ),
    reacts_to=("order_accepted", "order_completed", "order_cancelled"),
)

customer_notifier = reacting_function(
    FunctionSpec(
        name="customer-notifier",
        handler="customer_notifier.handler",
        description=(
            "Emails the customer (SES) whether the order was accepted, rejected or timed out, "
            "and when it is overdue."
        ),
        environment={"SENDER_EMAIL": settings.sender_email},
        statements=[
            Allow(
                ["ses:SendEmail"],
                [deployment.arn("ses", f"identity/{settings.sender_email}")],
                sid="SendFromSender",
            ),
            orders_outbox,
        ],
    ),
    reacts_to=("order_accepted", "order_rejected", "order_timed_out", "order_overdue"),
)

# ---------------------------------------------------------------- the order timeline
timeline_writer = orders.timeline_writer(
    deployment, state, function_dead_letters=function_dlq, rule_dead_letters=rule_dlq
)

# ---------------------------------------------------------------- when parts fail
alarm_topic = alarms.alarm_topic(
    deployment, context="orders", email=deployment.settings.alarm_email
)
functions = [
    orders_api.handler,
    outbox_publisher,
    restaurant_notifier,
    acceptance_timer,
    order_timeout,
    customer_notifier,
    timeline_writer,
    deadline_timer,
    order_overdue,
]
dead_letter_queues = [outbox_failures, function_dlq, rule_dlq]
function_alarms = orders.function_alarms(
    functions,
    topic=alarm_topic,
    errors_description=(
        "A function of the orders stack failed (async events are retried, then dead-lettered; "
        "API errors are 5xx)."
    ),
)
dead_letters_alarm = alarms.alarm_on_total(
    "dead-letters-alarm",
    metrics=[alarms.queue_depth(q) for q in dead_letter_queues],
    combine="MAX",
    label="messages in the deepest dead-letter queue",
    topic=alarm_topic,
    description=(
        "Events or stream batches wait in a dead-letter queue; redrive them (runbook https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-dead-letter-queue)."
    ),
)
api_5xx_alarm = orders.api_5xx_alarm(orders_api, topic=alarm_topic)
overdue_alarm = orders.overdue_alarm(settings, topic=alarm_topic)
dashboard(
    deployment,
    "dashboard",
    suffix="orders",
    widgets=[
        orders.api_widget(orders_api),
        MetricWidget(
            "Orders and events",
            [
                ["Orderflow", metric, "service", "orders"]
                for metric in ("OrdersPlaced", "OrdersCompleted", "EventsPublished")
            ],
        ),
        MetricWidget(
            "Function errors",
            [["AWS/Lambda", "Errors", "FunctionName", f.function.name] for f in functions],
        ),
        MetricWidget(
            "Dead letters",
            [
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.name]
                for q in dead_letter_queues
            ],
            stat="Maximum",
        ),
        AlarmWidget(
            "Alarms",
            [*function_alarms, dead_letters_alarm, api_5xx_alarm, overdue_alarm],
            width=24,
            height=3,
        ),
    ],
)

# Named as the SAM template's outputs, so scripts read either stack the same way.
orders.export_outputs(state, orders_api, restaurant_topic, alarm_topic)
