"""The template holds no copy of the kit: projects get the kit's files as they are right now."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from orderflow_generator.errors import AnswerRefused
from orderflow_generator.manifest import plan_project
from template_helpers import (
    ADDRESSES,
    BUILT,
    MANIFEST,
    ROOT,
    TEMPLATE,
    answers_for,
    copy_kit,
    files_under,
    generate,
)

CHANGE = "\n# a change made only in functions/\n"


def test_changing_a_handler_changes_what_the_generator_writes_with_no_second_edit(
    tmp_path: Path,
) -> None:
    kit = copy_kit(tmp_path / "kit")
    handler = kit / "functions/api.py"
    handler.write_text(handler.read_text() + CHANGE)
    project = generate(tmp_path / "out", kit / "templates/order-system", **answers_for(BUILT[0]))
    assert (project / "functions/api.py").read_text().endswith(CHANGE)


def test_no_template_file_holds_the_content_of_a_kit_file() -> None:
    kit_files = {
        (ROOT / relative).read_bytes()
        for combo in BUILT
        for relative in plan_project(MANIFEST, ROOT, combo).kit_files
    }
    for path in TEMPLATE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.read_bytes() not in kit_files, path


@pytest.mark.slow
def test_generation_works_from_a_git_url_with_directory(tmp_path: Path) -> None:
    kit = copy_kit(tmp_path / "kit")
    git = ["git", "-c", "user.name=kit", "-c", "user.email=kit@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the kit"]):
        subprocess.run([*git, *command], cwd=kit, check=True, capture_output=True)
    project = generate(
        tmp_path / "out", f"git+file://{kit}", directory="templates/order-system", **ADDRESSES
    )
    assert project == tmp_path / "out/my-orders"
    assert "sam/choreography/template.yaml" in files_under(project)
    assert (project / "functions/api.py").read_bytes() == (ROOT / "functions/api.py").read_bytes()


def test_a_template_folder_outside_a_kit_is_refused_with_the_reason(tmp_path: Path) -> None:
    lone = tmp_path / "elsewhere/order-system"
    shutil.copytree(TEMPLATE, lone, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "out").mkdir()
    with pytest.raises(AnswerRefused, match="must be used from inside an Orderflow Kit checkout"):
        generate(tmp_path / "out", lone, **answers_for(BUILT[0]))
    assert list((tmp_path / "out").iterdir()) == []
