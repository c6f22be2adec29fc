"""`costcalc transitions`: the expectation, its paths and assumptions, table and JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.cli.main import main

POLL = {
    "StartAt": "Ask again",
    "States": {
        "Ask again": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Next": "Done?",
        },
        "Done?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Finish"}],
            "Default": "Pause",
        },
        "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Ask again"},
        "Finish": {"Type": "Succeed"},
    },
}


def _write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "machine.asl.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_json_carries_the_expectation_and_each_path_with_probability_and_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, POLL)
    assert main(["transitions", str(path), "--loop", "Ask again=0.25", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out, parse_float=Decimal)
    # Ask again, Done?, Finish = 3, plus 0.25 passes of Ask again, Done?, Pause = 3.75
    assert Decimal(document["expected_transitions"]) == Decimal("3.75")
    first, second = document["paths"][:2]
    assert first["states"] == ["Ask again", "Done?", "Finish"]
    assert (Decimal(first["probability"]), Decimal(first["transitions"])) == (Decimal("0.8"), 3)
    assert Decimal(second["probability"]) == Decimal("0.16")
    assert document["path_cap"] == 10
    assert Decimal(document["remaining_probability"]) == Decimal("0.2") ** 10


def test_the_table_lists_the_defaults_it_assumed_with_a_shell_ready_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transitions", str(_write(tmp_path, POLL))]) == 0
    out = capsys.readouterr().out
    assert "expected transitions  6" in out
    assert "give --loop 'Ask again=N', N fractional" in out


def test_express_refuses_what_it_cannot_run_and_otherwise_gives_the_duration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, POLL)
    assert main(["transitions", str(path), "--type", "express", "--loop", "Ask again=1"]) == 0
    # Ask again twice (100 ms each, a Lambda task) and one 5 s Pause on average
    assert "expected duration     5200 ms" in capsys.readouterr().out
    ask = {
        **POLL["States"]["Ask again"],
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
    }
    callback = {**POLL, "States": {**POLL["States"], "Ask again": ask}}
    assert main(["transitions", str(_write(tmp_path, callback)), "--type", "express"]) == 2
    err = capsys.readouterr().err
    assert "Express cannot run this definition" in err
    assert "'Ask again' waits for a task token" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"{not json", "not JSON"),
        (b'{"StartAt": "A", "Seconds": ' + b"9" * 5000 + b"}", "a number of 5,000 characters"),
        (b'{"StartAt": "A", "Seconds": NaN}', "NaN is not a JSON number"),
        (b"[]", "expected a JSON object with StartAt and States"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b" " * (1_048_577), "larger than 1 MB"),
    ],
)
def test_an_unreadable_definition_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.asl.json"
    path.write_bytes(content)
    assert main(["transitions", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
