"""`costcalc completion SHELL`: scripts written from the parser, run in the real shells (zsh and
fish where installed) to complete commands, flags, their choices and files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from costcalc.cli.main import main


def script(shell: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    assert main(["completion", shell]) == 0
    path = tmp_path / f"costcalc.{shell}"
    path.write_text(capsys.readouterr().out)
    return path


def bash(completion: Path, *words: str, cwd: Path | None = None) -> list[str]:
    program = (
        f"source {completion}; COMP_WORDS=(costcalc {' '.join(map(repr, words))}); "
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _costcalc; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    done = subprocess.run(
        ["bash", "-c", program], capture_output=True, text=True, check=True, cwd=cwd
    )
    return done.stdout.split()


def test_bash_completes_commands_nested_commands_and_flags(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    completion = script("bash", capsys, tmp_path)
    assert bash(completion, "est") == ["estimate"]
    assert bash(completion, "co") == ["compare", "config", "completion"]
    assert bash(completion, "price", "s") == ["stepfunctions", "scheduler", "sns", "ses", "sqs"]
    assert bash(completion, "price", "lambda", "--ar") == ["--arch"]
    assert bash(completion, "estimate", "T", "--vo") == ["--volume"]


def test_bash_completes_a_flags_choices_and_files_where_a_file_is_taken(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    completion = script("bash", capsys, tmp_path)
    formats = ["markdown", "table", "json", "github-comment"]
    assert bash(completion, "diff", "a", "b", "--format", "") == formats
    assert bash(completion, "completion", "") == ["bash", "zsh", "fish", "-h", "--help",
                                                  "-q", "--quiet"]  # fmt: skip
    (tmp_path / "template.yaml").write_text("")
    assert bash(completion, "estimate", "--usage", "temp", cwd=tmp_path) == ["template.yaml"]
    assert bash(completion, "estimate", "temp", cwd=tmp_path) == ["template.yaml"]
    assert bash(completion, "estimate", "--volume", "") == []  # a number: nothing to offer


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_from_its_script(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    completion = script("fish", capsys, tmp_path)

    def fish(line: str) -> list[str]:
        program = f"source {completion}; complete -C {line!r}"
        done = subprocess.run(["fish", "-c", program], capture_output=True, text=True, check=True)
        return [entry.split("\t")[0] for entry in done.stdout.splitlines()]

    assert fish("costcalc est") == ["estimate"]
    assert fish("costcalc price lambda --ar") == ["--arch"]
    assert fish("costcalc completion ") == ["bash", "fish", "zsh"]
    assert "infracost-usage" in fish("costcalc estimate T --format ")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_offers_what_the_command_being_typed_takes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    completion = script("zsh", capsys, tmp_path)

    def zsh(*words: str) -> list[str]:
        # compadd and _files stand in for the completion system, which needs a terminal.
        program = (
            'compdef() {}; compadd() { shift; print -r -- "$@"; }; _files() { print FILES; }; '
            f"source {completion}; words=(costcalc {' '.join(map(repr, words))}); "
            "CURRENT=${#words}; _costcalc"
        )
        done = subprocess.run(["zsh", "-c", program], capture_output=True, text=True, check=True)
        return done.stdout.split()

    assert zsh("diff", "a", "b", "--format", "") == ["markdown", "table", "json", "github-comment"]
    assert "--arch" in zsh("price", "lambda", "")
    assert zsh("estimate", "--usage", "") == ["FILES"]
