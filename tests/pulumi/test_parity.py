"""Each stack's Pulumi program deploys what its SAM template deploys: the parity test.

Both variants are reduced to one model (tests/support/parity_model.py), resolved against one
fake account (costcalc/estimate/fake_aws.py) so a reference is the same string on both sides only
if it points at the same resource: the SAM template transformed by samtranslator, offline, with
its intrinsics resolved; the Pulumi program run under `pulumi.runtime.set_mocks`, with the same
configuration (the project's dev stack config; keys spelt as the SAM parameters). Resources
are named after the SAM logical ids in kebab case (`OrdersTable` -> `orders-table`).

The model, one section per kind; every section maps a key to a comparable value:

    inventory              "<kind> <name>" -> True, for every resource (parts of a resource,
                           such as a role's inline policy or a rule's target, are compared
                           through their owner)
    functions              <function name> -> handler, runtime, architectures, memory_mb,
                           timeout_seconds, layers, environment (name -> value), tracing, role,
                           dead_letter, logging (log group, format), description,
                           asynchronous (qualifier, retries, maximum event age, destinations),
                           invoked_by ("<action> by <principal> from <source ARN>")
    event_source_mappings  <mapping> -> function, source, starting position, batch size,
                           retries, bisect on error, response types, filters, on failure
    rules                  <rule> -> bus, description, pattern, schedule, state, targets (ARN,
                           dead_letter, retry: maximum attempts and event age,
                           input/path/transformer, role)
    state_machines         <state machine> -> type, definition (after DefinitionSubstitutions),
                           role, logging (level, execution data, destination), tracing
    iam                    "function <name>" | "state machine <name>" | "role <name>" ->
                           trust (policy lines), managed_policies, allows (one line per
                           effect, action, resource and condition), description
    resource_policies      <queue URL> | <topic ARN> | <bucket> -> policy lines (principal,
                           action, resource, condition)
    tables                 <table> -> keys (HASH/RANGE: "attribute (type)"), billing_mode, ttl,
                           stream (view type), point_in_time_recovery, encrypted, indexes
    queues                 <queue> -> retention, visibility timeout, SSE-SQS, KMS key, FIFO,
                           redrive policy
    topics                 <topic> -> KMS key, subscriptions ("<protocol> <endpoint>")
    keys                   <KMS key> -> description, rotation, key policy lines
    buses                  <bus> -> name
    archives               <archive> -> name (None: generated), source bus ARN, pattern,
                           retention days (0: forever), description
    schema_registries      <registry> -> name, description
    schemas                <schema> -> registry, name, type, description, content (parsed)
    log_groups             <log group> -> retention_days
    log_streams            <log stream> -> log group, name
    schedule_groups        <schedule group> -> name
    user_pools             <user pool> -> name, username and auto-verified attributes,
                           deletion protection, password policy, custom attributes, clients
                           (<client> -> secret, auth flows, existence errors, read/write
                           attributes; the client's generated name is not compared), groups
                           (<name> -> description)
    apis                   <API id> -> protocol, stages (name -> auto deploy, access log
                           destination and format, throttling)
    routes                 "<api> <METHOD> <path>" -> api, authorization ("NONE", or each
                           authorizer: name, type, identity source, JWT issuer and audience),
                           integration URI, integration type, payload format
    alarms                 <alarm> -> description, namespace, metric, statistic, period,
                           evaluation periods, datapoints, threshold, comparison, dimensions,
                           metric-math queries (id, label, expression, returned, metric with
                           its dimensions, period and statistic), missing data, actions
    dashboards             <dashboard name> -> widgets (type, position, size, properties; the
                           metric rows' `.`/`...` shorthand written out)
    buckets                <bucket> -> encryption (algorithm, KMS key, bucket key), public access
                           block, ownership, versioning, lifecycle rules (id, status, prefix,
                           expiration, noncurrent expiration, abort multipart upload)
    delivery_streams       <stream> -> type, encryption, S3 bucket, role, prefix, error prefix,
                           buffer seconds and MB, compression, processors, logging
    glue                   "database <name>" -> catalog, name, description;
                           "table <name>" -> catalog, database, name, description, type,
                           parameters (partition projection), partition keys, location, formats,
                           SerDe and its parameters, columns ("name type -- comment")
    workgroups             <workgroup> -> name, description, state, recursive delete, enforced
                           configuration, metrics, bytes scanned cutoff, engine, output
                           location, result encryption
    named_queries          <query> -> name, description, database, workgroup, SQL
    tags                   "<kind> <name>" -> tags (without SAM's own `*:createdBy` markers)
    outputs                <output name> -> value (Pulumi exports carry the SAM output names)

Every SAM stack has its Pulumi twin in STACKS: a new stack's template fails the test until its
twin is there.

A generated project holds one orders style (and promo, or not) and runs this file too: what
needs a stack it does not hold, or the kit's own bookkeeping, is skipped there with the reason.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from parity_model import SECTIONS, Model, differences, explain, from_pulumi
from parity_sam import from_sam
from pulumi_program import PULUMI_DIR, ROOT, project_name, run_program, stack_config
from samtranslator.yaml_helper import yaml_parse

from costcalc.estimate.fake_aws import Account
from orderclient.signin import APP_CLIENT_FLOWS
from orderflow_infra.orders import ROUTES


@dataclass(frozen=True)
class StackPair:
    """A stack's SAM template and its Pulumi project (`<pulumi_dir>/<project>`)."""

    template: Path
    project: str
    pulumi_dir: Path = PULUMI_DIR

    @property
    def name(self) -> str:
        """The Pulumi project's name: its config keys' prefix, its stack name's first part."""
        return project_name(self.project, self.pulumi_dir)


STACKS = {
    stack: pair
    for stack, pair in {
        "choreography": StackPair(ROOT / "sam/choreography/template.yaml", "orders-choreography"),
        "orchestration": StackPair(
            ROOT / "sam/orchestration/template.yaml", "orders-orchestration"
        ),
        "promo": StackPair(ROOT / "sam/promo/template.yaml", "promo"),
        "analytics": StackPair(ROOT / "sam/analytics/template.yaml", "analytics"),
        "contracts": StackPair(ROOT / "sam/contracts/template.yaml", "contracts"),
    }.items()
    # A generated project holds some of them (its contracts stack deploys with CloudFormation).
    if pair.template.is_file() and (PULUMI_DIR / pair.project).is_dir()
}
# Small stacks that exercise parts of the model no deployed stack uses yet (a state machine).
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
FIXTURES = {
    "fixture-state-machine": StackPair(
        FIXTURES_DIR / "sam/timer/template.yaml", "timer", FIXTURES_DIR / "pulumi"
    ),
}
PAIRS = STACKS | FIXTURES


def sam_parameters(pair: StackPair, stack: str = "dev") -> dict[str, str]:
    """The dev stack config as SAM parameter values (same keys; structured values skipped)."""
    declared = yaml_parse(pair.template.read_text()).get("Parameters", {})
    prefix = f"{pair.name}:"
    config = stack_config(pair.pulumi_dir / pair.project, stack)
    return {
        key.removeprefix(prefix): str(value)
        for key, value in config.items()
        if key.startswith(prefix) and key.removeprefix(prefix) in declared
    }


@cache
def models(stack: str) -> tuple[Model, Model]:
    """(SAM model, Pulumi model) of `stack`, both deployed as `<project>-dev` with dev config."""
    pair = PAIRS[stack]
    config = stack_config(pair.pulumi_dir / pair.project)
    account = Account(region=str(config["aws:region"]))
    sam = from_sam(
        pair.template,
        sam_parameters(pair),
        account,
        stack_name=f"{pair.name}-dev",
    )
    return sam, from_pulumi(run_program(pair.project, pulumi_dir=pair.pulumi_dir))


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("stack", sorted(PAIRS))
def test_the_pulumi_variant_describes_the_same_stack_as_the_sam_template(
    stack: str, section: str
) -> None:
    sam, pulumi = models(stack)
    assert pulumi[section] == sam[section], (
        f"{stack}: the Pulumi program and the SAM template differ:\n{explain(sam, pulumi, section)}"
    )


@pytest.mark.parametrize("stack", [s for s in ("choreography", "orchestration") if s in STACKS])
def test_the_orders_app_client_lets_the_project_s_client_sign_in_in_both_variants(
    stack: str,
) -> None:
    """orderclient signs in by SRP, refreshes, and sends no secret hash: both variants allow it."""
    for variant, model in zip(("sam", "pulumi"), models(stack), strict=True):
        clients = [c for pool in model["user_pools"].values() for c in pool["clients"].values()]
        assert clients, variant
        for client in clients:
            assert set(APP_CLIENT_FLOWS) <= set(client["explicit_auth_flows"]), variant
            assert client["generate_secret"] is False, variant


@pytest.mark.parametrize("stack", sorted(PAIRS))
def test_the_model_of_each_stack_is_not_empty(stack: str) -> None:
    sam, _ = models(stack)
    assert sam["inventory"]
    assert sam["tags"]
    if stack == "contracts":  # a registry and its schemas: nothing runs, nothing needs a role
        assert sam["schemas"]
        return
    assert sam["functions"] or sam["state_machines"] or sam["delivery_streams"]
    assert sam["iam"]


@pytest.mark.skipif(
    not (ROOT / "templates").is_dir(), reason="the kit's bookkeeping of its Pulumi twins"
)
def test_every_sam_stack_has_a_pulumi_twin_under_test() -> None:
    templates = {p.parent.name for p in (ROOT / "sam").glob("*/template.yaml")}
    missing = sorted(templates - set(STACKS))
    assert not missing, (
        f"sam/{missing[0]}/template.yaml has no Pulumi project in the parity test; "
        "add pulumi/<project>/ and an entry in STACKS"
    )
    for pair in STACKS.values():
        assert (PULUMI_DIR / pair.project / "__main__.py").is_file()


# ---------------------------------------------------------------- drift in one variant fails
CHOREOGRAPHY = STACKS.get("choreography", StackPair(ROOT / "sam/choreography", "none"))
ORCHESTRATION = STACKS.get("orchestration", StackPair(ROOT / "sam/orchestration", "none"))
on_choreography = pytest.mark.skipif("choreography" not in STACKS, reason="no such stack here")
on_orchestration = pytest.mark.skipif("orchestration" not in STACKS, reason="no such stack here")


def drifted_pulumi_project(
    tmp_path: Path, old: str, new: str, pair: StackPair = CHOREOGRAPHY, file: str | None = None
) -> Path:
    """A copy of pulumi/ whose `file` (default: `pair`'s program) has `old` replaced by `new`."""
    copy = tmp_path / "pulumi"
    shutil.copytree(PULUMI_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    for shared in ("statemachine", "sam"):  # the definitions, schemas and reports' SQL it reads
        (tmp_path / shared).symlink_to(ROOT / shared)
    source = copy / (file or f"{pair.project}/__main__.py")
    text = source.read_text()
    assert old in text, f"{old!r} is not in {source.name} any more; update the drift test"
    source.write_text(text.replace(old, new))
    return copy


@contextmanager
def building_blocks_from(pulumi_dir: Path) -> Iterator[None]:
    """Import `orderflow_infra` afresh from `pulumi_dir` (a drifted copy), then put back the
    modules the other tests hold (their exception classes, for one)."""
    saved = {n: m for n, m in sys.modules.items() if n.split(".")[0] == "orderflow_infra"}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(pulumi_dir))
    try:
        yield
    finally:
        sys.path.remove(str(pulumi_dir))
        for name in [n for n in sys.modules if n.split(".")[0] == "orderflow_infra"]:
            del sys.modules[name]
        sys.modules.update(saved)


def drifted_sam_template(
    tmp_path: Path, old: str, new: str, pair: StackPair = CHOREOGRAPHY
) -> Path:
    """A copy of `pair`'s template (beside links to functions/, statemachine/), `old` -> `new`."""
    for shared in ("functions", "statemachine"):
        (tmp_path / shared).symlink_to(ROOT / shared)
    copy = tmp_path / "sam" / pair.template.parent.name / "template.yaml"
    copy.parent.mkdir(parents=True)
    text = pair.template.read_text()
    assert old in text, f"{old!r} is not in the template any more; update the drift test"
    copy.write_text(text.replace(old, new))
    return copy


@on_choreography
def test_a_rule_pattern_changed_in_the_pulumi_program_only_fails_the_parity_test(
    tmp_path: Path,
) -> None:
    copy = drifted_pulumi_project(
        tmp_path,
        'reacts_to=("order_placed", "order_cancelled", "order_timed_out", "order_overdue")',
        'reacts_to=("order_placed", "order_cancelled", "order_overdue")',
    )
    sam, _ = models("choreography")
    pulumi = from_pulumi(run_program(CHOREOGRAPHY.project, pulumi_dir=copy))

    assert list(differences(sam, pulumi)) == ["rules: restaurant-notifier-function-order-events"]


@on_choreography
def test_a_memory_size_changed_in_the_pulumi_stack_config_only_fails_the_parity_test() -> None:
    sam, _ = models("choreography")
    pulumi = from_pulumi(
        run_program(
            CHOREOGRAPHY.project,
            overrides={
                f"{CHOREOGRAPHY.name}:MemorySizes": {"default": 256, "restaurant-notifier": 512}
            },
        )
    )

    assert list(differences(sam, pulumi)) == ["functions: restaurant-notifier-function"]
    assert pulumi["functions"]["restaurant-notifier-function"]["memory_mb"] == 512


@on_choreography
def test_an_iam_action_dropped_from_the_sam_template_only_fails_the_parity_test(
    tmp_path: Path,
) -> None:
    template = drifted_sam_template(
        tmp_path,
        "Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem]",
        "Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem]",
    )
    _, pulumi = models("choreography")
    sam = from_sam(
        template,
        sam_parameters(CHOREOGRAPHY),
        Account(),
        stack_name=f"{CHOREOGRAPHY.name}-dev",
    )

    assert list(differences(sam, pulumi)) == ["iam: function api-function"]


def test_a_substitution_changed_in_the_pulumi_program_only_fails_the_parity_test(
    tmp_path: Path,
) -> None:
    shutil.copytree(FIXTURES_DIR, tmp_path / "fixtures")  # the program reads ../statemachine
    copy = tmp_path / "fixtures/pulumi"
    program = copy / "timer/__main__.py"
    program.write_text(
        program.read_text().replace('{"EventBusName": bus.name}', '{"EventBusName": bus.arn}')
    )
    sam, _ = models("fixture-state-machine")
    pulumi = from_pulumi(run_program("timer", pulumi_dir=copy))

    assert list(differences(sam, pulumi)) == ["state_machines: timer-state-machine"]
    entries = pulumi["state_machines"]["timer-state-machine"]["definition"]["States"]["Publish"]
    assert entries["Parameters"]["Entries"][0]["EventBusName"].startswith("arn:aws:events:")


@on_orchestration
@pytest.mark.parametrize(
    ("old", "new", "differing"),
    [
        pytest.param(
            '["dynamodb:PutItem", "dynamodb:UpdateItem"],',
            '["dynamodb:PutItem"],',
            "iam: state machine orders-state-machine",
            id="an-action-dropped-from-the-state-machine-role",
        ),
        pytest.param(
            '"EventBusName": orders_bus.name,',
            '"EventBusName": orders_bus.arn,',
            "state_machines: orders-state-machine",
            id="the-bus-arn-substituted-for-its-name",
        ),
    ],
)
def test_a_state_machine_drift_in_the_orchestration_program_only_fails_the_parity_test(
    tmp_path: Path, old: str, new: str, differing: str
) -> None:
    copy = drifted_pulumi_project(tmp_path, old, new, ORCHESTRATION)
    sam, _ = models("orchestration")
    pulumi = from_pulumi(run_program(ORCHESTRATION.project, pulumi_dir=copy))

    assert list(differences(sam, pulumi)) == [differing]


@on_orchestration
def test_a_substitution_changed_in_the_orchestration_template_only_fails_the_parity_test(
    tmp_path: Path,
) -> None:
    template = drifted_sam_template(
        tmp_path,
        "OrdersTable: !Ref OrdersTable",
        "OrdersTable: !Ref RestaurantsTable",
        ORCHESTRATION,
    )
    _, pulumi = models("orchestration")
    sam = from_sam(
        template,
        sam_parameters(ORCHESTRATION),
        Account(),
        stack_name=f"{ORCHESTRATION.name}-dev",
    )

    assert list(differences(sam, pulumi)) == ["state_machines: orders-state-machine"]


@on_choreography
def test_a_jwt_audience_changed_in_the_pulumi_building_blocks_only_fails_the_parity_test(
    tmp_path: Path,
) -> None:
    copy = drifted_pulumi_project(
        tmp_path,
        "audience=[users.client.id]",
        "audience=[users.pool.id]",
        file="orderflow_infra/orders.py",
    )
    sam, _ = models("choreography")
    with building_blocks_from(copy):
        pulumi = from_pulumi(run_program(CHOREOGRAPHY.project, pulumi_dir=copy))

    assert list(differences(sam, pulumi)) == [
        f"routes: orders-api {route.key}" for route in sorted(ROUTES, key=lambda r: r.key)
    ]
    (authorizer,) = pulumi["routes"]["orders-api POST /orders"]["authorization"]
    assert authorizer["audience"] == ["us-east-1_user-pool"]


@on_orchestration
def test_the_alarm_threshold_changed_in_the_pulumi_building_blocks_only_fails_the_parity_test(
    tmp_path: Path,
) -> None:
    copy = drifted_pulumi_project(
        tmp_path, "THRESHOLD = 0", "THRESHOLD = 7", ORCHESTRATION, file="orderflow_infra/alarms.py"
    )
    sam, _ = models("orchestration")
    with building_blocks_from(copy):
        pulumi = from_pulumi(run_program(ORCHESTRATION.project, pulumi_dir=copy))

    # The overdue-orders alarm's threshold is the stack's OverdueAlarmThreshold, not the kit's 0.
    drifted = sorted(set(sam["alarms"]) - {"overdue-orders-alarm"})
    assert list(differences(sam, pulumi)) == [f"alarms: {name}" for name in drifted]
    assert {pulumi["alarms"][name]["threshold"] for name in drifted} == {7.0}


# Config keys issue 9 brought to the Pulumi programs, with a value other than the default.
NEW_CONFIG_VALUES = {
    "AlarmEmail": "on-call@orderflow.example",
    "Architecture": "x86_64",
    "ArchiveRetentionDays": 0,
    "ApiThrottlingRateLimit": 200,
    "ApiThrottlingBurstLimit": 400,
    "SelfSignUp": "true",
    "MfaConfiguration": "OFF",
    "OrdersPerCallerPerMinute": 3,
}


def _declaring(key: str) -> list[str]:
    """The stacks whose SAM template declares the parameter `key`."""
    return [
        stack
        for stack, pair in sorted(STACKS.items())
        if key in yaml_parse(pair.template.read_text()).get("Parameters", {})
    ]


@pytest.mark.parametrize(
    ("stack", "key", "value"),
    [(stack, key, value) for key, value in NEW_CONFIG_VALUES.items() for stack in _declaring(key)],
)
def test_a_config_value_set_in_both_variants_deploys_the_same_stack(
    stack: str, key: str, value: object
) -> None:
    pair = STACKS[stack]
    sam = from_sam(
        pair.template,
        sam_parameters(pair) | {key: str(value)},
        Account(),
        stack_name=f"{pair.name}-dev",
    )
    pulumi = from_pulumi(run_program(pair.project, overrides={f"{pair.name}:{key}": value}))

    assert list(differences(sam, pulumi)) == []
    assert sam != models(stack)[0], f"{key}={value} changed nothing; the test proves nothing"


@pytest.mark.parametrize(
    ("stack", "old", "new", "differing"),
    [
        pytest.param(
            "promo",
            "    replays=True,\n",
            "",
            "rules: promo-issuer-function-order-completed",
            id="the-promo-rule-excluding-replays",
            marks=pytest.mark.skipif("promo" not in STACKS, reason="no such stack here"),
        ),
        pytest.param(
            "analytics",
            '"buffering_size": 64,',
            '"buffering_size": 128,',
            "delivery_streams: order-events-delivery-stream",
            id="the-firehose-buffer-doubled",
            marks=pytest.mark.skipif("analytics" not in STACKS, reason="no such stack here"),
        ),
    ],
)
def test_a_drift_in_a_neighbouring_context_program_only_fails_the_parity_test(
    tmp_path: Path, stack: str, old: str, new: str, differing: str
) -> None:
    copy = drifted_pulumi_project(tmp_path, old, new, STACKS[stack])
    sam, _ = models(stack)
    pulumi = from_pulumi(run_program(STACKS[stack].project, pulumi_dir=copy))

    assert list(differences(sam, pulumi)) == [differing]


def _cloudwatch_grants(model: Model) -> dict[str, list[str]]:
    """Per KMS key, the key policy lines that grant CloudWatch (its alarms' SNS messages)."""
    return {
        key: [line for line in value["policy"] if "cloudwatch.amazonaws.com" in line]
        for key, value in model["keys"].items()
    }


#: The stacks whose alarms publish to an encrypted topic (the contracts stack has no key).
ALARMED_STACKS = sorted(set(STACKS) & {"analytics", "choreography", "orchestration", "promo"})


@pytest.mark.parametrize("stack", ALARMED_STACKS)
def test_cloudwatch_may_use_a_kms_key_only_for_this_account_in_sam_and_pulumi_alike(
    stack: str,
) -> None:
    sam, pulumi = models(stack)
    grants = _cloudwatch_grants(sam)
    assert any(grants.values()), f"{stack}: no KMS key grants CloudWatch"
    account = f'"aws:SourceAccount": "{Account().account_id}"'
    for key, lines in grants.items():
        assert all(account in line for line in lines), (key, lines)
    assert _cloudwatch_grants(pulumi) == grants
