"""LocalRunner: one stack deployed into moto, with the delivery moto leaves to the runner."""

from __future__ import annotations

import copy
import io
import json
import re
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast
from unittest import mock
from zoneinfo import ZoneInfo

import boto3
import jsonpath_ng.ext as jsonpath_ext
from botocore.exceptions import ClientError
from jsonpath_ng.ext.parser import parse as parse_jsonpath
from moto import mock_aws
from moto.awslambda.models import LambdaBackend
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.config import DefaultConfig
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodbstreams.models import dynamodbstreams_backends
from moto.events.models import EventsBackend
from moto.events.models import Rule as MotoRule
from moto.events.utils import EventMessageType, EventTemplateParser
from moto.firehose.models import FirehoseBackend
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk,
    state_task_service_dynamodb,
    state_task_service_events,
    state_task_service_sfn,
    state_task_service_sns,
    state_task_service_sqs,
)
from moto.stepfunctions.responses import StepFunctionResponse

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.patterns import matches
from orderflow_localrun import dynamodb_limits, executions, http, task_tokens
from orderflow_localrun.deploy import Deployment, StreamMapping, deploy, parameter_values
from orderflow_localrun.entered_time import as_aws_writes_it
from orderflow_localrun.firehose import s3_delivery
from orderflow_localrun.intrinsics import Names
from orderflow_localrun.jwt_authorizer import Unauthorized, verified_claims
from orderflow_localrun.lambdas import FunctionError, InProcessFunction, holding_the_environment
from orderflow_localrun.template import load_template

MOTO_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
_AT_EXPRESSION = re.compile(r"^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$")
# moto's input transformer parses each InputPathsMap path anew, building a parser each time
# (a tenth of a choreography order's time); a parsed path is only read, so one serves them all.
_PARSED_JSONPATH = cache(parse_jsonpath)
_MAX_SETTLE_ROUNDS = 10_000
# What GetRecords returns at most when no Limit is given.
_GET_RECORDS_LIMIT = 1000
_EXECUTION_QUIET_SECONDS = 30.0
# Where moto's Step Functions tasks build their boto3 clients (see holding_the_environment).
_SFN_CLIENT_MODULES = (
    lambda_eval_utils,
    state_task_service_aws_sdk,
    state_task_service_dynamodb,
    state_task_service_events,
    state_task_service_sfn,
    state_task_service_sns,
    state_task_service_sqs,
)


@dataclass(frozen=True)
class BusEvent:
    """An event accepted by a bus, as its rules see it."""

    bus: str
    source: str
    detail_type: str
    detail: dict[str, Any]
    time: str


@dataclass(frozen=True)
class Notification:
    topic_arn: str
    subject: str | None
    message: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class Email:
    source: str
    to: list[str]
    subject: str
    body: str


@dataclass(frozen=True)
class _Delivery:
    rule: str
    target: dict[str, Any]
    event: dict[str, Any]


def _iso(timestamp: Any) -> str:
    if isinstance(timestamp, int | float):
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(timestamp)


class LocalRunner:
    """A stack from a SAM template, running in moto in this process.

    Use `LocalRunner.start(...)` as a context manager; everything is torn down on exit.
    """

    def __init__(self, deployment: Deployment, routes: list[http.Route]) -> None:
        self.deployment = deployment
        self.names = deployment.names
        self.logs = io.StringIO()
        self.functions = {
            k: InProcessFunction(spec, self.names.region, self.logs, self.now)
            for k, spec in deployment.functions.items()
        }
        self.routes = routes
        self.bus_events: list[BusEvent] = []
        self.neighbours: dict[str, Deployment] = {}
        self.neighbour_functions: dict[str, dict[str, InProcessFunction]] = {}
        #: Every rule delivery made, as (rule name, target ARN): what cost checks count.
        self.deliveries: list[tuple[str, str]] = []
        self.clock_offset = timedelta()
        self._deliveries: deque[_Delivery] = deque()
        self._fired_schedules: set[str] = set()
        self._streams: dict[str, _StreamReader] = {
            m.logical_id: _StreamReader(m, self.names.region) for m in deployment.stream_mappings
        }

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    @contextmanager
    def start(
        cls,
        template: Path | str,
        parameters: dict[str, str] | None = None,
        stack_name: str = "orders",
        region: str = "us-east-1",
    ) -> Iterator[LocalRunner]:
        """Transform `template`, deploy it into a fresh moto, and yield the running stack."""
        given = dict(parameters or {})
        with ExitStack() as stack:
            stack.enter_context(mock.patch.dict("os.environ", {"AWS_DEFAULT_REGION": region}))
            transformed = load_template(Path(template), given)
            stack.enter_context(mock_aws(config=cast(DefaultConfig, MOTO_CONFIG)))
            names = Names(
                stack_name=stack_name,
                region=region,
                account_id=DEFAULT_ACCOUNT_ID,
                parameters=parameter_values(transformed),
                mappings=transformed.mappings,
                conditions=transformed.conditions,
            )
            deployment = deploy(transformed, names)
            runner = cls(deployment, http.routes(transformed, names))
            runner._tap_the_bus(stack)
            # Runs first on exit, while moto and the runner's patches are still in place.
            stack.callback(executions.stop_running, region, _EXECUTION_QUIET_SECONDS)
            yield runner

    def deploy_beside(
        self, template: Path | str, parameters: dict[str, str], stack_name: str
    ) -> Deployment:
        """Deploy another stack (e.g. promo, given this one's bus name) into the same moto.

        Its rules are dispatched like this stack's and its functions run in this process too
        (as `neighbour_functions[stack_name]`); it may not have stream mappings of its own.
        """
        if stack_name == self.names.stack_name or stack_name in self.neighbours:
            raise DefinitionError(f"stack {stack_name!r} is already deployed on this runner")
        transformed = load_template(Path(template), parameters)
        if transformed.of_type("AWS::Lambda::EventSourceMapping"):
            raise DefinitionError(
                f"{template}: a stack deployed beside another cannot have stream mappings locally"
            )
        names = Names(
            stack_name=stack_name,
            region=self.names.region,
            account_id=self.names.account_id,
            parameters=parameter_values(transformed),
            mappings=transformed.mappings,
            conditions=transformed.conditions,
        )
        deployment = deploy(transformed, names)
        self.neighbours[stack_name] = deployment
        self.neighbour_functions[stack_name] = {
            k: InProcessFunction(spec, self.names.region, self.logs, self.now)
            for k, spec in deployment.functions.items()
        }
        return deployment

    def _function(self, arn: str) -> InProcessFunction | None:
        """The function `arn` names, in this stack or one deployed beside it."""
        found = self.deployment.function_by_arn(arn)
        if found is not None:
            return self.functions[found]
        for stack_name, deployment in self.neighbours.items():
            found = deployment.function_by_arn(arn)
            if found is not None:
                return self.neighbour_functions[stack_name][found]
        return None

    def _tap_the_bus(self, stack: ExitStack) -> None:
        """Record every accepted event and take over delivery to targets moto cannot reach."""
        runner = self
        original_send = MotoRule.send_to_targets
        original_put = EventsBackend.put_events

        def send_to_targets(
            rule: MotoRule, event: dict[str, Any], transform_input: bool = True
        ) -> None:
            pattern = json.loads(rule.event_pattern.dump() or "{}")
            if rule.state != "ENABLED" or not matches(pattern, event, f"rule {rule.name}"):
                return
            ours = [t for t in rule.targets if runner._delivers(t["Arn"])]
            theirs = [t for t in rule.targets if not runner._delivers(t["Arn"])]
            for target in ours:
                runner._deliveries.append(
                    _Delivery(rule.name, target, json.loads(json.dumps(event)))
                )
            if theirs:
                all_targets, rule.targets = rule.targets, theirs
                try:
                    original_send(rule, cast(EventMessageType, event), transform_input)
                finally:
                    rule.targets = all_targets

        def put_events(
            backend: EventsBackend, events: list[dict[str, Any]]
        ) -> list[dict[str, Any]]:
            # An event the caller gave no time is stamped on the runner's clock, as its
            # handlers' times are, not moto's (wall time).
            now = runner.now().timestamp()
            events = [event if "Time" in event else {**event, "Time": now} for event in events]
            entries = original_put(backend, events)
            for request, entry in zip(events, entries, strict=True):
                if "EventId" in entry:
                    runner.bus_events.append(
                        BusEvent(
                            bus=str(request.get("EventBusName") or "default").split("/")[-1],
                            source=request["Source"],
                            detail_type=request["DetailType"],
                            detail=json.loads(request["Detail"]),
                            time=_iso(request["Time"]),
                        )
                    )
            return entries

        # Lambda's Invoke API (Step Functions tasks call it) runs the stack's functions here;
        # moto's Docker-less backend would only echo the payload.
        for backend_class in (LambdaBackend, LambdaSimpleBackend):
            stack.enter_context(
                mock.patch.object(backend_class, "invoke", runner._lambda_invoke(backend_class))
            )
        for name, handler in [
            ("send_task_success", task_tokens.send_task_success),
            ("send_task_failure", task_tokens.send_task_failure),
        ]:
            stack.enter_context(mock.patch.object(StepFunctionResponse, name, handler))
        stack.enter_context(task_tokens.deciding_time_outs())
        # Firehose writes to S3 as AWS does (prefix expressions, delimiter, compression).
        stack.enter_context(
            mock.patch.object(FirehoseBackend, "put_s3_records", s3_delivery(runner.now))
        )
        stack.enter_context(mock.patch.object(MotoRule, "send_to_targets", send_to_targets))
        stack.enter_context(mock.patch.object(jsonpath_ext, "parse", _PARSED_JSONPATH))
        stack.enter_context(mock.patch.object(EventsBackend, "put_events", put_events))
        stack.enter_context(dynamodb_limits.enforced())
        stack.enter_context(as_aws_writes_it(runner.now))
        for module in _SFN_CLIENT_MODULES:
            stack.enter_context(
                mock.patch.object(
                    module, "boto_client_for", holding_the_environment(module.boto_client_for)
                )
            )

    def _lambda_invoke(self, backend_class: type[LambdaBackend]) -> Any:
        original = backend_class.invoke

        def invoke(  # noqa: PLR0917 - the signature moto calls
            backend: LambdaBackend,
            function_name: str,
            qualifier: str | None,
            body: Any,
            headers: Any,
            response_headers: Any,
        ) -> str | bytes | None:
            function = self._function(function_name)
            if function is None:
                return original(backend, function_name, qualifier, body, headers, response_headers)
            payload = json.loads(body) if body else {}
            if headers.get("X-Amz-Invocation-Type") == "Event":
                self._invoke_async(function, payload)
                return b""
            try:
                return json.dumps(function.invoke(payload)).encode()
            except FunctionError as failure:
                response_headers["x-amz-function-error"] = "Unhandled"
                error_type, _, message = failure.error.partition(": ")
                return json.dumps({"errorType": error_type, "errorMessage": message}).encode()

        return invoke

    @staticmethod
    def _delivers(arn: str) -> bool:
        return arn.split(":")[2] in {"lambda", "sns", "firehose"}

    # ------------------------------------------------------------------ driving it
    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        settle: bool = True,
        caller: dict[str, str] | None = None,
    ) -> http.HttpResponse:
        """Send an HTTP request to the stack's API; by default wait until all it caused is done.

        `body` may be a str (sent as is) or anything JSON-serialisable. `caller` is the signed-in
        caller's token claims (`orderflow_localrun.customer(...)`,
        `orderflow_localrun.restaurant_staff(...)`); without
        them, a route behind a JWT authorizer checks the `Authorization` header's bearer token
        (a real one from the stack's user pool in moto) and answers 401 if there is none or it
        is refused, as API Gateway does, never reaching the function.
        """
        raw = body if body is None or isinstance(body, str) else json.dumps(body)
        if raw is not None and len(raw.encode()) > http.PAYLOAD_LIMIT_BYTES:
            return http.HttpResponse(413, {"content-type": "application/json"}, http.TOO_LARGE)
        found = http.match(self.routes, method.upper(), path.split("?", 1)[0])
        if found is None:
            return http.HttpResponse(
                404, {"content-type": "application/json"}, '{"message":"Not Found"}'
            )
        route, parameters = found
        if route.authorizer == "jwt" and caller is None:
            caller = self._verified_caller(route, headers or {})
            if caller is None:
                return http.HttpResponse(
                    401, {"content-type": "application/json"}, '{"message":"Unauthorized"}'
                )
        event = http.request_event(
            route=route,
            parameters=parameters,
            method=method.upper(),
            url=path,
            body=raw,
            headers=headers or {},
            names=self.names,
            claims=caller,
            now=self.now(),
        )
        function = self.deployment.function_by_arn(route.function_arn)
        if function is None:
            raise DefinitionError(
                f"route {route.key}: integration {route.function_arn} is not in the stack"
            )
        try:
            result = self.functions[function].invoke(event)
        except FunctionError:
            response = http.HttpResponse(
                500, {"content-type": "application/json"}, '{"message":"Internal Server Error"}'
            )
        else:
            response = http.response_from(result)
        if settle:
            self.settle()
        return response

    def _verified_caller(self, route: http.Route, headers: dict[str, str]) -> dict[str, str] | None:
        """The claims of the request's bearer token, checked as the HTTP API's JWT authorizer
        checks them (signature, issuer, audience, expiry on the runner's clock); None if refused."""
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        if route.jwt is None or authorization is None:
            return None
        try:
            return verified_claims(authorization, route.jwt, self.now().timestamp())
        except Unauthorized:
            return None

    def wait_for_executions(self, timeout: float = 30.0) -> None:
        """Wait until every Step Functions execution has ended (a time-out fires in real time)."""
        executions.wait_until_ended(self.names.region, timeout)
        self.settle()

    def execution_history(self, name: str) -> list[executions.HistoryEvent]:
        """The history of the stack's execution called `name` (for the orders flow: an order id)."""
        return executions.history(self.names.region, name)

    def now(self) -> datetime:
        """The runner's clock: wall time plus however far tests advanced it."""
        return datetime.now(UTC) + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward, fire the schedules now due, and settle.

        Schedules fire only here, never in a plain `settle`: the clock reads wall time, and a
        slow machine must not let a 2-second acceptance timer fire between two steps of a test.
        """
        self.clock_offset += timedelta(seconds=seconds)
        self.settle()
        while self._fire_due_schedules():
            self.settle()

    def settle(self) -> None:
        """Deliver stream records and bus events until nothing is left to do.

        Step Functions executions run in moto's threads: settling also waits until each one
        waits for a callback or has ended. Due schedules wait for `advance`.
        """
        for _ in range(_MAX_SETTLE_ROUNDS):
            if self._poll_streams() | self._deliver_one():
                continue
            if not executions.wait_until_quiet(self.names.region, _EXECUTION_QUIET_SECONDS):
                return
        raise RuntimeError(f"the stack did not settle after {_MAX_SETTLE_ROUNDS} rounds (a loop?)")

    # ------------------------------------------------------------------ bus targets
    def _deliver_one(self) -> bool:
        if not self._deliveries:
            return False
        delivery = self._deliveries.popleft()
        target = delivery.target
        self.deliveries.append((delivery.rule, target["Arn"]))
        payload = _target_input(target, delivery.event)
        if not self._send(target["Arn"], payload):
            # EventBridge could not deliver at all: its retry policy, then the rule's DLQ.
            self._dead_letter(target.get("DeadLetterConfig", {}).get("Arn"), payload)
        return True

    def _send(self, arn: str, payload: Any) -> bool:
        """Deliver `payload` as AWS services do (Lambda asynchronously); False if undeliverable."""
        service = arn.split(":")[2]
        if service == "lambda":
            function = self._function(arn)
            if function is None:
                return False
            self._invoke_async(function, payload)
        elif service == "sns":
            boto3.client("sns", region_name=self.names.region).publish(
                TopicArn=arn, Message=json.dumps(payload)
            )
        elif service == "sqs":
            self._to_queue(arn, payload)
        elif service == "firehose":
            try:
                boto3.client("firehose", region_name=self.names.region).put_record(
                    DeliveryStreamName=arn.rsplit("/", 1)[-1],
                    Record={"Data": json.dumps(payload, separators=(",", ":")).encode()},
                )
            except ClientError:  # e.g. the stream is gone: EventBridge gives up and dead-letters
                return False
        else:
            raise DefinitionError(f"target {arn}: the runner cannot deliver to {service}")
        return True

    def _invoke_async(self, function: InProcessFunction, payload: Any) -> None:
        """Lambda's asynchronous invocation: retries on error, then the function's DLQ."""
        for _ in range(function.spec.async_retries + 1):
            try:
                function.invoke(payload)
                return
            except FunctionError:
                continue
        self._dead_letter(function.spec.dead_letter_arn, payload)

    def _to_queue(self, arn: str, payload: Any) -> None:
        sqs = boto3.client("sqs", region_name=self.names.region)
        url = sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(payload, default=str))

    def _dead_letter(self, arn: str | None, payload: Any) -> None:
        if arn is None:
            return  # dropped, as AWS does without a dead-letter queue
        self._to_queue(arn, payload)

    # ------------------------------------------------------------------ streams
    def _poll_streams(self) -> bool:
        worked = False
        for reader in self._streams.values():
            reader.fetch()
            batch = reader.next_batch()
            if batch:
                worked = True
                self._process_batch(reader, batch)
        return worked

    def _process_batch(self, reader: _StreamReader, batch: list[dict[str, Any]]) -> None:
        mapping = reader.mapping
        try:
            result = self.functions[mapping.function].invoke({"Records": batch})
        except FunctionError:
            reader.failed(len(batch))
            return
        failures = (
            (result or {}).get("batchItemFailures", []) if mapping.report_item_failures else []
        )
        if not failures:
            reader.done(len(batch))
            return
        failed_ids = {f["itemIdentifier"] for f in failures}
        first = next(
            i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed_ids
        )
        reader.done(first)
        reader.failed(len(batch) - first)

    # ------------------------------------------------------------------ schedules
    def _fire_due_schedules(self) -> bool:
        scheduler = boto3.client("scheduler", region_name=self.names.region)
        fired = False
        for group in scheduler.list_schedule_groups()["ScheduleGroups"]:
            for summary in scheduler.list_schedules(GroupName=group["Name"])["Schedules"]:
                schedule = cast(
                    dict[str, Any],
                    scheduler.get_schedule(Name=summary["Name"], GroupName=group["Name"]),
                )
                due = _due_time(schedule)
                if (
                    schedule.get("State") == "DISABLED"
                    or schedule["Arn"] in self._fired_schedules
                    or due is None
                    or due > self.now()
                ):
                    continue
                fired = True
                target = schedule["Target"]
                payload = json.loads(target["Input"]) if target.get("Input") else {}
                self._fire(target, payload)
                if schedule.get("ActionAfterCompletion") == "DELETE":
                    scheduler.delete_schedule(Name=summary["Name"], GroupName=group["Name"])
                else:
                    self._fired_schedules.add(schedule["Arn"])
        return fired

    def _fire(self, target: dict[str, Any], payload: Any) -> None:
        if not self._send(target["Arn"], payload):
            self._dead_letter(target.get("DeadLetterConfig", {}).get("Arn"), payload)

    # ------------------------------------------------------------------ archive and replay
    def replay(self, archive_logical_id: str, name: str, start: datetime, end: datetime) -> str:
        """Replay the archive's events from `start` to `end` onto its bus, as the runbook
        (https://orderflow-kit.github.io/orderflow-kit/runbooks/#replay-a-time-window) does with
        `aws events start-replay`, and settle; the replay's final state."""
        events = boto3.client("events", region_name=self.names.region)
        archive = events.describe_archive(ArchiveName=self.names.refs[archive_logical_id])
        events.start_replay(
            ReplayName=name,
            EventSourceArn=archive["ArchiveArn"],
            EventStartTime=start,
            EventEndTime=end,
            Destination={"Arn": archive["EventSourceArn"]},
        )
        self.settle()
        return str(events.describe_replay(ReplayName=name)["State"])

    # ------------------------------------------------------------------ what happened
    def notifications(self) -> list[Notification]:
        """Every SNS message published to the stack's topics, in order."""
        backend = sns_backends[self.names.account_id][self.names.region]
        return [
            Notification(
                topic_arn=arn,
                subject=subject,
                message=message,
                attributes={
                    k: v.get("Value", v.get("StringValue", "")) for k, v in (attrs or {}).items()
                },
            )
            for arn, topic in backend.topics.items()
            for _, message, subject, attrs, _ in topic.sent_notifications
        ]

    def emails(self) -> list[Email]:
        """Every email sent through SES, in order."""
        backend = ses_backends[self.names.account_id][self.names.region]
        return [
            Email(
                source=m.source,
                to=list(m.destinations.get("ToAddresses", [])),
                subject=m.subject,
                body=m.body,
            )
            for m in backend.sent_messages
        ]

    def verify_email_identity(self, address: str) -> None:
        """What a deployer does in SES before sending from `address` (SES refuses otherwise)."""
        boto3.client("ses", region_name=self.names.region).verify_email_identity(
            EmailAddress=address
        )

    def queue_messages(self, logical_id: str, stack: str | None = None) -> list[Any]:
        """The bodies waiting in one of the stack's queues (dead letters, failed batches).

        `stack` names a stack deployed beside this one; by default this stack's queue.
        """
        sqs = boto3.client("sqs", region_name=self.names.region)
        names = self.neighbours[stack].names if stack else self.names
        url = names.refs[logical_id]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def _target_input(target: dict[str, Any], event: dict[str, Any]) -> Any:
    """What a rule target receives: its Input, its InputTransformer's output, or the event."""
    if "Input" in target:
        return json.loads(target["Input"])
    if "InputTransformer" in target:
        transformer = target["InputTransformer"]
        return EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=cast(EventMessageType, event),
        )
    delivered = {k: v for k, v in event.items() if k != "ingestion-time"}
    delivered["time"] = _iso(delivered.get("time"))
    return delivered


def _due_time(schedule: dict[str, Any]) -> datetime | None:
    """When a one-time `at(...)` schedule is due; None for rate() and cron() schedules."""
    found = _AT_EXPRESSION.match(schedule.get("ScheduleExpression", ""))
    if not found:
        return None
    zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
    return datetime.fromisoformat(found.group(1)).replace(tzinfo=zone)


class _StreamReader:
    """Reads one DynamoDB stream for one event source mapping, with Lambda's retry rules."""

    def __init__(self, mapping: StreamMapping, region: str) -> None:
        self.mapping = mapping
        self._client = boto3.client("dynamodbstreams", region_name=region)
        self._region = region
        self._iterators: dict[str, str | None] = {}
        # How many records each shard has handed over, to skip reading a shard that did not grow.
        self._read: dict[str, int] = {}
        self._pending: list[dict[str, Any]] = []
        self._attempts = 0
        for shard in self._client.describe_stream(StreamArn=mapping.stream_arn)[
            "StreamDescription"
        ]["Shards"]:
            self._iterators[shard["ShardId"]] = self._client.get_shard_iterator(
                StreamArn=mapping.stream_arn,
                ShardId=shard["ShardId"],
                ShardIteratorType="TRIM_HORIZON",
            )["ShardIterator"]

    def fetch(self) -> None:
        for shard, iterator in self._iterators.items():
            if iterator is None or not self._grew(shard):
                continue
            response = self._get_records(iterator)
            self._iterators[shard] = response.get("NextShardIterator")
            self._read[shard] = self._read.get(shard, 0) + len(response["Records"])
            for record in response["Records"]:
                event = self._lambda_record(record)
                if self._passes_filters(event):
                    self._pending.append(event)

    def _get_records(self, iterator: str) -> dict[str, Any]:
        """GetRecords' answer (up to 1,000 records), asked of moto's backend.

        Through the API, moto's serialiser and botocore's parser took 40 ms a call for two
        records, a third of a stream-heavy test's time; the records are copied, as a response is.
        """
        backend = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][self._region]
        return copy.deepcopy(backend.get_records(iterator, _GET_RECORDS_LIMIT))

    def _grew(self, shard: str) -> bool:
        """Whether `shard` holds records this reader has not read (True if moto cannot say).

        Asked of moto's table, not with GetRecords: `settle()` reads every stream in every round,
        and those calls were 12 of a choreography order's 45 AWS calls, most of them empty.
        """
        table_name = self.mapping.stream_arn.split(":", 5)[5].split("/")[1]
        table = dynamodb_backends[DEFAULT_ACCOUNT_ID][self._region].tables.get(table_name)
        stream = table.stream_shard if table is not None else None
        if stream is None or stream.id != shard:
            return True
        return len(stream.items) > self._read.get(shard, 0)

    def _lambda_record(self, record: Any) -> dict[str, Any]:
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):  # moto's is naive, in UTC
            dynamodb["ApproximateCreationDateTime"] = int(created.replace(tzinfo=UTC).timestamp())
        return {
            "eventID": record["eventID"],
            "eventName": record["eventName"],
            "eventVersion": record.get("eventVersion", "1.1"),
            "eventSource": "aws:dynamodb",
            "awsRegion": self._region,
            "dynamodb": dynamodb,
            "eventSourceARN": self.mapping.stream_arn,
        }

    def _passes_filters(self, record: dict[str, Any]) -> bool:
        if not self.mapping.filters:
            return True
        where = f"{self.mapping.logical_id}.FilterCriteria"
        return any(matches(f, record, where) for f in self.mapping.filters)

    def next_batch(self) -> list[dict[str, Any]]:
        return self._pending[: self.mapping.batch_size]

    def done(self, count: int) -> None:
        del self._pending[:count]
        self._attempts = 0

    def failed(self, count: int) -> None:
        """The first `count` pending records failed: retry them, or give up past the limit."""
        self._attempts += 1
        limit = self.mapping.maximum_retry_attempts
        if limit >= 0 and self._attempts > limit:
            failed = self._pending[:count]
            del self._pending[:count]
            self._attempts = 0
            if self.mapping.on_failure_arn:
                self._on_failure(failed)

    def _on_failure(self, records: list[dict[str, Any]]) -> None:
        sqs = boto3.client("sqs", region_name=self._region)
        url = sqs.get_queue_url(QueueName=str(self.mapping.on_failure_arn).rsplit(":", 1)[-1])[
            "QueueUrl"
        ]
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps(
                {
                    "requestContext": {"condition": "RetryAttemptsExhausted"},
                    "DDBStreamBatchInfo": {
                        "streamArn": self.mapping.stream_arn,
                        "batchSize": len(records),
                        "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
                        "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
                    },
                }
            ),
        )
