"""Project configuration: found upwards as ruff finds its own, flags win, `config show` says
where each value came from, and a bad file is one line naming it and the key, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from costcalc.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with a sub-folder the commands run in."""
    inner = tmp_path / "project" / "deep" / "er"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    return tmp_path / "project"


def shown(capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[object, str]]:
    code, out, err = run(capsys, "config", "show", "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["schema_version"] == "1"
    return {row["key"]: (row["value"], row["source"]) for row in document["keys"]}


def test_without_a_file_every_value_is_the_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shown(capsys) == {
        "region": ("us-east-1", "default"),
        "volume": (250000, "default"),
        "usage": ([], "default"),
        "free_tier": (False, "default"),
        "format": (None, "default"),
    }


def test_a_costcalc_toml_above_the_working_folder_applies_and_says_where_it_is(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "costcalc.toml"
    config.write_text('region = "eu-west-1"\nvolume = 1e6\nusage = ["u.yaml"]\n')
    values = shown(capsys)
    assert values["region"] == ("eu-west-1", str(config))
    assert values["volume"] == (1000000, str(config))
    assert values["usage"] == ([str(project / "u.yaml")], str(config))
    code, out, _ = run(capsys, "config", "show", "--format", "text")
    assert code == 0
    assert f"  region     eu-west-1                    ({config})" in out.splitlines()


def test_a_pyproject_without_the_table_is_passed_over_and_one_with_it_is_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "deep" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / "pyproject.toml").write_text("[tool.costcalc]\nfree_tier = true\n")
    assert shown(capsys)["free_tier"] == (True, f"{project / 'pyproject.toml'} [tool.costcalc]")


def test_the_configured_values_price_and_a_flag_wins_over_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "costcalc.toml").write_text('format = "json"\nfree_tier = true\n')
    code, out, _ = run(capsys, "price", "ses", "--emails", "1000")
    assert code == 0
    assert json.loads(out)["free_tier"] is True
    code, out, _ = run(capsys, "price", "ses", "--emails", "1000", "--no-free-tier")
    assert json.loads(out)["free_tier"] is False
    code, out, _ = run(capsys, "price", "ses", "--emails", "1000", "--format", "csv")
    assert out.startswith("service,")


def test_a_format_a_command_does_not_print_leaves_that_command_its_own(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "costcalc.toml").write_text('format = "csv"\n')
    definition = Path(__file__).parents[3] / "statemachine/orders.asl.json"
    code, out, _ = run(capsys, "transitions", str(definition))  # table or json: csv is not one
    assert (code, out.splitlines()[0]) == (0, f"{definition} (STANDARD), per execution:")
    code, out, _ = run(capsys, "price", "ses", "--emails", "1000")
    assert (code, out.split(",")[0]) == (0, "service")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('regoin = "eu-west-1"\n', "unknown key 'regoin'; accepted: region, volume, usage, "
                                   "free_tier, format"),
        ('volume = "lots"\n', "volume = 'lots': expected a number > 0"),
        ("free_tier = 1\n", "free_tier = 1: expected true or false"),
        ('usage = "u.yaml"\n', "usage = 'u.yaml': expected a list of file paths"),
        ("region = [\n", "not valid TOML"),
        ('format = "yaml"\n', "format = 'yaml': no command prints it; accepted: csv, github-"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_line_naming_the_file_and_key_and_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (project / "costcalc.toml").write_text(text)
    code, out, err = run(capsys, "compare")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"costcalc: error: {project / 'costcalc.toml'}: {message}")
