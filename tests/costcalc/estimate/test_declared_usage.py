"""A definition names its own usage file (a template's Metadata, a Pulumi project's config),
and the general estimate reads it unless another is given."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from costcalc.errors import UsageError
from costcalc.estimate.breakdown import declared_usage, estimate_source
from costcalc.estimate.declared_usage import (
    BUNDLED,
    bundled,
    from_metadata,
    from_pulumi_project,
    usage_path,
)
from costcalc.estimate.usage_file import UsageFile

ROOT = Path(__file__).parents[3]
TOPIC = (
    "Resources:\n  Alerts: {Type: AWS::SNS::Topic}\n"
    "  Mail:\n    Type: AWS::SNS::Subscription\n"
    "    Properties: {TopicArn: !Ref Alerts, Protocol: email, Endpoint: a@example.com}\n"
)
PUBLISHES = "version: 0.1\nresource_usage:\n  Alerts:\n    publishes_per_unit: 3\n"


def _entry_per_unit(template: Path, usage: UsageFile | None = None) -> Decimal | None:
    [estimate] = estimate_source(template, Decimal(1000), usage).estimates
    [entry] = estimate.followed.entries
    return entry.per_unit


def test_a_template_naming_a_usage_file_beside_it_is_estimated_with_it(tmp_path: Path) -> None:
    (tmp_path / "usage.yml").write_text(PUBLISHES)
    template = tmp_path / "template.yaml"
    template.write_text("Metadata:\n  costcalc: {usage: usage.yml}\n" + TOPIC)
    assert declared_usage(template) == [tmp_path / "usage.yml"]
    assert _entry_per_unit(template) == 3


def test_a_usage_file_given_wins_over_the_one_the_template_names(tmp_path: Path) -> None:
    (tmp_path / "usage.yml").write_text(PUBLISHES)
    template = tmp_path / "template.yaml"
    template.write_text("Metadata:\n  costcalc: {usage: usage.yml}\n" + TOPIC)
    assert _entry_per_unit(template, UsageFile()) == 1


def test_a_template_naming_none_is_estimated_with_the_defaults(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TOPIC)
    assert declared_usage(template) == [None]
    assert _entry_per_unit(template) == 1


def test_a_bundled_name_is_the_usage_file_costcalc_ships_wherever_the_template_lies() -> None:
    assert bundled() == ["choreography", "orchestration"]
    assert usage_path("choreography", Path("/anywhere")) == BUNDLED / "choreography.yaml"
    assert usage_path("usage.yml", Path("/anywhere")) == Path("/anywhere/usage.yml")


@pytest.mark.parametrize("style", ["choreography", "orchestration"])
def test_the_kits_stacks_name_the_usage_file_of_their_style(style: str) -> None:
    template = ROOT / f"sam/{style}/template.yaml"
    assert declared_usage(template) == [BUNDLED / f"{style}.yaml"]
    project = ROOT / f"pulumi/orders-{style}"
    document = yaml.safe_load((project / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert usage_path(from_pulumi_project(document, project) or "", project) == (
        BUNDLED / f"{style}.yaml"
    )


@pytest.mark.parametrize(
    "config",
    [
        {"costcalcUsage": {"type": "string", "default": "u.yml"}},
        {"costcalcUsage": {"value": "u.yml"}},
        {"costcalcUsage": "u.yml"},
        {"orders:costcalcUsage": {"default": "u.yml"}},
    ],
)
def test_a_pulumi_project_names_its_usage_file_as_project_config(config: dict[str, object]) -> None:
    assert from_pulumi_project({"name": "orders", "config": config}, Path("P")) == "u.yml"


def test_a_pulumi_project_without_it_names_none() -> None:
    assert from_pulumi_project({"name": "orders", "config": {"x": 1}}, Path("P")) is None
    assert from_pulumi_project({"name": "orders"}, Path("P")) is None


@pytest.mark.parametrize("value", [3, "", ["a.yml"]])
def test_a_usage_value_that_is_no_path_is_one_line_naming_it(value: object) -> None:
    with pytest.raises(UsageError) as raised:
        from_metadata({"Metadata": {"costcalc": {"usage": value}}}, Path("t.yaml"))
    assert str(raised.value) == (
        f"t.yaml: Metadata.costcalc.usage: {value!r}: expected a usage file's path (relative "
        "to the definition) or the name of one costcalc ships (choreography, orchestration)"
    )


def test_a_named_usage_file_that_is_missing_is_refused_naming_it(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Metadata:\n  costcalc: {usage: gone.yml}\n" + TOPIC)
    with pytest.raises(UsageError, match=r"gone\.yml: cannot read the usage file"):
        estimate_source(template, Decimal(1000))
