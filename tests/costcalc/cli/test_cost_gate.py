"""The pull-request cost gate: a base saved by `estimate --out`, `diff --compare-to` against it,
the per-resource diff, the pull-request comment, and the base files it refuses."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.render_diff import COMMENT_MARKER
from tests.costcalc.helpers import run_costcalc as costcalc

ROOT = Path(__file__).resolve().parents[3]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
GOLDEN = Path(__file__).parent / "goldens" / "cost-gate-comment.md"
VOLUME = ("--volume", "1e6")


def _choreography(folder: Path, name: str, *changes: tuple[str, str]) -> str:
    """The choreography template copied into ``folder`` as ``name`` (code path kept)."""
    text = CHOREOGRAPHY.read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    (folder / name).write_text(text, encoding="utf-8")
    return name


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with base.yaml, head.yaml (every function at 1024 MB) and base.json."""
    folder = tmp_path_factory.mktemp("gate")
    _choreography(folder, "base.yaml")
    _choreography(folder, "head.yaml", ("    MemorySize: 256\n", "    MemorySize: 1024\n"))
    saved = costcalc("estimate", "base.yaml", *VOLUME, "--format", "json", "--out", "base.json",
                     cwd=folder)  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout == ""
    return folder


def test_a_diff_against_the_saved_base_equals_the_diff_of_both_definitions(pair: Path) -> None:
    saved = costcalc("diff", "--compare-to", "base.json", "head.yaml", *VOLUME, "--format",
                     "json", cwd=pair)  # fmt: skip
    both = costcalc("diff", "base.yaml", "head.yaml", *VOLUME, "--format", "json", cwd=pair)
    assert (saved.returncode, both.returncode) == (0, 0), saved.stderr + both.stderr
    assert json.loads(saved.stdout) == json.loads(both.stdout)


def test_the_diff_lists_each_changed_resource_with_its_monthly_delta(pair: Path) -> None:
    result = costcalc("diff", "--compare-to", "base.json", "head.yaml", *VOLUME, "--format",
                      "json", cwd=pair)  # fmt: skip
    document = json.loads(result.stdout, parse_float=Decimal)
    resources = {(r["resource"], r["type"]): r for r in document["resources"]}
    api = resources["ApiFunction", "AWS::Lambda::Function"]
    assert api["change"] == "changed"
    assert api["delta_usd"] == api["head_usd"] - api["base_usd"] > 0
    assert [i["item"] for i in api["items"]] == ["lambda/duration-arm64"]
    assert {r["type"] for r in document["resources"]} == {"AWS::Lambda::Function"}
    assert sum(r["delta_usd"] for r in document["resources"]) == document["delta_usd"]


def test_the_pull_request_comment_is_the_golden_one_and_starts_with_its_marker(
    pair: Path,
) -> None:
    result = costcalc("diff", "--compare-to", "base.json", "head.yaml", *VOLUME, "--format",
                      "github-comment", "--fail-above", "5", cwd=pair)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == COMMENT_MARKER
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_the_comment_says_the_gate_passed_below_the_threshold(pair: Path) -> None:
    result = costcalc("diff", "--compare-to", "base.json", "head.yaml", *VOLUME, "--format",
                      "github-comment", "--fail-above", "20", cwd=pair)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "**Cost gate passed:** the monthly cost rises by 12.54 USD, within" in result.stdout


def test_a_comment_tag_gives_the_comment_its_own_marker_and_one_that_would_end_it_is_refused(
    pair: Path,
) -> None:
    base = ("diff", "--compare-to", "base.json", "head.yaml", *VOLUME, "--format", "github-comment")
    tagged = costcalc(*base, "--comment-tag", "pulumi: orders", cwd=pair)
    assert tagged.stdout.splitlines()[0] == "<!-- costcalc-diff: pulumi: orders -->"
    refused = costcalc(*base, "--comment-tag", "x --> y", cwd=pair)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        "costcalc diff: error: --comment-tag 'x --> y': expected 1 to 60 letters, digits, "
        "spaces or _ . : / -"
    )


def test_a_head_priced_otherwise_than_the_base_is_refused(pair: Path) -> None:
    result = costcalc("diff", "--compare-to", "base.json", "head.yaml", "--volume", "2e6",
                      cwd=pair)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "costcalc diff: error: --compare-to base.json: the base was priced with --volume "
        "1000000, the head with --volume 2000000; give the head the base's value (or write "
        "the base again)"
    )


def _edit(pair: Path, change: object) -> Path:
    document = json.loads((pair / "base.json").read_text(encoding="utf-8"))
    target = pair / "edited.json"
    target.write_text(json.dumps(change(document)) if callable(change) else str(change))
    return target


def _money(document: dict) -> dict:
    document["diff_base"]["resources"][0]["items"][0]["monthly_usd"] = 0.01
    return document


def _version(document: dict) -> dict:
    document["diff_base"]["version"] = 2
    return document


def _shape(document: dict) -> dict:
    del document["diff_base"]["region"]
    return document


def _absent(document: dict) -> dict:
    del document["diff_base"]
    return document


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_money, "diff_base does not match its digest: the file was changed after costcalc"),
        (_version, "diff_base is format 'costcalc-diff-base' version 2; this costcalc reads"),
        (_shape, "diff_base is not of the shape costcalc writes (KeyError: 'region')"),
        (_absent, "holds no diff_base; write it with `costcalc estimate PATH --format json"),
        ("{not json", "not JSON (Expecting property name"),
    ],
    ids=["edited-by-hand", "another-version", "another-shape", "not-a-base", "not-json"],
)
def test_a_base_file_costcalc_did_not_write_as_it_is_is_refused(
    pair: Path, change: object, said: str
) -> None:
    target = _edit(pair, change)
    result = costcalc("diff", "--compare-to", target, "head.yaml", *VOLUME, cwd=pair)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"costcalc diff: error: --compare-to {target}: {said}" in result.stderr


_TOPIC = (
    "  {name}: {{Type: AWS::SNS::Topic}}\n"
    "  {name}Mail:\n    Type: AWS::SNS::Subscription\n"
    "    Properties: {{TopicArn: {{Ref: {name}}}, Protocol: email, Endpoint: a@example.com}}\n"
)


def test_resources_added_and_removed_are_listed_as_such(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("Resources:\n" + _TOPIC.format(name="Alerts"))
    (tmp_path / "head.yaml").write_text("Resources:\n" + _TOPIC.format(name="Notices"))
    result = costcalc("diff", "base.yaml", "head.yaml", "--model", "graph", "--format", "json",
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    changes = {r["resource"]: r["change"] for r in json.loads(result.stdout)["resources"]}
    assert changes == {"Notices": "added", "Alerts": "removed"}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("head.yaml",), "give BASE and HEAD definitions, or --compare-to FILE and HEAD"),
        (
            ("--compare-to", "base.json", "base.yaml", "head.yaml"),
            "--compare-to base.json: give only the head definition with it, not base.yaml too",
        ),
    ],
)
def test_diff_is_given_two_definitions_or_a_base_file_and_one(
    pair: Path, args: tuple[str, ...], said: str
) -> None:
    result = costcalc("diff", *args, cwd=pair)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"costcalc diff: error: {said}"


def test_a_base_saved_by_the_general_model_is_compared_per_logical_id(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text("Resources:\n" + _TOPIC.format(name="Alerts"))
    (tmp_path / "usage.yml").write_text(
        "version: 0.1\nresource_usage:\n  Alerts:\n    publishes_per_unit: 3\n"
    )
    saved = costcalc("estimate", "template.yaml", "--usage", "usage.yml", "--format", "json",
                     "--out", "base.json", cwd=tmp_path)  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    result = costcalc("diff", "--compare-to", "base.json", "template.yaml", "--format", "json",
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    assert document["model"] == "graph"
    [alerts] = document["resources"]
    assert (alerts["resource"], alerts["change"]) == ("Alerts", "changed")
    assert alerts["head_usd"] * 3 == alerts["base_usd"]
