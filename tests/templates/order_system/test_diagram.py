"""The README's diagram and path table are read from a template's wiring, not drawn by hand."""

from __future__ import annotations

from typing import Any

from orderflow_generator.diagram import mermaid, path_rows, references

BUS_RULE = {
    "Type": "EventBridgeRule",
    "Properties": {
        "EventBusName": {"Fn::GetAtt": ["Bus", "Name"]},
        "Pattern": {"source": ["shop"], "detail-type": ["paid", "shipped"]},
    },
}
TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        "Worker": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "worker.handler",
                "Events": {"Paid": BUS_RULE},
                "Policies": [
                    {
                        "Statement": [
                            {
                                "Action": ["dynamodb:PutItem"],
                                "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
                            }
                        ]
                    },
                ],
            },
        },
    }
}


def test_references_follow_ref_getatt_and_sub_placeholders() -> None:
    value = [
        {"Ref": "A"},
        {"Ref": "AWS::StackName"},
        {"Fn::GetAtt": "B.Arn"},
        {"Fn::Sub": "x/${C}/${AWS::Region}/${D.Name}"},
    ]
    assert list(references(value)) == ["A", "B", "C", "D"]


def test_a_rule_becomes_an_edge_from_its_bus_labelled_with_the_events_it_matches() -> None:
    diagram = mermaid(TEMPLATE)
    assert '  Bus -->|"paid, shipped"| Worker' in diagram
    assert '  Worker -->|"PutItem"| Table' in diagram
    assert '  Worker["Worker<br/>Lambda: worker.handler"]' in diagram


def test_a_path_counts_its_events_and_the_rule_deliveries_they_cause() -> None:
    rows = path_rows(TEMPLATE, {"happy": ["paid", "shipped", "closed"]}, "shop")
    assert rows == [("happy", 3, 2, "paid → shipped → closed")]
    assert path_rows(TEMPLATE, {"elsewhere": ["paid"]}, "other-source")[0][2] == 0


def test_a_rule_declared_on_its_own_wires_its_bus_to_the_function_it_targets() -> None:
    worker = TEMPLATE["Resources"]["Worker"]
    resources = {
        **TEMPLATE["Resources"],
        "Worker": {**worker, "Properties": {**worker["Properties"], "Events": {}}},
        "WorkerRule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventBusName": {"Fn::GetAtt": ["Bus", "Name"]},
                "EventPattern": {"source": ["shop"], "detail-type": ["paid", "shipped"]},
                "Targets": [{"Id": "Worker", "Arn": {"Fn::GetAtt": ["Worker", "Arn"]}}],
            },
        },
    }
    template = {"Resources": resources}

    assert '  Bus -->|"paid, shipped"| Worker' in mermaid(template)
    assert path_rows(template, {"happy": ["paid", "shipped"]}, "shop")[0][2] == 2
