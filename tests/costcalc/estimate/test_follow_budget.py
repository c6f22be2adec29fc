"""The follower's work is bounded: a graph whose paths multiply at every layer is refused with
the reason, never followed for hours."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from costcalc.cli.main import main
from costcalc.estimate import follow
from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.template import TemplateError
from costcalc.estimate.usage_file import UsageFile

Usage = dict[str, dict[str, object]]


def _layers(tmp_path: Path, depth: int) -> tuple[Path, Usage]:
    """An API's function calling ``depth`` layers of two functions, each calling both of the
    next: 2^depth paths."""
    resources: dict[str, object] = {}
    usage: Usage = {}
    for layer in range(depth + 1):
        for side in "a" if layer == 0 else "ab":
            properties: dict[str, object] = {}
            if layer < depth:
                callees = [f"F{layer + 1}a", f"F{layer + 1}b"]
                properties["Environment"] = {"Variables": {c: {"Ref": c} for c in callees}}
                usage[f"F{layer}{side}"] = {"calls": dict.fromkeys(callees, 1)}
            if layer == 0:
                http = {"Type": "HttpApi", "Properties": {"Path": "/go", "Method": "post"}}
                properties["Events"] = {"Go": http}
            resources[f"F{layer}{side}"] = {
                "Type": "AWS::Serverless::Function",
                "Properties": properties,
            }
    template = tmp_path / "template.yaml"
    template.write_text(
        yaml.safe_dump(
            {
                "Transform": "AWS::Serverless-2016-10-31",
                "Globals": {"Function": {"Runtime": "python3.12", "Handler": "app.handler"}},
                "Resources": resources,
            }
        )
    )
    return template, usage


def _invocations(template: Path, usage: Usage, tmp_path: Path) -> Decimal:
    found = estimate_source(template, Decimal(1000), UsageFile(tmp_path / "u.yml", usage),
                            samconfig=False)  # fmt: skip
    return sum(
        (p.charge.monthly for p in found.estimates[0].priced if p.charge.item == "requests-x86"),
        Decimal(0),
    )


def test_a_graph_within_the_budget_is_followed_down_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow, "MAX_CALLS", 2**7 - 1)  # F0a and the 2^7 - 2 calls below it
    template, usage = _layers(tmp_path, depth=6)

    # layer n is reached along 2^n paths, 1,000 times a month each
    assert _invocations(template, usage, tmp_path) == 1000 * sum(2**n for n in range(7))


def test_a_graph_whose_paths_multiply_past_the_budget_is_refused_naming_the_file_and_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow, "MAX_CALLS", 2**7 - 2)
    template, usage = _layers(tmp_path, depth=6)

    with pytest.raises(TemplateError, match=rf"^{template}: F6\w: more than 126 calls to follow"):
        _invocations(template, usage, tmp_path)


def test_the_refusal_is_one_line_and_exit_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(follow, "MAX_CALLS", 10)
    template, usage = _layers(tmp_path, depth=6)
    (tmp_path / "usage.yml").write_text(yaml.safe_dump({"version": 0.1, "resource_usage": usage}))
    out = tmp_path / "estimate.json"

    code = main(["estimate", str(template), "--model", "graph", "--volume", "1000", "--usage",
                 str(tmp_path / "usage.yml"), "--format", "json", "--out", str(out)])  # fmt: skip

    err = capsys.readouterr().err
    assert code == 2
    assert "more than 10 calls to follow" in err
    assert "Traceback" not in err
    assert not out.exists()
