"""`.pre-commit-hooks.yaml`: valid by pre-commit's own schema, each entry a command the package
installs, and each hook run as pre-commit runs it (entry, then args, then the files it selects).

pre-commit's `try-repo` would build the hook's virtualenv by installing the kit from the
package index, which tests do not reach; what it would run is run here instead, with this
environment's installed commands."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pre_commit.clientlib import load_manifest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOOKS: dict[str, dict[str, Any]] = {
    hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
}


def _run(
    hook_id: str, args: list[str], staged: list[str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    hook = HOOKS[hook_id]
    selected = [name for name in staged if re.search(hook["files"], name)]
    command = [*shlex.split(hook["entry"]), *args, *(selected if hook["pass_filenames"] else [])]
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_every_hook_is_a_python_hook_whose_command_the_package_installs() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert set(HOOKS) == {"costcalc-check-templates", "costcalc-diff"}
    for hook in HOOKS.values():
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] in scripts


def _template(folder: Path, name: str, memory: str = "256") -> str:
    text = (ROOT / "sam/choreography/template.yaml").read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    text = text.replace("    MemorySize: 256\n", f"    MemorySize: {memory}\n")
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return name


def test_the_template_hook_passes_templates_that_read_and_names_the_one_that_does_not(
    tmp_path: Path,
) -> None:
    good = _template(tmp_path, "sam/app/template.yaml")
    (tmp_path / "sam/broken").mkdir(parents=True)
    (tmp_path / "sam/broken/template.yaml").write_text("Resources:\n  T: {Type: X\n")
    staged = [good, "sam/broken/template.yaml", "README.md"]
    result = _run("costcalc-check-templates", [], staged, tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        line for line in result.stderr.splitlines() if "sam/broken/template.yaml" in line
    ]
    assert result.stderr.startswith(
        "costcalc estimate: error: sam/broken/template.yaml: not valid YAML or JSON"
    )
    assert _run("costcalc-check-templates", [], [good], tmp_path).returncode == 0


def test_the_template_hook_gives_its_args_to_every_template(tmp_path: Path) -> None:
    good = _template(tmp_path, "sam/app/template.yaml")
    result = _run("costcalc-check-templates", ["--parameter", "LogRetentionDays=2"], [good],
                  tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert "parameter LogRetentionDays=2: accepted values are 1, 3, 5" in result.stderr


@pytest.mark.parametrize(("fail_above", "code"), [("5", 1), ("50", 0)])
def test_the_diff_hook_gates_a_change_against_the_committed_base(
    tmp_path: Path, fail_above: str, code: int
) -> None:
    head = _template(tmp_path, "sam/app/template.yaml", memory="1024")
    base = _template(tmp_path, "base/template.yaml")
    saved = subprocess.run(
        [BIN / "costcalc", "estimate", base, "--volume", "1e6", "--format", "json", "--out",
         "base.json"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    args = ["--compare-to", "base.json", head, "--volume", "1e6", "--fail-above", fail_above]
    result = _run("costcalc-diff", args, [head], tmp_path)
    assert result.returncode == code, result.stderr
    assert "+12.54" in result.stdout
