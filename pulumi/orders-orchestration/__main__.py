"""The orders bounded context, orchestration style: twin of sam/orchestration/template.yaml.

One Standard Step Functions execution per order owns the flow (statemachine/orders.asl.json,
the file SAM deploys, with the same substitutions) and still publishes the domain events on the
orders bus. Every resource is named after its SAM counterpart's logical id, in kebab case.
"""

import sys
from pathlib import Path

# The building blocks every stack shares live beside the projects, in pulumi/orderflow_infra.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi

from orderflow_infra import alarms, events, orders, storage
from orderflow_infra.dashboards import AlarmWidget, MetricWidget, dashboard
from orderflow_infra.deployment import Deployment, OrderSettings
from orderflow_infra.functions import FunctionSpec, lambda_function
from orderflow_infra.iam import Allow
from orderflow_infra.state_machines import Logging, standard_state_machine

# The definition SAM deploys (DefinitionUri), from the repository's statemachine/.
DEFINITION = Path(__file__).resolve().parents[2] / "statemachine/orders.asl.json"
# Log delivery and X-Ray actions accept no resource narrower than * (AWS documentation).
LOG_DELIVERY_AND_TRACING = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)

deployment = Deployment.current(style="orchestration")
settings = OrderSettings.load(pulumi.Config())

# ---------------------------------------------------------------- state and bus
state = orders.order_state(deployment, settings)
orders_table, orders_bus = state.orders_table, state.bus
rule_dlq = events.rule_dead_letter_queue(deployment, orders_bus)
function_dlq = storage.parking_queue(deployment, "function-dead-letter-queue")

# ---------------------------------------------------------------- the orchestration
restaurant_topic = storage.topic(deployment, "restaurant-topic")
await_restaurant = lambda_function(
    deployment,
    state.function_defaults,
    FunctionSpec(
        name="await-restaurant",
        handler="await_restaurant.handler",
        description=(
            "Keeps the acceptance task token with the order, tells the restaurant (SNS), "
            "publishes restaurant_notified."
        ),
        environment={
            "RESTAURANT_TOPIC_ARN": restaurant_topic.arn,
            "EVENT_BUS_NAME": orders_bus.name,
        },
        statements=[
            Allow(["sns:Publish"], [restaurant_topic.arn]),
            Allow(["events:PutEvents"], [orders_bus.arn]),
            Allow(
                ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                [orders_table.arn],
                sid="KeepTheTaskToken",
            ),
        ],
    ),
)

sender_identity = deployment.arn("ses", f"identity/{settings.sender_email}")
orders_state_machine = standard_state_machine(
    deployment,
    "orders-state-machine",
    definition_file=DEFINITION,
    substitutions={
        "OrdersTable": orders_table.name,
        "EventBusName": orders_bus.name,
        "AwaitRestaurantFunctionArn": await_restaurant.function.arn,
        "RestaurantTopicArn": restaurant_topic.arn,
        "SenderEmail": settings.sender_email,
    },
    statements=[
        Allow(
            ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            [orders_table.arn],
            sid="WriteOrdersAndTheCompletionToken",
        ),
        Allow(["events:PutEvents"], [orders_bus.arn], sid="PublishDomainEvents"),
        Allow(["lambda:InvokeFunction"], [await_restaurant.function.arn], sid="AwaitTheRestaurant"),
        Allow(["sns:Publish"], [restaurant_topic.arn], sid="WithdrawFromTheRestaurant"),
        Allow(["ses:SendEmail"], [sender_identity], sid="EmailTheCustomer"),
        Allow(LOG_DELIVERY_AND_TRACING, ["*"], sid="DeliverLogsAndTraces"),
    ],
    # The execution data holds the customer's email: Logging's defaults keep it out of the logs.
    logging=Logging(
        log_group=storage.log_group(
            deployment,
            "state-machine-logs",
            log_group_name=f"/aws/vendedlogs/states/{deployment.prefix}-orders",
        )
    ),
)

# ---------------------------------------------------------------- the HTTP API
orders_api = orders.orders_api(
    deployment,
    state,
    settings,
    environment={
        "ORDER_FLOW": "state_machine",
        "STATE_MACHINE_ARN": orders_state_machine.arn,
        "ACCEPTANCE_TIMEOUT_SECONDS": str(settings.acceptance_timeout_seconds),
        "ORDER_DEADLINE_SECONDS": str(settings.order_deadline_seconds),
    },
    statements=[
        Allow(["dynamodb:GetItem"], [orders_table.arn], sid="ReadOrdersAndTheirTokens"),
        Allow(["states:StartExecution"], [orders_state_machine.arn], sid="StartTheOrdersFlow"),
        # Task-token actions accept no resource narrower than * (AWS service authorization
        # reference).
        Allow(
            ["states:SendTaskSuccess", "states:SendTaskFailure"],
            ["*"],
            sid="CallBackTheWaitingTask",
        ),
    ],
)

# ---------------------------------------------------------------- the order timeline
timeline_writer = orders.timeline_writer(
    deployment, state, function_dead_letters=function_dlq, rule_dead_letters=rule_dlq
)

# ---------------------------------------------------------------- when parts fail
alarm_topic = alarms.alarm_topic(
    deployment, context="orders", email=deployment.settings.alarm_email
)
functions = [orders_api.handler, await_restaurant, timeline_writer]
function_alarms = orders.function_alarms(
    functions,
    topic=alarm_topic,
    errors_description=(
        "A function of the orders stack failed (the state machine retries and catches; "
        "API errors are 5xx)."
    ),
)
dead_letters_alarm = alarms.alarm_on_total(
    "dead-letters-alarm",
    metrics=[alarms.queue_depth(q) for q in (rule_dlq, function_dlq)],
    combine="MAX",
    label="messages in the deeper dead-letter queue",
    topic=alarm_topic,
    description="Events wait in a dead-letter queue; redrive them (runbook https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-dead-letter-queue).",
)
# executions-<outcome>-alarm -> (metric, description)
EXECUTION_ALARMS = {
    "failed": (
        "ExecutionsFailed",
        "An order's execution failed; redrive it (runbook https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-failed-execution-orchestration).",
    ),
    "timed-out": ("ExecutionsTimedOut", "An order's execution timed out as a whole."),
    "aborted": (
        "ExecutionsAborted",
        "An order's execution was aborted (by hand or a redeploy).",
    ),
}
execution_alarms = [
    alarms.alarm(
        f"executions-{outcome}-alarm",
        metric=alarms.Metric("AWS/States", metric, {"StateMachineArn": orders_state_machine.arn}),
        topic=alarm_topic,
        description=description,
    )
    for outcome, (metric, description) in EXECUTION_ALARMS.items()
]
api_5xx_alarm = orders.api_5xx_alarm(orders_api, topic=alarm_topic)
overdue_alarm = orders.overdue_alarm(settings, topic=alarm_topic)
dashboard(
    deployment,
    "dashboard",
    suffix="orders",
    widgets=[
        orders.api_widget(orders_api),
        MetricWidget(
            "Order executions",
            [
                ["AWS/States", f"Executions{outcome}", "StateMachineArn", orders_state_machine.arn]
                for outcome in ("Started", "Succeeded", "Failed", "TimedOut", "Aborted")
            ],
        ),
        MetricWidget(
            "Function errors and throttles",
            [
                ["AWS/Lambda", metric, "FunctionName", f.function.name]
                for metric in ("Errors", "Throttles")
                for f in functions
            ],
        ),
        AlarmWidget(
            "Alarms",
            [*function_alarms, dead_letters_alarm, *execution_alarms, api_5xx_alarm, overdue_alarm],
        ),
    ],
)

# Named as the SAM template's outputs, so scripts read either stack the same way.
orders.export_outputs(state, orders_api, restaurant_topic, alarm_topic)
pulumi.export("OrdersStateMachineArn", orders_state_machine.arn)
