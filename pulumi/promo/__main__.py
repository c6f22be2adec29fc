"""The promo-code bounded context: twin of sam/promo/template.yaml.

Its own rule on the orders bus (either style's) turns every order_completed event into exactly
one promo code per order, kept in its own table and emailed to the customer through SES. Every
resource is named after its SAM counterpart's logical id, in kebab case.
"""

import sys
from pathlib import Path

# The building blocks every stack shares live beside the projects, in pulumi/orderflow_infra.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi

from orderflow_infra import alarms, dashboards, events, storage
from orderflow_infra import deployment as config_values
from orderflow_infra.deployment import Deployment
from orderflow_infra.functions import (
    AsyncInvocation,
    FunctionDefaults,
    FunctionSpec,
    lambda_function,
)
from orderflow_infra.iam import Allow

# The SAM parameter's AllowedPattern: the orders stack's table by name, not ARN.
TABLE_NAME = r"[A-Za-z0-9._\-]{3,255}"

deployment = Deployment.current(context="promo")
config = pulumi.Config()
orders_bus_name = config_values.orders_bus_name(config)
orders_table_name = config_values.name(
    config, "OrdersTableName", TABLE_NAME, "the orders stack's OrdersTableName output"
)
sender_email = config_values.email(config, "SenderEmail")

# ---------------------------------------------------------------- the ledger and its failures
promo_codes_table = storage.table(deployment, "promo-codes-table", key="order_id")
promo_dlq = events.dead_letter_queue(
    deployment,
    "promo-dead-letter-queue",
    rules=deployment.arn("events", f"rule/{orders_bus_name}/*"),
    sid="RuleDeadLetters",
)

promo_issuer = lambda_function(
    deployment,
    FunctionDefaults(
        environment={
            "POWERTOOLS_SERVICE_NAME": "promo",
            "POWERTOOLS_METRICS_NAMESPACE": "Orderflow",
        }
    ),
    FunctionSpec(
        name="promo-issuer",
        handler="promo_issuer.handler",
        description=(
            "Issues one promo code per completed order and emails it to the customer (SES)."
        ),
        environment={
            "PROMO_TABLE": promo_codes_table.name,
            "ORDERS_TABLE": orders_table_name,
            "SENDER_EMAIL": sender_email,
        },
        statements=[
            Allow(
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
                [promo_codes_table.arn],
                sid="PromoLedger",
            ),
            # Events carry ids only: the customer's address stays with the orders context, and
            # this function may read that one attribute of an order, nothing else.
            Allow(
                ["dynamodb:GetItem"],
                [deployment.arn("dynamodb", f"table/{orders_table_name}")],
                sid="CustomerAddressOnly",
                condition={
                    "ForAllValues:StringEquals": {
                        "dynamodb:Attributes": ["order_id", "customer_email"]
                    },
                    "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                },
            ),
            Allow(
                ["ses:SendEmail"],
                [deployment.arn("ses", f"identity/{sender_email}")],
                sid="SendFromSender",
            ),
        ],
        asynchronous=AsyncInvocation(dead_letter_queue=promo_dlq),
    ),
)
# Replays are delivered on purpose: the ledger is idempotent, so replaying a window back-fills
# codes missed while this stack was down and re-issues nothing.
events.subscribe(
    deployment,
    promo_issuer,
    bus_name=orders_bus_name,
    pattern={"source": ["orderflow.orders"], "detail-type": ["order_completed"]},
    dead_letter_queue=promo_dlq,
    event="order-completed",
    replays=True,
)

# ---------------------------------------------------------------- when it fails
alarm_topic = alarms.alarm_topic(deployment, context="promo", email=deployment.settings.alarm_email)
issuer_metrics = {"FunctionName": promo_issuer.function.name}
dead_letters = alarms.queue_depth(promo_dlq)
stack_alarms = [
    alarms.alarm(
        "promo-issuer-errors-alarm",
        metric=alarms.Metric("AWS/Lambda", "Errors", issuer_metrics),
        topic=alarm_topic,
        description=(
            "The promo issuer failed; failed events are retried, then land in PromoDeadLetterQueue."
        ),
    ),
    alarms.alarm(
        "promo-issuer-throttles-alarm",
        metric=alarms.Metric("AWS/Lambda", "Throttles", issuer_metrics),
        topic=alarm_topic,
        description="The promo issuer was throttled (account concurrency exhausted).",
    ),
    alarms.alarm(
        "promo-dead-letters-alarm",
        metric=dead_letters,
        topic=alarm_topic,
        description=(
            "order_completed events wait in PromoDeadLetterQueue; redrive them (runbook https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-dead-letter-queue)."
        ),
    ),
]
dashboards.dashboard(
    deployment,
    "dashboard",
    suffix="promo",
    widgets=[
        dashboards.MetricWidget(
            "Promo issuer",
            [
                ["AWS/Lambda", metric, "FunctionName", promo_issuer.function.name]
                for metric in ("Invocations", "Errors", "Throttles")
            ],
        ),
        dashboards.MetricWidget(
            "Codes issued and dead letters",
            [
                ["Orderflow", "PromoCodesIssued", "service", "promo", {"stat": "Sum"}],
                [
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    "QueueName",
                    promo_dlq.name,
                    {"stat": "Maximum"},
                ],
            ],
            stat=None,
        ),
        dashboards.AlarmWidget("Alarms", stack_alarms, width=24, height=3),
    ],
)

# Named as the SAM template's outputs, so scripts read either stack the same way.
pulumi.export("PromoCodesTableName", promo_codes_table.name)
pulumi.export("PromoDeadLetterQueueUrl", promo_dlq.url)
pulumi.export("AlarmTopicArn", alarm_topic.arn)
