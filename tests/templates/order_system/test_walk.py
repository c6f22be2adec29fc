"""The generated README's walk from a deployed stack to a first order, played on the runner.

The commands are read from the README itself (between its `<!-- walk -->` markers), so the
README and this test cannot drift: `make deploy` and `make destroy` start and stop the runner,
`make outputs` saves the runner's outputs with its gateway's URL, `make logs` reads the
runner's function logs, and every other `make` line plays the recipe `make -n` prints, with
the project's own client and runner, against the project's own template.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

import pytest
from stack_helpers import SENDER
from template_helpers import BUILT, MANIFEST, answers_for, combo_id, generate, run

import orderclient.cli
import orderflow_localrun.cli
from orderclient.cli import NEW_PASSWORD_VARIABLE, PASSWORD_VARIABLE
from orderflow_localrun import LocalRunner
from orderflow_localrun.gateway import serving
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

_WALK = re.compile(r"^<!-- walk -->\n(?P<lines>.*?)\n<!-- /walk -->$", re.MULTILINE | re.DOTALL)
_MAINS: dict[str, Callable[[Sequence[str]], int]] = {
    "orderclient": orderclient.cli.main,
    "orderflow_localrun": orderflow_localrun.cli.main,
}
# One SAM and one Pulumi combination run with the fast tests; the others are slow.
_QUICK = [{"style": "choreography", "iac": "sam", "include_promo": "no"}]


def walk(readme: str) -> list[list[str]]:
    """The walk's commands, each split as a shell splits it (comments dropped)."""
    found = _WALK.search(readme)
    assert found, "the README has no <!-- walk --> block"
    return [shlex.split(line, comments=True) for line in found["lines"].splitlines() if line]


class Player:
    """Plays walk commands in a generated project, on the runner instead of AWS."""

    def __init__(self, project: Path, stacks: ExitStack) -> None:
        self.project = project
        self.stacks = stacks
        self.runner: LocalRunner | None = None
        self.out: list[str] = []

    def play(self, argv: list[str]) -> None:
        if argv[0] == "echo" and argv[2:3] == [">"]:
            (self.project / argv[3]).write_text(argv[1] + "\n")
        elif argv[0] == "make":
            self._make(argv[1:])
        elif argv[:2] == [".venv/bin/python", "-m"] and argv[2] in _MAINS:
            status = _MAINS[argv[2]](argv[3:])
            assert status == 0, f"{shlex.join(argv)}: exit {status}"
        else:
            pytest.fail(f"the walk has a command the runner cannot play: {shlex.join(argv)}")

    def _make(self, arguments: list[str]) -> None:
        target = arguments[0]
        if target == "deploy":
            template = self.project / MANIFEST.sam_templates[_style(self.project)]
            parameters = {
                "SenderEmail": SENDER,
                "AcceptanceTimeoutSeconds": ANSWERED_TIMEOUT_SECONDS,
            }
            self.runner = self.stacks.enter_context(LocalRunner.start(template, parameters))
            self.runner.verify_email_identity(SENDER)
            self.gateway = self.stacks.enter_context(serving(self.runner))
        elif target == "outputs":
            assert self.runner is not None, "make outputs before make deploy"
            outputs = {**self.runner.deployment.outputs, "ApiUrl": self.gateway}
            (self.project / "outputs.json").write_text(json.dumps(outputs))
        elif target == "logs":
            assert self.runner is not None, "make logs before make deploy"
            assert self.runner.logs.getvalue(), "the functions logged nothing"
        elif target == "destroy":
            self.stacks.close()
            self.runner = None
        else:
            recipe = run("make", "-n", "-s", "-o", "install", *arguments, cwd=self.project)
            assert recipe.returncode == 0, recipe.stderr
            for line in recipe.stdout.splitlines():
                self.play(shlex.split(line))


def _style(project: Path) -> str:
    return next(s for s, t in MANIFEST.sam_templates.items() if (project / t).is_file())


def _play(combo: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> str:  # fmt: skip
    project = generate(tmp_path / "out", **answers_for(combo))
    monkeypatch.chdir(project)
    monkeypatch.setenv(PASSWORD_VARIABLE, "Temporary-Pass-1")
    monkeypatch.setenv(NEW_PASSWORD_VARIABLE, "Chosen-Password-2")
    with ExitStack() as stacks:
        player = Player(project, stacks)
        for argv in walk((project / "README.md").read_text()):
            player.play(argv)
        assert player.runner is None, "the walk ends with make destroy"
    return capsys.readouterr().out


def test_the_readme_walk_takes_a_first_order_to_completed_on_the_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _play(_QUICK[0], tmp_path, monkeypatch, capsys)
    assert "order_completed" in out
    assert re.search(r"^order \S+: completed$", out, re.MULTILINE)


@pytest.mark.slow
@pytest.mark.parametrize("combo", [c for c in BUILT if c not in _QUICK], ids=combo_id)
def test_every_combination_s_readme_walk_plays_on_the_runner(
    combo: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _play(combo, tmp_path, monkeypatch, capsys)
    assert re.search(r"^order \S+: completed$", out, re.MULTILINE)


def test_a_walk_line_the_runner_cannot_play_fails_the_test(tmp_path: Path) -> None:
    with (
        ExitStack() as stacks,
        pytest.raises(pytest.fail.Exception, match="cannot play: aws s3 ls"),
    ):
        Player(tmp_path, stacks).play(["aws", "s3", "ls"])
