"""Every `--format json` costcalc prints carries `schema_version` and validates against the JSON
Schema shipped in the package (costcalc/schemas/, read as package data, as a user's tool would)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from costcalc.actual import aws, insights
from costcalc.cli.main import build_parser, main
from orderflow_definitions.cli import SCHEMA_VERSION
from tests.costcalc.actual.aws_answers import stub
from tests.costcalc.actual.orders_stack import answers

ROOT = Path(__file__).resolve().parents[2]
CHOREOGRAPHY = str(ROOT / "sam/choreography/template.yaml")
ORCHESTRATION = str(ROOT / "sam/orchestration/template.yaml")

# Each command whose --format offers json, the schema its output follows, and real runs of it.
RUNS: dict[str, tuple[str, list[list[str]]]] = {
    "price lambda": (
        "price",
        [
            ["price", "lambda", "--requests", "3e6", "--duration-ms", "120", "--memory-mb", "1536"],
            [
                "price",
                "lambda",
                "--requests",
                "3e6",
                "--duration-ms",
                "1",
                "--memory-mb",
                "128",
                "--free-tier",
            ],
        ],
    ),
    "prices show": ("prices-show", [["prices", "show", "--service", "lambda"]]),
    "config show": ("config-show", [["config", "show"]]),
    "compare": (
        "compare",
        [["compare"], ["compare", "--sweep", "1e3:1e6:3", "--with", "analytics", "--free-tier"]],
    ),
    "estimate": (
        "estimate",
        [
            ["estimate", CHOREOGRAPHY],
            ["estimate", ORCHESTRATION, "--model", "graph"],
            ["estimate", str(ROOT / "pulumi/orders-choreography")],
        ],
    ),
    "diff": ("diff", [["diff", CHOREOGRAPHY, ORCHESTRATION]]),
    "transitions": ("transitions", [["transitions", str(ROOT / "statemachine/orders.asl.json")]]),
    "actual": (
        "actual",
        [
            [
                "actual",
                "--stack",
                "orders",
                "--start",
                "2026-11-01",
                "--end",
                "2026-12-01",
                "--definition",
                ORCHESTRATION,
            ]
        ],
    ),
}


def _schemas() -> dict[str, dict[str, Any]]:
    folder = resources.files("costcalc") / "schemas"
    return {
        entry.name.removesuffix(".schema.json"): json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".schema.json")
    }


SCHEMAS = _schemas()
REGISTRY: Registry[Any] = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[name], registry=REGISTRY)


@pytest.fixture
def aws_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(insights, "POLL_SECONDS", 0.0)
    with stub(answers()) as clients:
        monkeypatch.setattr(aws, "boto_clients", lambda region, profile: clients)
        yield


def _json_commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _json_commands(sub, (*words, name))
        elif "--format" in action.option_strings and "json" in (action.choices or ()):
            yield " ".join(words)


def test_every_command_with_json_output_is_run_against_a_schema() -> None:
    commands = set(_json_commands(build_parser()))
    priced = {c for c in commands if c.startswith("price ")}
    assert commands - priced | {"price lambda"} == set(RUNS)


def test_every_schema_is_valid_json_schema_and_the_docs_publish_the_same_files() -> None:
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)
    published = ROOT / "docs/schemas"
    mine = [p for p in published.glob("*.schema.json") if not p.name.startswith("localrun-")]
    assert sorted(p.name for p in mine) == sorted(f"{name}.schema.json" for name in SCHEMAS)
    for name, schema in SCHEMAS.items():
        assert json.loads((published / f"{name}.schema.json").read_text()) == schema


@pytest.mark.parametrize("command", sorted(RUNS))
def test_the_real_json_output_of_each_command_validates_against_its_schema(
    command: str, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    if command == "actual":
        request.getfixturevalue("aws_answers")  # a recorded AWS exchange, every answer used
    schema, runs = RUNS[command]
    for argv in runs:
        assert main([*argv, "--format", "json", "--quiet"]) == 0, capsys.readouterr().err
        document = json.loads(capsys.readouterr().out)
        assert document["schema_version"] == SCHEMA_VERSION
        validator(schema).validate(document)


def test_a_document_that_strays_from_its_schema_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["price", "ses", "--emails", "1000", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    for broken in (
        {**document, "schema_version": "0"},
        {**document, "surprise": 1},
        {k: v for k, v in document.items() if k != "lines"},
    ):
        with pytest.raises(ValidationError):
            validator("price").validate(broken)
