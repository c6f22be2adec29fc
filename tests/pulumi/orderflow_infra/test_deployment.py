"""Stack config is checked as the SAM template's parameters are: clear refusals, sane defaults."""

from __future__ import annotations

import pulumi
import pytest
from pulumi_program import project_name, run_program

from orderflow_infra.deployment import ConfigError

PROJECT = "orders-choreography"
# The name in its Pulumi.yaml: it prefixes config keys and names the stack's resources.
NAME = project_name(PROJECT)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "SenderEmail",
            "not-an-address",
            "config SenderEmail: 'not-an-address' is not an email address (verify it in SES first)",
        ),
        ("AcceptanceTimeoutSeconds", 0, "config AcceptanceTimeoutSeconds: 0 is outside 1..86400"),
        (
            "AlarmEmail",
            "on-call",
            "config AlarmEmail: 'on-call' is not an email address (or empty, for no alarm e-mails)",
        ),
        ("Architecture", "arm", "config Architecture: 'arm' is not one of arm64, x86_64"),
        ("ArchiveRetentionDays", -1, "config ArchiveRetentionDays: -1 is outside 0..2147483647"),
        ("ApiThrottlingRateLimit", 0, "config ApiThrottlingRateLimit: 0 is outside 1..2147483647"),
        (
            "AcceptanceTimeoutSeconds",
            "ten",
            "config AcceptanceTimeoutSeconds: 'ten' is not a whole number",
        ),
        ("LogRetentionDays", 31, "config LogRetentionDays: 31 is not one of 1, 3, 5, 7, 14, 30,"),
        ("Architecture", "sparc", "config Architecture: 'sparc' is not one of arm64, x86_64"),
        (
            "MemorySizes",
            {"api": 64},
            "config MemorySizes.api: 64 is not a size in MB (128..10240)",
        ),
        (
            "MemorySizes",
            [256],
            "config MemorySizes: [256] is not a map of function to MB",
        ),
    ],
)
def test_a_bad_config_value_is_refused_naming_the_key_value_and_what_is_accepted(
    key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        run_program(PROJECT, overrides={f"{NAME}:{key}": value})

    assert str(refused.value).startswith(message)


def test_the_sender_email_is_required() -> None:
    with pytest.raises(pulumi.ConfigMissingError, match="SenderEmail"):
        run_program(PROJECT, overrides={f"{NAME}:SenderEmail": None})


def test_unset_values_take_the_sam_template_defaults() -> None:
    run = run_program(
        PROJECT,
        overrides={
            f"{NAME}:{key}": None
            for key in (
                "AcceptanceTimeoutSeconds",
                "LogRetentionDays",
                "PowertoolsLayerVersion",
                "MemorySizes",
                "ArchiveRetentionDays",
                "ApiThrottlingRateLimit",
                "ApiThrottlingBurstLimit",
                "AlarmEmail",
                "Architecture",
            )
        },
    )
    timer = run.named("acceptance-timer-function").inputs

    assert timer["environment"]["variables"]["ACCEPTANCE_TIMEOUT_SECONDS"] == "600"
    assert timer["memorySize"] == 256
    assert timer["layers"][0].endswith(":27")
    assert run.named("api-logs").inputs["retentionInDays"] == 30
    assert run.named("orders-archive").inputs["retentionDays"] == 365
    stage = run.named("orders-api-api-gateway-default-stage").inputs["defaultRouteSettings"]
    assert stage == {"throttlingBurstLimit": 100, "throttlingRateLimit": 50}
    assert not run.of_type("aws:sns/topicSubscription:TopicSubscription")


def test_the_architecture_reaches_every_function_and_its_layer() -> None:
    run = run_program(PROJECT, overrides={f"{NAME}:Architecture": "x86_64"})
    functions = run.of_type("aws:lambda/function:Function")

    assert functions
    for function in functions:
        assert function.inputs["architectures"] == ["x86_64"]
        assert function.inputs["layers"][0].endswith("-python313-x86_64:27")
