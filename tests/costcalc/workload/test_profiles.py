"""Workload profiles: the bundled ones load and are documented; bad files are refused by line."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from costcalc.errors import UsageError
from costcalc.estimate.fixed_items import fixed_items
from costcalc.estimate.log_groups import group_retention_months
from costcalc.estimate.template import read_template
from costcalc.estimate.usage_file import UsageFile
from costcalc.workload import profiles
from costcalc.workload.profiles import (
    PATHS,
    PROFILE_DIR,
    ProfileError,
    bundled_designs,
    load_profiles,
    provenance,
)

BUNDLED = sorted(PROFILE_DIR.glob("*.yaml"))
ROOT = Path(__file__).parents[3]


def write(tmp_path: Path, text: str, name: str = "usage.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_design_loads_with_all_four_paths() -> None:
    profiles = load_profiles()
    assert [p.design for p in profiles] == [
        "choreography",
        "orchestration",
        "orchestration-express",
    ]
    for profile in profiles:
        assert set(profile.paths) == set(PATHS)
        assert profile.paths["accepted"].api_requests > 0


def test_express_is_priced_but_flagged_not_runnable_with_its_reason() -> None:
    express = load_profiles(["orchestration-express"])[0]
    assert express.runnable is False
    assert ".waitForTaskToken" in express.why_not
    assert "5 minutes" in express.why_not
    assert all(p.runnable for p in load_profiles(["choreography", "orchestration"]))


def test_express_inherits_orchestrations_figures_and_overrides_its_own() -> None:
    orchestration, express = load_profiles(["orchestration", "orchestration-express"])
    assert express.paths["accepted"].transitions == orchestration.paths["accepted"].transitions
    assert express.figure("state_machine.type") == "express"
    assert express.paths["accepted"].express_duration_ms == Decimal(560)
    assert express.sources[0].endswith(
        "orchestration.yaml + costcalc/data/cold_imports.yaml"
        " + costcalc/data/profiles/orchestration-express.yaml"
    )


def test_each_functions_init_is_its_cold_import_as_the_benchmark_recorded_it() -> None:
    record = yaml.safe_load(profiles.COLD_IMPORTS.read_text(encoding="utf-8"))["functions"]
    for profile in load_profiles(["choreography", "orchestration"]):
        measured = record[profile.design]
        assert set(profile.functions) <= set(measured)
        for name, function in profile.functions.items():
            assert function.init_ms == Decimal(str(measured[name]["init_ms"]))
            assert provenance(profile, f"functions.{name}.init_ms", "-") == "benchmark"
        assert "costcalc/data/cold_imports.yaml" in profile.sources[0]


def test_a_slower_recorded_import_is_a_longer_init_in_the_estimate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = profiles.COLD_IMPORTS.read_text(encoding="utf-8")
    before = load_profiles(["choreography"])[0].functions["api"].init_ms
    slower = re.sub(r"(\n    api: \{init_ms: )\d+", r"\g<1>2500", text, count=1)
    assert slower != text
    monkeypatch.setattr(profiles, "COLD_IMPORTS", write(tmp_path, slower, "cold_imports.yaml"))
    assert load_profiles(["choreography"])[0].functions["api"].init_ms == Decimal(2500) != before


def test_a_usage_file_still_overrides_the_measured_init(tmp_path: Path) -> None:
    usage = write(tmp_path, "design: choreography\nfunctions: {api: {init_ms: 123}}\n")
    profile = load_profiles(["choreography"], [usage])[0]
    assert profile.functions["api"].init_ms == Decimal(123)
    assert provenance(profile, "functions.api.init_ms", "-") == "user"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_figure_in_a_bundled_profile_carries_a_comment(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        code = line.split("#")[0]
        if not re.search(r":\s*-?[\d.]+", code) or "#" in line:
            continue
        # a flow mapping on the line below its commented key counts as commented
        commented_key_above = line.strip().startswith("{") and "#" in lines[number - 2]
        assert commented_key_above, f"{path.name}:{number} has an uncommented figure: {line}"


def test_choreography_publishes_the_five_plus_four_domain_events_across_its_paths() -> None:
    paths = load_profiles(["choreography"])[0].paths
    assert [paths[name].events for name in PATHS] == [5, 4, 4, 3, 6]


def test_a_usage_file_overrides_figures_and_merges_mappings(tmp_path: Path) -> None:
    usage = write(
        tmp_path,
        "design: orchestration\npaths:\n  accepted:\n    transitions: 15\n"
        "functions:\n  await_restaurant: {memory_mb: 1024}\n",
    )
    profile = load_profiles(["orchestration"], [usage])[0]
    assert profile.paths["accepted"].transitions == 15
    assert profile.functions["await_restaurant"].memory_mb == 1024
    assert profile.functions["await_restaurant"].duration_ms == 60  # kept from the profile
    assert profile.at("paths.accepted.transitions") == f"{usage}:4"


def test_a_usage_file_may_hold_one_document_per_design(tmp_path: Path) -> None:
    usage = write(
        tmp_path,
        "design: choreography\nevents: {size_kb: 100}\n---\n"
        "design: orchestration\nevents: {size_kb: 70}\n",
    )
    choreography, orchestration = load_profiles(["choreography", "orchestration"], [usage])
    assert choreography.figure("events.size_kb") == 100
    assert orchestration.figure("events.size_kb") == 70


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "design: orchestration\npaths:\n  accepted:\n    transitons: 15\n",
            r"usage\.yaml:4: paths\.accepted\.transitons: unknown key \(accepted: api_requests",
        ),
        (
            "design: orchestration\napi: {request_kb: lots}\n",
            r"usage\.yaml:2: api\.request_kb: expected a number >= 0, got 'lots'",
        ),
        (
            "design: orchestration\nfunctions:\n  api: {arch: sparc}\n",
            r"usage\.yaml:3: functions\.api\.arch: 'sparc' is not one of x86_64, arm64",
        ),
        (
            "design: orchestration\nmonthly: {alarms: 2.5}\n",
            r"usage\.yaml:2: monthly\.alarms: expected a whole number",
        ),
        (
            "design: orchestration\npaths:\n  accepted:\n    events: -1\n",
            r"usage\.yaml:4: paths\.accepted\.events: expected a number >= 0",
        ),
        ("design: monolith\n", r"usage\.yaml:1: design 'monolith' is not a design"),
        ("design: orchestration\napi: [1, 2]\n", r"usage\.yaml:2: api: lists are not part"),
        ("design: orchestration\napi: {\n", r"usage\.yaml:\d+: not valid YAML"),
        ("- just a list\n", r"usage\.yaml:1: expected a mapping of keys"),
        (
            "design: orchestration\nevents: {size_kb: 1}\nevents: {size_kb: 2}\n",
            r"usage\.yaml:3: events: repeated",
        ),
    ],
)
def test_a_malformed_usage_file_is_refused_naming_file_line_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    usage = write(tmp_path, text)
    with pytest.raises(ProfileError, match=message):
        load_profiles(None, [usage])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "design: orchestration\ntracing: {sampling_rate: 5}\n",
            r"usage\.yaml:2: tracing\.sampling_rate: expected a share from 0 to 1, got 5$",
        ),
        (
            "design: orchestration\nfunctions:\n  api: {cold_start_rate: 1.5}\n",
            r"usage\.yaml:3: functions\.api\.cold_start_rate: expected a share from 0 to 1",
        ),
        (
            "design: orchestration\ntracing: {sampling_rate: -0.1}\n",
            r"usage\.yaml:2: tracing\.sampling_rate: expected a number >= 0",
        ),
        (
            "design: orchestration\napi: {request_kb: 1000000000001}\n",
            r"usage\.yaml:2: api\.request_kb: 1000000000001 is over the limit of 1e12$",
        ),
        (
            '{"design": "orchestration", "api": {"request_kb": 2e12}}\n',
            r"usage\.yaml:1: api\.request_kb: 2E\+12 is over the limit of 1e12$",
        ),
    ],
    ids=["sampling-rate-5", "cold-start-rate-1.5", "negative-share", "over-1e12", "json-2e12"],
)
def test_a_share_above_one_or_a_figure_above_1e12_is_refused_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profiles(None, [write(tmp_path, text)])


def test_a_json_usage_file_is_read_with_exponents_as_numbers(tmp_path: Path) -> None:
    usage = write(
        tmp_path,
        '{"design": "orchestration", "tracing": {"sampling_rate": 5e-1},'
        ' "api": {"request_kb": 1.5E+1}}\n',
        "usage.json",
    )
    [profile] = [p for p in load_profiles(None, [usage]) if p.design == "orchestration"]
    assert profile.figure("tracing.sampling_rate") == Decimal("0.5")
    assert profile.figure("api.request_kb") == 15


@pytest.mark.parametrize(
    "number", ["9" * 5000, "0." + "1" * 5000, "1e" + "9" * 5000], ids=["int", "fraction", "exp"]
)
def test_a_5000_digit_number_in_a_usage_file_is_one_line_naming_the_file(
    tmp_path: Path, number: str
) -> None:
    usage = write(tmp_path, f"design: orchestration\napi: {{request_kb: {number}}}\n")
    with pytest.raises(ProfileError) as refused:
        load_profiles(None, [usage])
    [line] = str(refused.value).splitlines()
    assert line.startswith(str(usage)), line
    assert len(line) < 200, line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "design: choreography\npaths:\n  accepted:\n    rule_matches: 3\n",
            r"usage\.yaml:4: paths\.accepted\.rule_matches is 3 but the `trigger: rule` "
            r"functions are invoked 11 times",
        ),
        (
            "design: choreography\npaths:\n  accepted:\n    invocations: {nobody: 1}\n",
            r"usage\.yaml:4: paths\.accepted\.invocations\.nobody: no function 'nobody'",
        ),
        (
            "design: choreography\npaths:\n  rejected:\n    writes: {audit: 1}\n",
            r"usage\.yaml:4: paths\.rejected\.writes\.audit: no table 'audit'",
        ),
        (
            "design: choreography\npaths:\n  accepted:\n    transitions: 3\n",
            r"paths\.accepted: state machine figures need state_machine",
        ),
        (
            "design: orchestration\npaths:\n  accepted:\n    express_duration_ms: 300\n",
            r"paths\.accepted\.express_duration_ms: only an express state_machine",
        ),
        (
            "design: orchestration\nrunnable: false\n",
            r"usage\.yaml:2: runnable: false needs a why_not",
        ),
        ("design: orchestration\nschema: 2\n", r"usage\.yaml:2: schema: 2 is not 1"),
        (
            "design: orchestration\nbased_on: choreography\n",
            r"usage\.yaml:2: based_on: only bundled profiles use it",
        ),
    ],
)
def test_figures_that_contradict_each_other_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profiles(None, [write(tmp_path, text)])


def test_an_unknown_design_is_refused_with_the_accepted_names() -> None:
    with pytest.raises(UsageError, match="unknown design 'saga'; accepted: choreography"):
        load_profiles(["saga"])


def test_an_unreadable_usage_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"missing\.yaml: cannot read"):
        load_profiles(None, [tmp_path / "missing.yaml"])


def test_bundled_designs_list_runnable_styles_first() -> None:
    assert bundled_designs()[:2] == ["choreography", "orchestration"]


def test_a_usage_file_alias_bomb_is_refused_in_one_line(tmp_path: Path) -> None:
    bomb = "design: choreography\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(ProfileError, match=r"usage.yaml: its aliases expand to [\d,]+ more"):
        load_profiles(["choreography"], [write(tmp_path, bomb)])


def test_a_usage_file_that_is_not_utf8_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "usage.yaml"
    path.write_bytes("design: choreography\n# caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ProfileError, match=r"usage.yaml: the usage file is not UTF-8 text"):
        load_profiles(["choreography"], [path])


def _alarm_metrics(stack: str, leaving_out: frozenset[str] = frozenset()) -> Decimal:
    """The alarm-months of the kit's `stack` template, as the general estimate reads them."""
    template = read_template(ROOT / "sam" / stack / "template.yaml")
    return sum(
        (
            f.quantity
            for f in fixed_items(template, UsageFile(), [])
            if f.item == "alarms" and f.resource not in leaving_out
        ),
        Decimal(0),
    )


@pytest.mark.parametrize(
    ("design", "stack", "leaving_out"),
    [
        ("choreography", "choreography", frozenset()),
        ("orchestration", "orchestration", frozenset()),
        # Express stops at 5 minutes: no execution of it times out.
        ("orchestration-express", "orchestration", frozenset({"ExecutionsTimedOutAlarm"})),
    ],
)
def test_a_bundled_profile_bills_every_alarm_metric_its_stack_deploys(
    design: str, stack: str, leaving_out: frozenset[str]
) -> None:
    monthly = load_profiles([design])[0].figure("monthly")
    assert Decimal(monthly["alarms"]) == _alarm_metrics(stack, leaving_out)


@pytest.mark.parametrize("design", ["choreography", "orchestration"])
def test_a_bundled_profile_stores_the_logs_its_stack_keeps(design: str) -> None:
    template = read_template(ROOT / "sam" / design / "template.yaml")
    kept = {
        group_retention_months(template, group) for group in template.of_type("AWS::Logs::LogGroup")
    }
    stored = Decimal(load_profiles([design])[0].figure("logs")["retention_months"])
    assert {None if months is None else round(months, 8) for months in kept} == {stored}
