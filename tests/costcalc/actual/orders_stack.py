"""An orchestration stack's month as CloudWatch and Cost Explorer report it: 1,000 orders."""

from __future__ import annotations

from decimal import Decimal

from costcalc.actual.resources import Resource
from tests.costcalc.actual.aws_answers import ACCOUNT, REGION, Answers

MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:OrdersStateMachine-AbCd1234"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-RestaurantTopic-XyZ"
RESOURCES = [
    Resource("function", "orders-ApiFunction-1a2b3c", "ApiFunction"),
    Resource("function", "orders-AwaitRestaurantFunction-3c4d", "AwaitRestaurantFunction"),
    Resource("function", "orders-TimelineWriterFunction-5e6f", "TimelineWriterFunction"),
    Resource("state_machine", MACHINE, "OrdersStateMachine"),
    Resource(
        "rule",
        "orders-bus|orders-TimelineWriterOrderEvents-9z",
        "TimelineWriterFunctionOrderEvents",
    ),
    Resource("http_api", "a1b2c3d4e5", "OrdersApi"),
    Resource("topic", TOPIC, "RestaurantTopic"),
    Resource("table", "orders-OrdersTable-QQ", "OrdersTable"),
]
D = Decimal
METRICS = {
    ("orders_state_machine", "ExecutionsStarted"): D(1000),
    ("orders_state_machine", "ExecutionsSucceeded"): D(990),
    ("orders_state_machine", "ExecutionsFailed"): D(10),
    ("api", "Invocations"): D(3700),
    ("api", "Duration"): D(3700 * 131),
    ("api", "IncomingBytes"): D(3700 * 512),
    ("await_restaurant", "Invocations"): D(1000),
    ("await_restaurant", "Duration"): D(60000),
    ("timeline_writer", "Invocations"): D(4700),
    ("timeline_writer", "Duration"): D(4700 * 20),
    ("timeline_writer_function_order_events", "Invocations"): D(4700),
    ("timeline_writer_function_order_events", "MatchedEvents"): D(4700),
    ("orders_api", "Count"): D(3700),
    ("POST /orders", "Count"): D(1000),
    ("POST /orders/{order_id}/accept", "Count"): D(820),
    ("POST /orders/{order_id}/reject", "Count"): D(100),
    ("POST /orders/{order_id}/cancel", "Count"): D(30),
    ("restaurant_topic", "NumberOfMessagesPublished"): D(1000),
    ("", "Send"): D(1000),
    ("orders", "OrdersOverdue"): D(20),  # of the 820 accepted: 800 completed in time
    ("orders", "ConsumedWriteCapacityUnits"): D(8000),
}
BILLED = [
    ("AWS Step Functions", "USE1-StateTransition", "7460", "StateTransition", "0.1865"),
    ("AWS Lambda", "USE1-Lambda-GB-Second-ARM", "150.3", "Lambda-GB-Second", "0.002004"),
    ("AWS Lambda", "USE1-Request-ARM", "9400", "Requests", "0.00188"),
    ("Amazon API Gateway", "USE1-ApiGatewayHttpRequest", "3700", "Requests", "0.0037"),
]


#: REPORT lines, those with an INIT and its total: the API function starts cold more often and
#: slower than the profile assumes.
INITS = {
    "orders-ApiFunction-1a2b3c": (3700, 370, 370 * 420),
    "orders-AwaitRestaurantFunction-3c4d": (1000, 50, 50 * 300),
    "orders-TimelineWriterFunction-5e6f": (4700, 0, 0),
}


#: The same bill grouped by the logical-id tag (the API function costs more than forecast).
BILLED_RESOURCES = [
    ("OrdersStateMachine", "0.1865"),
    ("ApiFunction", "0.0025"),
    ("AwaitRestaurantFunction", "0.0008"),
    ("TimelineWriterFunction", "0.000584"),
    ("OrdersApi", "0.0037"),
]


def answers() -> Answers:
    return Answers(list(RESOURCES), dict(METRICS), list(BILLED), list(BILLED_RESOURCES),
                   dict(INITS))  # fmt: skip
