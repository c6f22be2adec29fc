"""The general estimate on public templates: each case's breakdown is its reviewed golden."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.costcalc.estimate.template_corpus import cases, golden


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_a_public_definition_is_priced_as_its_golden_file_says(case: Path) -> None:
    expected = (case / "golden.json").read_text(encoding="utf-8")
    assert golden(case) == expected, "behaviour changed: make estimate-goldens, review the diff"


def test_the_corpus_covers_the_patterns_the_issue_names() -> None:
    manifest = (Path(__file__).parent / "template_corpus" / "MANIFEST.yaml").read_text()
    for pattern in ("express", "callback", "distributed-map", "parallel", "rest-api", "http-api",
                    "default-bus", "pulumi", "cdk"):  # fmt: skip
        assert pattern in manifest
    assert len(cases()) >= 30
