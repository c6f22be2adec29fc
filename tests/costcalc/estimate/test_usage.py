"""Which definitions a source holds: a template, a Pulumi project, or a generated project."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from costcalc.estimate.template import TemplateError
from costcalc.estimate.usage import Source, estimate, sources_in

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / "templates/order-system"


def _generate(output: Path, **answers: str) -> Path:
    """A project the real generator writes (cookiecutter's API, hooks off), as a user gets it."""
    if str(GENERATOR) not in sys.path:
        sys.path.insert(0, str(GENERATOR))  # cookiecutter imports the generator's package there
    from template_helpers import answers_for, generate  # noqa: PLC0415 - needs the path above

    return generate(output, **answers_for({}, **answers))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Choreography on SAM: the combination the generator builds today."""
    output = tmp_path_factory.mktemp("generated") / "out"
    return _generate(output, style="choreography", iac="sam", include_promo="no")


def test_a_generated_project_is_estimated_from_the_template_it_holds(generated: Path) -> None:
    template = generated / "sam/choreography/template.yaml"
    assert Source(template, project=generated) in sources_in(generated)  # beside sam/contracts
    [found] = estimate(generated)
    [kit] = estimate(ROOT / "sam/choreography/template.yaml", samconfig=False)
    assert found.template == template
    for part in ("design", "functions", "paths"):
        assert getattr(found.derivation, part) == getattr(kit.derivation, part), part


def test_a_generated_project_s_samconfig_answers_for_its_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _generate(tmp_path / "out", architecture="x86_64")
    monkeypatch.chdir(tmp_path)  # not the project: its samconfig.toml is found at its root
    [found] = estimate(project)
    assert {f["arch"] for f in found.derivation.functions.values()} == {"x86_64"}
    [ignored] = estimate(project, samconfig=False)
    assert {f["arch"] for f in ignored.derivation.functions.values()} == {"arm64"}


def test_a_project_with_a_pulumi_twin_prices_the_workflow_once(
    generated: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(generated, project)
    for part in ("orderflow_infra", "orders-choreography"):
        shutil.copytree(ROOT / "pulumi" / part, project / "pulumi" / part,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    assert {
        Source(project / "sam/choreography/template.yaml", project=project),
        Source(project / "pulumi/orders-choreography", pulumi=True),
    } <= set(sources_in(project))
    [found] = estimate(project)
    assert found.template == project / "sam/choreography/template.yaml"
    assert (
        f"{project / 'pulumi/orders-choreography'} deploys the same workflow (choreography): "
        f"priced once, from {project / 'sam/choreography/template.yaml'}"
    ) in found.derivation.notes


def test_a_pulumi_project_is_found_by_its_folder_or_its_project_file() -> None:
    project = ROOT / "pulumi/orders-choreography"
    assert sources_in(project) == [Source(project, pulumi=True)]
    assert sources_in(project / "Pulumi.yaml") == [Source(project, pulumi=True)]


def test_the_kit_s_own_layout_is_read_as_a_project() -> None:
    found = sources_in(ROOT)
    assert {
        Source(ROOT / "sam/choreography/template.yaml", project=ROOT),
        Source(ROOT / "sam/orchestration/template.yaml", project=ROOT),
        Source(ROOT / "pulumi/orders-choreography", pulumi=True),
        Source(ROOT / "pulumi/orders-orchestration", pulumi=True),
    } <= set(found)
    assert [s.pulumi for s in found] == sorted(s.pulumi for s in found)  # templates first


def test_a_folder_with_no_definitions_says_what_was_looked_for(tmp_path: Path) -> None:
    (tmp_path / "sam").mkdir()
    (tmp_path / "notes.txt").write_text("nothing to see", encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        sources_in(tmp_path)
    assert str(refused.value) == (
        f"{tmp_path}: a folder with no definitions; looked for template.yaml, template.yml, "
        "template.json, Pulumi.yaml, Pulumi.yml, sam/<stack>/template.yaml, "
        "pulumi/<project>/Pulumi.yaml, cdk.out/<stack>.template.json; expected a SAM template, "
        "a Pulumi project or a project holding them"
    )
