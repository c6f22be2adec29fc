"""A Pulumi program read under mocks as the template it deploys: the same estimate as SAM's."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from costcalc.compare.scenario import scenario
from costcalc.estimate.deployed import Deployed, deployed
from costcalc.estimate.derive import Derivation, derive
from costcalc.estimate.pulumi_template import camel, read_pulumi
from costcalc.estimate.template import TemplateError, read_template
from costcalc.estimate.usage import Estimated, estimate

ROOT = Path(__file__).resolve().parents[3]
PULUMI = ROOT / "pulumi"
VOLUME = Decimal(1_000_000)


def _monthly(estimated: Estimated) -> Decimal:
    return scenario(profiles=[estimated.profile]).price(VOLUME).designs[0].monthly_usd


@pytest.fixture(scope="module")
def choreography() -> tuple[Estimated, Estimated]:
    """The choreography stack estimated from its SAM template and from its Pulumi program."""
    [sam] = estimate(ROOT / "sam/choreography/template.yaml", samconfig=False)
    [pulumi] = estimate(PULUMI / "orders-choreography")
    return sam, pulumi


def test_the_pulumi_program_derives_the_sam_template_s_figures(
    choreography: tuple[Estimated, Estimated],
) -> None:
    sam, pulumi = choreography
    assert pulumi.derivation.design == sam.derivation.design == "choreography"
    assert pulumi.derivation.functions == sam.derivation.functions
    assert pulumi.derivation.paths == sam.derivation.paths
    assert pulumi.derivation.notes == sam.derivation.notes
    assert [(f.key, f.values, f.source) for f in pulumi.figures()] == [
        (f.key, f.values, f.source) for f in sam.figures()
    ]


def test_the_pulumi_program_costs_what_the_sam_template_costs(
    choreography: tuple[Estimated, Estimated],
) -> None:
    sam, pulumi = choreography
    assert _monthly(pulumi) == _monthly(sam) > 0


def test_what_it_deploys_is_named_as_the_sam_template_names_it(
    choreography: tuple[Estimated, Estimated],
) -> None:
    sam, pulumi = choreography
    assert pulumi.found.functions == sam.found.functions
    assert pulumi.found.routes == sam.found.routes
    assert pulumi.found.streams == sam.found.streams
    assert pulumi.found.scheduled == sam.found.scheduled
    assert pulumi.found.buses == sam.found.buses
    assert {(r.logical_id, r.bus, json.dumps(r.pattern, sort_keys=True), r.targets)
            for r in pulumi.found.rules} == {
        (r.logical_id, r.bus, json.dumps(r.pattern, sort_keys=True), r.targets)
        for r in sam.found.rules
    }  # fmt: skip


def _derived(found: Deployed) -> Derivation | str:
    """The derivation, or the refusal without the file it names (the sources differ)."""
    try:
        return derive(found)
    except TemplateError as refused:
        return str(refused).split(": ", 1)[1]


@pytest.mark.parametrize("style", ["choreography", "orchestration"])
def test_each_style_s_pulumi_program_deploys_what_its_sam_template_deploys(style: str) -> None:
    # The dev stack's config, as the SAM template's parameters (the parity test's values).
    sam = deployed(read_template(ROOT / f"sam/{style}/template.yaml",
                                 {"SenderEmail": "orders@orderflow.example"}))  # fmt: skip
    pulumi = deployed(read_pulumi(PULUMI / f"orders-{style}"))
    for part in ("functions", "routes", "streams", "scheduled"):
        assert getattr(pulumi, part) == getattr(sam, part), part
    for listed in ("tables", "buses", "state_machines"):  # in registration/template order
        assert set(getattr(pulumi, listed)) == set(getattr(sam, listed)), listed
    assert pulumi.template.definitions == sam.template.definitions
    assert _derived(pulumi) == _derived(sam)


def test_the_orchestration_definition_is_the_file_sam_deploys_with_placeholder_arns() -> None:
    template = read_pulumi(PULUMI / "orders-orchestration")
    text = (ROOT / "statemachine/orders.asl.json").read_text(encoding="utf-8")
    substitutions = {
        "OrdersTable": "OrdersTable",
        "EventBusName": "OrdersBus",
        "AwaitRestaurantFunctionArn": (
            "arn:aws:lambda:us-east-1:123456789012:function:AwaitRestaurantFunction"
        ),
        "RestaurantTopicArn": "arn:aws:sns:us-east-1:123456789012:RestaurantTopic",
        "SenderEmail": "orders@orderflow.example",
    }
    expected = json.loads(re.sub(r"\$\{(\w+)\}", lambda m: substitutions[m.group(1)], text))
    assert dict(template.definitions) == {"OrdersStateMachine": expected}
    assert set(template.of_type("AWS::StepFunctions::StateMachine")) == {"OrdersStateMachine"}


def test_the_stack_config_is_what_the_program_runs_with(tmp_path: Path) -> None:
    copy = tmp_path / "pulumi"
    shutil.copytree(PULUMI, copy, ignore=shutil.ignore_patterns("__pycache__"))
    project = copy / "orders-choreography"
    config = yaml.safe_load((project / "Pulumi.dev.yaml").read_text(encoding="utf-8"))
    config["config"]["orders-choreography:MemorySizes"] = {"default": 256, "api": 1024}
    (project / "Pulumi.big.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    [dev] = estimate(project, stack="dev")
    [big] = estimate(project, stack="big")
    assert dev.derivation.functions["api"]["memory_mb"] == 256
    assert big.derivation.functions["api"]["memory_mb"] == 1024
    assert big.derivation.functions["outbox_publisher"]["memory_mb"] == 256
    assert _monthly(big) > _monthly(dev)


def test_a_rule_added_to_the_program_adds_its_deliveries(tmp_path: Path) -> None:
    copy = tmp_path / "pulumi"
    shutil.copytree(PULUMI, copy, ignore=shutil.ignore_patterns("__pycache__"))
    program = copy / "orders-choreography/__main__.py"
    text = program.read_text(encoding="utf-8")
    anchor = "# Named as the SAM template's outputs"
    assert anchor in text
    audit = (
        "reacting_function(\n"
        "    FunctionSpec(name='audit', handler='audit.handler', description='Audits orders.'),\n"
        "    reacts_to=('order_placed', 'order_accepted'),\n"
        ")\n"
    )
    program.write_text(text.replace(anchor, audit + anchor), encoding="utf-8")
    [before] = estimate(PULUMI / "orders-choreography")
    [after] = estimate(copy / "orders-choreography", usage_files=[_audit_usage(tmp_path)])
    accepted, placed_only = after.derivation.paths["accepted"], after.derivation.paths["rejected"]
    assert accepted["invocations"]["audit"] == 2
    assert placed_only["invocations"]["audit"] == 1
    assert accepted["rule_matches"] == before.derivation.paths["accepted"]["rule_matches"] + 2
    assert after.derivation.functions["audit"]["trigger"] == "rule"


def _audit_usage(folder: Path) -> Path:
    usage = folder / "audit.yaml"
    usage.write_text(
        "design: choreography\nfunctions:\n  audit: "
        "{duration_ms: 30, cold_start_rate: 0.02, init_ms: 500, log_kb: 1}\n",
        encoding="utf-8",
    )
    return usage


@pytest.mark.parametrize(
    ("name", "logical_id"),
    [("orders-table", "OrdersTable"), ("api-function", "ApiFunction"), ("rule_dlq", "RuleDlq")],
)
def test_a_pulumi_name_becomes_the_logical_id_it_is_named_after(name: str, logical_id: str) -> None:
    assert camel(name) == logical_id
