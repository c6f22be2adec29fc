"""`sam init --location` (the SAM CLI from PyPI, offline) generates the same project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from template_helpers import (
    ADDRESSES,
    BIN,
    BUILT,
    TEMPLATE,
    answers_for,
    files_under,
    generate,
    run,
)


def _sam_init(
    output: Path, answers: dict[str, str] | None = None, name: str = "my-orders"
) -> tuple[int, str]:
    """`sam init` with the required addresses and `answers` as its --extra-context."""
    context = json.dumps({**ADDRESSES, **(answers or {})})
    result = run(
        BIN / "sam", "init", "--no-input", "--location", TEMPLATE, "--name", name,
        "--output-dir", output, "--extra-context", context, cwd=output,
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


@pytest.mark.slow
def test_sam_init_writes_the_same_files_as_cookiecutter(tmp_path: Path) -> None:
    (tmp_path / "sam").mkdir()
    status, output = _sam_init(tmp_path / "sam")
    assert status == 0, output
    by_sam = tmp_path / "sam/my-orders"
    assert list((tmp_path / "sam").iterdir()) == [by_sam]  # nothing beside the project
    by_cookiecutter = generate(tmp_path / "cc", **answers_for(BUILT[0], project_name="my-orders"))
    assert files_under(by_sam) == files_under(by_cookiecutter)
    for relative in files_under(by_sam):
        assert (by_sam / relative).read_bytes() == (by_cookiecutter / relative).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"sender_email": "nobody"}, "sender_email 'nobody': expected an email address"),
        ({"style": "saga"}, "style 'saga': expected choreography or orchestration"),
    ],
)
def test_sam_init_refuses_a_bad_answer_and_writes_nothing(
    tmp_path: Path, answer: dict[str, str], message: str
) -> None:
    status, output = _sam_init(tmp_path, answer)
    assert status == 1
    assert message in output
    assert "Traceback" not in output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "answer", "message"),
    [
        (
            "Pizza Orders",
            {},
            "project_name 'Pizza Orders': `sam init` writes its samconfig.toml into a folder "
            "named as typed; pass --name pizza-orders",
        ),
        ("my-orders", {"iac": "pulumi"}, "iac 'pulumi': `sam init` adds a SAM samconfig.toml"),
    ],
    ids=["a-name-that-is-not-its-slug", "a-pulumi-only-project"],
)
def test_sam_init_refuses_what_would_leave_its_own_samconfig_behind(
    tmp_path: Path, name: str, answer: dict[str, str], message: str
) -> None:
    status, output = _sam_init(tmp_path, answer, name)
    assert status == 1
    assert message in output
    assert "Traceback" not in output
    assert list(tmp_path.iterdir()) == []
