"""`costcalc estimate` on any definition: usage files written and read back, bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from costcalc.estimate.declared_usage import BUNDLED
from tests.costcalc.helpers import run_costcalc as costcalc

CORPUS = Path(__file__).parents[1] / "estimate/template_corpus/cases"
PUBLIC = CORPUS / "server-apigw-sfn-crud/template.yaml"
TOPIC_ONLY = "Resources:\n  T: {Type: AWS::SNS::Topic}\n"


def test_init_usage_lists_every_unknown_and_default_and_reads_back_as_user(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    written = costcalc("estimate", PUBLIC, "--init-usage", usage)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    document = yaml.safe_load(usage.read_text())
    assert document["version"] == 0.1
    before = json.loads(costcalc("estimate", PUBLIC, "--format", "json").stdout)
    keys = {item["key"] for item in before["templates"][0]["defaults"]}
    for key in keys:
        resource, _, rest = key.partition(".")
        assert rest.split(".")[0] in document["resource_usage"][resource]
    after = json.loads(costcalc("estimate", PUBLIC, "--usage", usage, "--format", "json").stdout)
    assert after["monthly_usd"] == before["monthly_usd"]
    assert {e["label"] for e in after["templates"][0]["entries"]} == {"user"}


def test_a_usage_file_written_with_nothing_to_fill_in_reads_back(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(TOPIC_ONLY)
    usage = tmp_path / "usage.yml"
    assert costcalc("estimate", template, "--init-usage", usage).returncode == 0
    read_back = costcalc("estimate", template, "--usage", usage)
    assert read_back.returncode == 0, read_back.stderr


def test_volume_and_orders_per_month_are_one_flag(tmp_path: Path) -> None:
    one = costcalc("estimate", PUBLIC, "--volume", "5000", "--format", "json")
    other = costcalc("estimate", PUBLIC, "--orders-per-month", "5000", "--format", "json")
    assert one.stdout == other.stdout
    assert json.loads(one.stdout)["volume"] == 5000


def test_a_template_with_nothing_billable_exits_0_with_a_zero_total(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TOPIC_ONLY)
    result = costcalc("estimate", "t.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "nothing billed: nothing billable per unit of work" in result.stdout
    assert "Total: 0.00 USD a month" in result.stdout


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        ("resource_usage: {Nope: {duration_ms: 1}}\n", "resource_usage.Nope: no resource"),
        ("resource_usage: {T: {publishes_per_unit: lots}}\n", "T.publishes_per_unit: 'lots'"),
        ("a: &x [1]\nresource_usage: {T: *x}\n", "YAML aliases"),
    ],
)
def test_a_bad_usage_file_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, usage: str, message: str
) -> None:
    (tmp_path / "t.yaml").write_text(TOPIC_ONLY.replace("}", ", Properties: {}}") +
                                     "  S:\n    Type: AWS::SNS::Subscription\n    Properties: "
                                     "{TopicArn: !Ref T, Protocol: sqs, Endpoint: !GetAtt Q.Arn}\n"
                                     "  Q: {Type: AWS::SQS::Queue}\n")  # fmt: skip
    (tmp_path / "u.yml").write_text(usage)
    result = costcalc("estimate", "t.yaml", "--usage", "u.yml", "--init-usage", "out.yml",
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("costcalc estimate")]
    assert len(errors) == 1, result.stderr
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.yml").exists()


def test_init_usage_never_replaces_what_is_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    result = costcalc("estimate", PUBLIC, "--init-usage", tmp_path / "folder")
    assert result.returncode == 2
    assert "is a folder" in result.stderr or "not a regular file" in result.stderr


@pytest.mark.parametrize("style", ["choreography", "orchestration"])
def test_the_kits_own_stack_is_the_general_estimate_with_the_usage_file_it_names(
    style: str,
) -> None:
    """Under auto a kit stack is read as any definition is, with the kit's usage file for its
    style (named in the template's Metadata), and costs what the order flow model says."""
    template = f"sam/{style}/template.yaml"
    auto = costcalc("estimate", template, "--format", "json")
    graph = costcalc("estimate", template, "--model", "graph", "--usage",
                     BUNDLED / f"{style}.yaml", "--format", "json")  # fmt: skip
    flow = costcalc("estimate", template, "--model", "orderflow", "--format", "json")
    assert auto.returncode == graph.returncode == flow.returncode == 0, auto.stderr
    assert auto.stdout == graph.stdout
    [design] = json.loads(flow.stdout)["designs"]
    assert round(json.loads(auto.stdout)["monthly_usd"], 2) == round(design["monthly_usd"], 2)


def test_a_path_rate_on_the_kits_own_stack_is_read_by_the_order_flow_model() -> None:
    """The path rates are the order flow model's flags: auto reads the stack with it then,
    never drops them."""
    result = costcalc("estimate", "sam/choreography/template.yaml", "--reject-rate", "0.2",
                      "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    [design] = json.loads(result.stdout)["designs"]
    assert design["name"] == "choreography"


def test_a_bad_profile_usage_file_on_the_kits_own_stack_is_refused_not_dropped(
    tmp_path: Path,
) -> None:
    """Under auto, a usage file the order flow refuses must not fall back to the general model
    (which would not read it and would print another total, exit 0)."""
    usage = tmp_path / "bad.yaml"
    usage.write_text("functions: {api: {duration_ms: fast}}\n")
    template = Path(__file__).parents[3] / "sam/choreography/template.yaml"
    result = costcalc("estimate", template, "--usage", usage)
    assert result.returncode == 2, result.stdout
    assert str(usage) in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_cdk_out_folder_is_read_as_its_stacks_templates() -> None:
    folder = CORPUS / "cdk-eventbridge-stepfunction-sqs/cdk.out"
    result = costcalc("estimate", folder, "--format", "json")
    assert result.returncode == 0, result.stderr
    [template] = json.loads(result.stdout)["templates"]
    assert template["template"].endswith("EventBridgeCDKStateMachineStack.template.json")
    machines = {i["resource"] for i in template["items"] if i["item"] == "state-transitions"}
    assert machines == {"EventBridgeCDKStateMachine0560BAC3"}  # CDK's hashed logical id
