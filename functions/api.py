"""The orders HTTP API (API Gateway HTTP API, payload format 2.0), shared by both styles.

Every change goes through the deployment's order flow (`orders.flow`): the outbox table in the
choreography style, the order's Step Functions execution in the orchestration style. Publishing
events is never this handler's job. `POST /orders` is idempotent per caller and Idempotency-Key.
"""

from __future__ import annotations

import os
import re
from typing import Any

import boto3
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders import identity
from orders.events import CORRELATION_ID_PATTERN, EventType, timestamp, utcnow
from orders.flow import FlowNotWaitingError, flow_from_environment
from orders.model import (
    Action,
    LineItem,
    Order,
    Status,
    TransitionNotAllowedError,
    describe_items,
    event_for,
    new_order_id,
    transition,
)
from orders.quota import CallerQuota
from orders.redaction import masks_failures, redacting_logger
from orders.registry import RestaurantRegistry
from orders.requests import BadRequestError, parse_place_order, parse_reject_order
from orders.store import OrderExistsError, OrderNotFoundError, OrderStore
from orders.timeline import Timeline
from orders.tracing import handler_tracer

IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
MAX_KEY_LENGTH = 128
CORRELATION_ID = re.compile(CORRELATION_ID_PATTERN)
ORDER_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KEY_REUSED = "Idempotency-Key: reused with a different body; send a new key for a new order"

logger = redacting_logger()
tracer = handler_tracer()
metrics = Metrics()
app = APIGatewayHttpResolver()

_dynamodb = boto3.client("dynamodb")
store = OrderStore(_dynamodb, os.environ["ORDERS_TABLE"])
flow = flow_from_environment(store)
restaurants = RestaurantRegistry(_dynamodb, os.environ["RESTAURANTS_TABLE"])
timeline = Timeline(_dynamodb, os.environ["TIMELINE_TABLE"])
idempotency = IdempotencyConfig(
    # Keyed by caller and key, so two callers never share an answer.
    event_key_jmespath="[caller, key]",
    payload_validation_jmespath="body",
    expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
)
# On the API's own client: left to make one, Powertools starts a second boto3 session at INIT.
persistence = DynamoDBPersistenceLayer(
    table_name=os.environ["IDEMPOTENCY_TABLE"], boto3_client=_dynamodb
)
quota = CallerQuota(
    _dynamodb, os.environ["IDEMPOTENCY_TABLE"], int(os.environ["ORDERS_PER_CALLER_PER_MINUTE"])
)


def _json(status_code: int, body: dict[str, Any]) -> Response[Any]:
    return Response(status_code=status_code, content_type="application/json", body=body)


def _error(status_code: int, message: str) -> Response[Any]:
    return _json(status_code, {"message": message})


def _bad_request(error: BadRequestError) -> Response[Any]:
    return _error(error.status_code, str(error))


def _not_found(error: OrderNotFoundError) -> Response[Any]:
    return _error(404, str(error))


def _conflict(error: TransitionNotAllowedError) -> Response[Any]:
    return _json(409, {"message": str(error), "status": error.current.value})


def _forbidden(error: identity.ForbiddenError) -> Response[Any]:
    return _error(403, str(error))


def _unauthenticated(error: identity.NotAuthenticatedError) -> Response[Any]:
    return _error(401, str(error))


def _not_waiting(error: FlowNotWaitingError) -> Response[Any]:
    return _json(409, {"message": str(error), "status": error.current.value})


app.exception_handler(BadRequestError)(_bad_request)
app.exception_handler(identity.ForbiddenError)(_forbidden)
app.exception_handler(identity.NotAuthenticatedError)(_unauthenticated)
app.exception_handler(FlowNotWaitingError)(_not_waiting)
app.exception_handler(OrderNotFoundError)(_not_found)
app.exception_handler(TransitionNotAllowedError)(_conflict)


class KeyReusedError(Exception):
    """An Idempotency-Key whose order exists was sent with another body (an HTTP 422)."""


def _caller() -> identity.Caller:
    return identity.caller_from(app.current_event.raw_event.get("requestContext", {}))


def _correlation_id() -> str:
    """The caller's X-Correlation-Id, which every event of the order carries; else the request id.

    It goes on the bus, so it is refused unless it is an identifier (CORRELATION_ID_PATTERN):
    an email address or other free text there would reach every consumer, the archive and the
    data lake.
    """
    supplied = app.current_event.headers.get("x-correlation-id")
    if supplied is None:
        return str(app.current_event.request_context.request_id)
    if not CORRELATION_ID.match(supplied):
        raise BadRequestError(
            f"X-Correlation-Id: {_shown(supplied)} is not accepted; use 1 to 128 letters, "
            "digits or ._:- (an identifier, never personal data: it is published in events)"
        )
    return supplied


def _shown(value: str) -> str:
    """A caller's value as an error message quotes it: escaped, and cut to 40 characters."""
    return repr(value[:40] + ("..." if len(value) > 40 else ""))


def _order_id(order_id: str) -> str:
    """A path's order id, refused before it reaches DynamoDB (whose keys hold 2048 bytes):
    no order has it, so it is a 404 however long it is."""
    if not ORDER_ID.match(order_id):
        raise BadRequestError(
            f"order {_shown(order_id)} not found: order ids are the UUIDs POST /orders answers",
            status_code=404,
        )
    return order_id


def _idempotency_key() -> str | None:
    key = app.current_event.headers.get("idempotency-key")
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise BadRequestError(
            f"Idempotency-Key: {_shown(key)} is not accepted; "
            f"use 1 to {MAX_KEY_LENGTH} printable characters"
        )
    return key


def place_order(command: dict[str, Any]) -> dict[str, Any]:
    """Validate and store a new order with its `order_placed` event; the answer's body."""
    request = parse_place_order(command["body"])
    if restaurants.find(request.restaurant_id) is None:
        raise BadRequestError(
            f"restaurant_id: unknown restaurant '{request.restaurant_id}'; "
            "the restaurant must be registered first",
            status_code=422,
        )
    now = utcnow()
    items = tuple(LineItem(i.name, i.quantity, i.unit_price) for i in request.items)
    order = Order(
        order_id=new_order_id(command["caller"], command["key"]),
        status=Status.PLACED,
        restaurant_id=request.restaurant_id,
        customer_email=command["email"],
        items=items,
        delivery_note=request.delivery_note,
        correlation_id=command["correlation_id"],
        placed_at=timestamp(now),
        updated_at=timestamp(now),
        version=1,
        customer_id=command["caller"],
        request_digest=request.digest(),
    )
    detail = event_for(
        order, EventType.ORDER_PLACED, now, items=describe_items(items), total=str(order.total)
    )
    try:
        flow.place(order, detail)
    except OrderExistsError:
        # Placed before with this key (its idempotency record may have expired since): the
        # same request answers that order; another body is refused, not silently dropped. In
        # orchestration its execution may not have stored it yet.
        existing = store.find(order.order_id) or order
        if existing.request_digest != order.request_digest:
            raise KeyReusedError(KEY_REUSED) from None
        return {"order_id": existing.order_id, "status": existing.status.value}
    metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
    return {"order_id": order.order_id, "status": order.status.value}


_place_order_once = idempotent_function(
    data_keyword_argument="command", persistence_store=persistence, config=idempotency
)(place_order)


@app.post("/orders")
@tracer.capture_method
def post_order() -> Response[Any]:
    caller = _caller()
    email = identity.require_customer(caller)
    key = _idempotency_key()
    now = utcnow()
    if not quota.take(caller.principal, now):
        return Response(
            status_code=429,
            content_type="application/json",
            body={
                "message": f"too many order requests: {quota.per_minute} a minute per account; "
                "retry after the minute"
            },
            headers={"Retry-After": str(quota.retry_after(now))},
        )
    command = {
        "caller": caller.principal,
        "email": email,
        "key": key,
        "body": app.current_event.decoded_body,
        "correlation_id": _correlation_id(),
    }
    if key is None:
        return _json(201, place_order(command))
    try:
        return _json(201, _place_order_once(command=command))
    except (IdempotencyValidationError, KeyReusedError):
        return _error(422, KEY_REUSED)
    except IdempotencyAlreadyInProgressError:
        return _error(409, "Idempotency-Key: the first request with this key is still running")


def _summary(order: Order) -> dict[str, Any]:
    return {"order_id": order.order_id, "status": order.status.value}


@app.get("/orders/<order_id>")
@tracer.capture_method
def get_order(order_id: str) -> Response[Any]:
    order = store.get(_order_id(order_id))
    identity.require_reader(_caller(), order)
    return _json(
        200,
        {
            **_summary(order),
            "restaurant_id": order.restaurant_id,
            "items": describe_items(order.items),
            "total": str(order.total),
            "delivery_note": order.delivery_note,
            "placed_at": order.placed_at,
            "updated_at": order.updated_at,
            **({"reason": order.reason} if order.reason else {}),
            # The projection of the bus: it may trail the status by the events still in flight.
            "timeline": [
                {"event": e.event_type.value, "at": e.detail["occurred_at"], "detail": e.detail}
                for e in timeline.entries(order_id)
            ],
        },
    )


def _act(order_id: str, action: Action, **fields: Any) -> Response[Any]:
    """Authorise, then move the order: a refused caller changes nothing."""
    order = store.get(_order_id(order_id))
    if action is Action.CANCEL:
        identity.require_owner(_caller(), order)
    else:
        identity.require_restaurant_of(_caller(), order)
    step = transition(order_id, order.status, action)
    updated = flow.act(order, step, event_for(order, step.event, utcnow(), **fields))
    metrics.add_metric(
        name=f"Orders{step.target.value.title().replace('_', '')}", unit=MetricUnit.Count, value=1
    )
    return _json(200, _summary(updated))


@app.post("/orders/<order_id>/cancel")
def cancel_order(order_id: str) -> Response[Any]:
    return _act(order_id, Action.CANCEL)


@app.post("/orders/<order_id>/accept")
def accept_order(order_id: str) -> Response[Any]:
    return _act(order_id, Action.ACCEPT)


@app.post("/orders/<order_id>/reject")
def reject_order(order_id: str) -> Response[Any]:
    identity.require_restaurant_of(_caller(), store.get(_order_id(order_id)))
    request = parse_reject_order(app.current_event.decoded_body)
    return _act(order_id, Action.REJECT, reason=request.reason)


@app.post("/orders/<order_id>/complete")
def complete_order(order_id: str) -> Response[Any]:
    return _act(order_id, Action.COMPLETE)


@masks_failures
@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    caller = identity.caller_from(event.get("requestContext", {}))
    logger.append_keys(caller=f"{caller.kind}:{caller.principal}")
    return app.resolve(event, context)
