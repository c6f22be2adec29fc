"""The Jinja extension cookiecutter loads: the `orderflow` global the template's names call.

- `orderflow.project_dir(cookiecutter)` renders the project folder's name. Cookiecutter renders it
  before it writes anything, so this is where every answer is checked: a refusal leaves nothing.
- `orderflow.own(cookiecutter, name)` renders a per-project template file's name: its path in
  the project when the manifest gives the file to these answers, else "" (cookiecutter skips a
  file named "").
- `orderflow.copy_kit_files(cookiecutter)` renders the name of one more template file: it copies
  the kit files the manifest gives these answers into the project, verbatim, and renders "" so
  cookiecutter writes nothing of its own for it. Cookiecutter writes one output per template
  file; copying here is what keeps the manifest the only list of the kit's files.
- The rest hand the template's README and pyproject the kit's own text and derived figures.

`pyproject.toml` is named through `own` too, so that tools reading the kit (ruff) do not take the
template's Jinja for the kit's configuration.

No hook is involved anywhere: `sam init` on packaged SAM CLI builds refuses Python hooks.
"""

from __future__ import annotations

import inspect
import re
import shutil
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cookiecutter import main  # type: ignore[import-untyped]
from jinja2 import Environment
from jinja2.ext import Extension

from orderflow_definitions.reader import read_document
from orderflow_definitions.state_machines import read_asl
from orderflow_generator import diagram
from orderflow_generator import state_machine as asl
from orderflow_generator.answers import Answers, check_answers
from orderflow_generator.errors import AnswerRefused
from orderflow_generator.manifest import Manifest, Plan, load_manifest, plan_project

Context = Mapping[str, Any]
SITE_URL = re.compile(r"^site_url: (\S+)$", re.MULTILINE)
REPO_URL = re.compile(r"^repo_url: https://github\.com/([\w.-]+/[\w.-]+?)/?$", re.MULTILINE)
TABLE_HEADER = re.compile(r"\[\[?([^\]]+)\]\]?")


def passed_answers() -> list[str]:
    """The names of the answers passed to cookiecutter (`key=value` on its command line, `sam
    init --extra-context`). Cookiecutter drops a name its cookiecutter.json lacks before any of
    the template's code runs, so a misspelt answer would be ignored in silence; the extension
    reads the names from cookiecutter's own call instead (no hook sees them under `sam init`)."""
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code is main.cookiecutter.__code__:
            return list(frame.f_locals.get("extra_context") or {})
        frame = frame.f_back
    return []


class Generator:
    """What the template's names and files call; one per Jinja environment (one generation)."""

    def __init__(self) -> None:
        self._checked: dict[tuple[str, ...], tuple[Answers, Plan]] = {}
        self._template_dirs: dict[str, Path] = {}
        self._templates: dict[Path, dict[str, Any]] = {}

    # ------------------------------------------------------------------ answers and the plan
    def _template_dir(self, cookiecutter: Context) -> Path:
        """The template's folder; `_repo_dir` may be relative to where cookiecutter started, so
        it is resolved on first use (the folder name's render), before cookiecutter changes
        into the template folder to render the files."""
        given = str(cookiecutter["_repo_dir"])
        return self._template_dirs.setdefault(given, Path(given).resolve())

    def _kit_root(self, cookiecutter: Context) -> Path:
        template_dir = self._template_dir(cookiecutter)
        root = template_dir.parents[1]
        if not (root / "functions").is_dir():
            raise AnswerRefused(
                f"{template_dir} must be used from inside an Orderflow Kit checkout "
                "(templates/order-system), where it reads the kit's files"
            )
        return root

    def _manifest(self, cookiecutter: Context) -> Manifest:
        return load_manifest(self._template_dir(cookiecutter))

    def checked(self, cookiecutter: Context) -> tuple[Answers, Plan]:
        key = tuple(str(cookiecutter.get(k, "")) for k in sorted(cookiecutter))
        if key not in self._checked:
            kit_root = self._kit_root(cookiecutter)
            manifest = self._manifest(cookiecutter)
            style = str(cookiecutter.get("style", ""))
            template_name = manifest.sam_templates.get(style, "")
            template = self._load(kit_root / template_name) if template_name else {}
            answers = check_answers(
                cookiecutter,
                manifest,
                template.get("Parameters", {}),
                template_name,
                given=passed_answers(),
            )
            self._checked[key] = (answers, plan_project(manifest, kit_root, answers.as_choices()))
        return self._checked[key]

    def answers(self, cookiecutter: Context) -> Answers:
        return self.checked(cookiecutter)[0]

    def project_dir(self, cookiecutter: Context) -> str:
        """Check every answer, then name the project folder after the slug."""
        return self.answers(cookiecutter).slug

    def own(self, cookiecutter: Context, name: str) -> str:
        manifest = self._manifest(cookiecutter)
        if name not in manifest.own_files():
            return name  # every project gets it
        answers, plan = self.checked(cookiecutter)
        path = plan.own_files.get(name, "")
        if "/" in path:  # cookiecutter writes the file but makes no folder for it
            project = Path(str(cookiecutter["_output_dir"])) / answers.slug
            (project / path).parent.mkdir(parents=True, exist_ok=True)
        return path

    def copy_kit_files(self, cookiecutter: Context) -> str:
        answers, plan = self.checked(cookiecutter)
        project = Path(str(cookiecutter["_output_dir"])) / answers.slug
        for relative in plan.kit_files:
            target = project / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(plan.kit_root / relative, target)
            shutil.copymode(plan.kit_root / relative, target)
        return ""

    # ------------------------------------------------------------------ the kit's own text
    def kit_text(self, cookiecutter: Context, relative: str) -> str:
        return (self._kit_root(cookiecutter) / relative).read_text(encoding="utf-8")

    def docs_section(self, cookiecutter: Context, page: str, heading: str) -> str:
        """A section of a page of the kit's docs, verbatim: from `heading` to the next heading
        as high. The section must not link elsewhere in the docs: a project has no docs/."""
        text = self.kit_text(cookiecutter, f"docs/{page}")
        level = len(heading) - len(heading.lstrip("#"))
        start = text.index(heading + "\n") if heading + "\n" in text else -1
        if start < 0:
            raise LookupError(f"docs/{page} has no heading {heading!r}")
        after = text[start + len(heading) :]
        end = re.search(rf"^#{{1,{level}}} ", after, flags=re.MULTILINE)
        return (heading + (after[: end.start()] if end else after)).rstrip() + "\n"

    def docs_url(self, cookiecutter: Context, page: str, anchor: str = "") -> str:
        """The address of a page of the kit's published docs (`site_url` in the kit's
        mkdocs.yml), so a project links into them without a path that leaves it."""
        if not (self._kit_root(cookiecutter) / "docs" / page).is_file():
            raise LookupError(f"docs/{page}: no such page in the kit's docs")
        site = SITE_URL.search(self.kit_text(cookiecutter, "mkdocs.yml"))
        if site is None:
            raise LookupError("mkdocs.yml has no site_url")
        path = "" if page == "index.md" else page.removesuffix(".md") + "/"
        return site.group(1).rstrip("/") + "/" + path + (f"#{anchor}" if anchor else "")

    def kit_action(self, cookiecutter: Context) -> str:
        """The kit's cost-gate action at the kit's release tag, ``owner/name@vX.Y.Z``: the
        repository is mkdocs.yml's ``repo_url``, the version pyproject.toml's."""
        repository = REPO_URL.search(self.kit_text(cookiecutter, "mkdocs.yml"))
        if repository is None:
            raise LookupError("mkdocs.yml has no repo_url on github.com")
        version = tomllib.loads(self.kit_text(cookiecutter, "pyproject.toml"))["project"]["version"]
        return f"{repository.group(1)}@v{version}"

    def pyproject_tables(self, cookiecutter: Context, *names: str) -> str:
        """The kit pyproject's `[name]` / `[[name]]` tables, verbatim, in the kit's order."""
        text = self.kit_text(cookiecutter, "pyproject.toml")
        tables = [
            (header.group(1), chunk)
            for chunk in re.split(r"(?m)^(?=\[)", text)
            if (header := TABLE_HEADER.match(chunk))
        ]
        missing = set(names) - {name for name, _ in tables}
        if missing:
            raise LookupError(f"pyproject.toml has no table {sorted(missing)}")
        return "\n".join(chunk.rstrip() + "\n" for name, chunk in tables if name in names)

    def make_lines(self, cookiecutter: Context, first: str, before: str) -> str:
        """The kit Makefile's lines from the one starting with `first` up to the one starting
        with `before`, verbatim: the install and checkov rules the kit and its projects share."""
        lines = self.kit_text(cookiecutter, "Makefile").splitlines(keepends=True)
        starts = [i for i, line in enumerate(lines) if line.startswith(first)]
        ends = [i for i, line in enumerate(lines) if line.startswith(before)]
        if not starts or not ends or ends[-1] <= starts[0]:
            raise LookupError(f"the kit's Makefile has no lines from {first!r} to {before!r}")
        return "".join(lines[starts[0] : next(i for i in ends if i > starts[0])])

    def requirements(self, cookiecutter: Context, *names: str) -> list[str]:
        """The kit's own requirement strings for `names` (runtime and every extra), so pins live
        once."""
        project = tomllib.loads(self.kit_text(cookiecutter, "pyproject.toml"))["project"]
        extras = project["optional-dependencies"].values()
        every = list(project["dependencies"]) + [r for extra in extras for r in extra]
        by_name = {re.split(r"[\[<>=!~ ]", r, maxsplit=1)[0].lower(): r for r in every}
        missing = [n for n in names if n.lower() not in by_name]
        if missing:
            raise LookupError(f"the kit's pyproject.toml does not require {missing}")
        return [by_name[n.lower()] for n in names]

    # ------------------------------------------------------------------ derived from definitions
    def _template(self, cookiecutter: Context) -> dict[str, Any]:
        return self._load(self._kit_root(cookiecutter) / self.sam_template(cookiecutter))

    def _load(self, path: Path) -> dict[str, Any]:
        if path not in self._templates:
            self._templates[path] = read_document(path)
        return self._templates[path]

    def _definition(self, cookiecutter: Context) -> dict[str, Any]:
        path = self._kit_root(cookiecutter) / self.state_machine(cookiecutter)
        return read_asl(path, str(path))

    def sam_template(self, cookiecutter: Context) -> str:
        return self._manifest(cookiecutter).sam_templates[self.answers(cookiecutter).style]

    def promo_template(self, cookiecutter: Context) -> str:
        return self._manifest(cookiecutter).promo_template

    def state_machine(self, cookiecutter: Context) -> str:
        return self._manifest(cookiecutter).state_machine

    def diagram(self, cookiecutter: Context) -> str:
        return diagram.mermaid(self._template(cookiecutter))

    def state_diagram(self, cookiecutter: Context) -> str:
        return asl.mermaid(self._definition(cookiecutter))

    def path_rows(self, cookiecutter: Context) -> list[tuple[str, int, int, str]]:
        manifest = self._manifest(cookiecutter)
        return diagram.path_rows(
            self._template(cookiecutter), manifest.paths, manifest.event_source
        )

    def transition_rows(self, cookiecutter: Context) -> list[asl.TransitionRow]:
        return asl.transition_rows(
            self._definition(cookiecutter),
            self._manifest(cookiecutter).paths,
            self._kit_root(cookiecutter),
        )


class OrderflowExtension(Extension):
    """Adds the `orderflow` global (a Generator) to cookiecutter's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["orderflow"] = Generator()
