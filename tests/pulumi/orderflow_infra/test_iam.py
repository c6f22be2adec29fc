"""Policies are data rendered to IAM JSON once every ARN they name is known."""

from __future__ import annotations

import json

import pulumi
from pulumi_program import FakeAws

from costcalc.estimate.fake_aws import Account
from orderflow_infra.iam import Allow, policy_document, trust_policy

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"


def render(statements: list[Allow]) -> dict[str, object]:
    pulumi.runtime.set_mocks(FakeAws(Account()), preview=False)
    rendered: dict[str, object] = {}

    @pulumi.runtime.test  # type: ignore[misc]
    def run() -> pulumi.Output[None]:
        return policy_document(statements).apply(lambda text: rendered.update(json.loads(text)))

    run()
    return rendered


def test_a_statement_names_its_resources_once_their_outputs_resolve() -> None:
    document = render(
        [
            Allow(["dynamodb:GetItem"], [pulumi.Output.from_input(TABLE_ARN)], sid="Read"),
            Allow(["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:123456789012:a", "arn:b"]),
        ]
    )

    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Sid": "Read",
                "Action": ["dynamodb:GetItem"],
                "Resource": TABLE_ARN,
            },
            {
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": ["arn:aws:sqs:us-east-1:123456789012:a", "arn:b"],
            },
        ],
    }


def test_a_condition_is_rendered_with_the_statement() -> None:
    condition = {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    document = render([Allow(["iam:PassRole"], ["arn:role"], condition=condition)])

    assert document["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": "arn:role",
            "Condition": condition,
        }
    ]


def test_a_trust_policy_lets_one_service_assume_the_role_under_an_optional_condition() -> None:
    condition = {"StringEquals": {"aws:SourceAccount": "123456789012"}}

    assert json.loads(trust_policy("scheduler.amazonaws.com", condition)) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }
