"""Runner behaviour that the orders stack does not exercise on its own."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest

from orderflow_definitions.errors import DefinitionError
from orderflow_localrun import LocalRunner
from orderflow_localrun.entered_time import aws_time

A_BUS = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: !Sub ${AWS::StackName}-bus
"""
TEMPLATE = (
    A_BUS
    + """\
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code/
      Handler: echo.handler
      Runtime: python3.13
      Events:
        Shaped:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt Bus.Name
            Pattern: {source: [test], detail-type: [shaped]}
            InputTransformer:
              InputPathsMap: {id: $.detail.id}
              InputTemplate: '{"order": <id>, "kind": "shaped"}'
        Constant:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt Bus.Name
            Pattern: {source: [test], detail-type: [constant]}
            Input: '{"fixed": true}'
        Replays:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt Bus.Name
            Pattern: {source: [test], detail-type: [plain], replay-name: [{exists: false}]}
"""
)


def _stack(tmp_path: Path) -> Path:
    (tmp_path / "code").mkdir()
    (tmp_path / "code/echo.py").write_text(
        "import json\n\ndef handler(event, context):\n    print('RECEIVED', json.dumps(event))\n"
    )
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return tmp_path / "template.yaml"


def _put(detail_type: str) -> None:
    boto3.client("events", region_name="us-east-1").put_events(
        Entries=[
            {
                "Source": "test",
                "DetailType": detail_type,
                "Detail": '{"id": 7}',
                "EventBusName": "shop-bus",
            }
        ]
    )


def test_rule_targets_get_their_input_transformer_or_constant_input_or_the_event(
    tmp_path: Path,
) -> None:
    with LocalRunner.start(_stack(tmp_path), stack_name="shop") as runner:
        for detail_type in ("shaped", "constant", "plain", "unmatched"):
            _put(detail_type)
        runner.settle()
        shaped, constant, plain = [
            json.loads(line.removeprefix("RECEIVED "))
            for line in runner.logs.getvalue().splitlines()
            if line.startswith("RECEIVED ")
        ]
    assert shaped == {"order": 7, "kind": "shaped"}
    assert constant == {"fixed": True}
    assert plain["detail-type"] == "plain"
    assert plain["time"].endswith("Z")
    assert "ingestion-time" not in plain
    assert [e.detail_type for e in runner.bus_events] == [
        "shaped",
        "constant",
        "plain",
        "unmatched",
    ]


STATE_MACHINE_TEMPLATE = (
    A_BUS
    + """\
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions:
        BusName: !GetAtt Bus.Name
      Policies:
        - EventBridgePutEventsPolicy:
            EventBusName: !GetAtt Bus.Name
"""
)
DEFINITION = {
    "StartAt": "Announce",
    "States": {
        "Announce": {
            "Type": "Task",
            "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {
                "Entries": [
                    {
                        "Source": "test",
                        "DetailType": "announced",
                        "EventBusName": "${BusName}",
                        "Detail": {"id.$": "$.id"},
                    }
                ]
            },
            "End": True,
        }
    },
}


def test_a_state_machine_runs_its_local_definition_with_substitutions_filled(
    tmp_path: Path,
) -> None:
    (tmp_path / "flow.asl.json").write_text(json.dumps(DEFINITION))
    (tmp_path / "template.yaml").write_text(STATE_MACHINE_TEMPLATE)
    with LocalRunner.start(tmp_path / "template.yaml", stack_name="shop") as runner:
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        arn = runner.names.refs["Flow"]
        execution = sfn.start_execution(stateMachineArn=arn, input='{"id": 7}')["executionArn"]
        deadline = time.monotonic() + 10
        while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the execution did not finish"
            time.sleep(0.05)
        assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
        [event] = runner.bus_events
    assert (event.bus, event.detail_type, event.detail) == ("shop-bus", "announced", {"id": 7})


def test_an_execution_a_stopped_runner_left_running_never_acts_on_the_next_runner(
    tmp_path: Path,
) -> None:
    """moto's execution threads outlive the mock; the next runner's stack has the same names."""
    waits_then_announces = {
        "StartAt": "Pause",
        "States": {"Pause": {"Type": "Wait", "Seconds": 1, "Next": "Announce"}}
        | DEFINITION["States"],
    }
    (tmp_path / "flow.asl.json").write_text(json.dumps(waits_then_announces))
    (tmp_path / "template.yaml").write_text(STATE_MACHINE_TEMPLATE)
    before = set(threading.enumerate())
    with LocalRunner.start(tmp_path / "template.yaml", stack_name="shop") as first:
        boto3.client("stepfunctions", region_name="us-east-1").start_execution(
            stateMachineArn=first.names.refs["Flow"], input='{"id": 7}'
        )
        executions = set(threading.enumerate()) - before
    with LocalRunner.start(tmp_path / "template.yaml", stack_name="shop") as second:
        for thread in executions:  # however late the first execution's timer fires
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in executions)
        second.settle()
        assert second.bus_events == []
    assert first.bus_events == []


def test_a_state_machine_definition_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(STATE_MACHINE_TEMPLATE)
    refused = r"Flow: DefinitionUri flow.asl.json: .*cannot read the state machine definition"
    with (
        pytest.raises(DefinitionError, match=refused),
        LocalRunner.start(tmp_path / "template.yaml"),
    ):
        pass


def test_a_state_machine_task_invokes_the_stacks_function_in_process(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "code/double.py").write_text(
        "def handler(event, context):\n"
        "    if event['n'] < 0:\n"
        "        raise ValueError('negative')\n"
        "    return {'doubled': event['n'] * 2}\n"
    )
    definition = {
        "StartAt": "Double",
        "States": {
            "Double": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "${DoubleArn}", "Payload.$": "$"},
                "ResultSelector": {"doubled.$": "$.Payload.doubled"},
                "End": True,
            }
        },
    }
    (tmp_path / "flow.asl.json").write_text(json.dumps(definition))
    (tmp_path / "template.yaml").write_text(
        A_BUS
        + """\
  Double:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: code/, Handler: double.handler, Runtime: python3.13}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions: {DoubleArn: !GetAtt Double.Arn}
      Policies: [{LambdaInvokePolicy: {FunctionName: !Ref Double}}]
"""
    )
    with LocalRunner.start(tmp_path / "template.yaml", stack_name="shop") as runner:
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        results = []
        for name, payload in (("ok", '{"n": 21}'), ("bad", '{"n": -1}')):
            arn = sfn.start_execution(
                stateMachineArn=runner.names.refs["Flow"], name=name, input=payload
            )["executionArn"]
            deadline = time.monotonic() + 10
            while (execution := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
                assert time.monotonic() < deadline, "the execution did not finish"
                time.sleep(0.05)
            results.append(execution)
    succeeded, failed = results
    assert (succeeded["status"], json.loads(succeeded["output"])) == ("SUCCEEDED", {"doubled": 42})
    assert failed["status"] == "FAILED"
    assert [i.ok for i in runner.functions["Double"].invocations] == [True, False]


def test_a_stack_with_stream_mappings_cannot_be_deployed_beside_another(
    choreography: LocalRunner,
) -> None:
    # A neighbour's functions run (promo's issuer); only stream mappings stay the first stack's.
    with pytest.raises(DefinitionError, match="cannot have stream mappings locally"):
        choreography.deploy_beside(
            "sam/choreography/template.yaml", {"SenderEmail": "a@b.co"}, "second"
        )


def test_a_state_s_entered_time_is_written_as_step_functions_writes_it() -> None:
    moment = datetime(2026, 12, 2, 17, 30, 5, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert aws_time(moment) == "2026-12-02T15:30:05.123Z"
