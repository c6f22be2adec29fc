"""From a definition on disk to a priced workload whose every figure says where it came from.

A source is a SAM/CloudFormation template, a CDK app's ``cdk.out`` folder (each
``<stack>.template.json`` beside its manifest), a Pulumi project (its folder or its
``Pulumi.yaml``: the program runs under mocks, pulumi_template.py), or a folder holding
definitions as the kit and the projects it generates lay them out
(templates/order-system/manifest.yaml keeps the kit's relative paths): a ``template.yaml`` at
its root, ``sam/<stack>/template.yaml`` per stack, ``pulumi/<project>/Pulumi.yaml`` per Pulumi
project and ``cdk.out`` (the stacks its manifest lists, stages included; nested stacks inlined
into their parents). Every definition found is read; a SAM template
and a Pulumi program deriving the same design are one workflow, priced once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError
from costcalc.estimate.cdk_assembly import is_assembly, stack_templates
from costcalc.estimate.deployed import Deployed, deployed
from costcalc.estimate.derive import Derivation, derive
from costcalc.estimate.template import Template, TemplateError, find_samconfig, read_template
from costcalc.estimate.transitions import Counting
from costcalc.workload.profiles import PATHS, Profile, ProfileError, derived_profile, provenance

#: Per-path figures, in the order they are listed.
PATH_FIGURES = (
    "api_requests",
    "events",
    "archived_events",
    "rule_matches",
    "invocations",
    "transitions",
    "executions",
    "writes",
    "reads",
    "notifications",
    "emails",
    "schedules_created",
    "schedules_fired",
    "traces",
)
FUNCTION_FIGURES = (
    "trigger",
    "memory_mb",
    "arch",
    "ephemeral_storage_mb",
    "duration_ms",
    "cold_start_rate",
    "init_ms",
    "log_kb",
)
_TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
_PULUMI_NAMES = ("Pulumi.yaml", "Pulumi.yml")
#: How deep below a project folder definitions are looked for (``infra/cdk/cdk.out``).
SEARCH_DEPTH = 3
#: Folders of dependencies, environments and build output: never a team's definitions.
NOT_SEARCHED = frozenset({"node_modules", "venv", "env", "__pycache__", "build", "dist"})
#: Where a project folder's definitions are, as the kit and generated projects lay them out.
LOOKED_FOR = (
    *_TEMPLATE_NAMES,
    *_PULUMI_NAMES,
    "sam/<stack>/template.yaml",
    "pulumi/<project>/Pulumi.yaml",
    "cdk.out/<stack>.template.json",
)


@dataclass(frozen=True)
class Source:
    """One definition: a template file, or a Pulumi project's folder (``pulumi``)."""

    path: Path
    pulumi: bool = False
    project: Path | None = None  # the project folder it was found in (its samconfig.toml)

    def read(
        self,
        parameters: Mapping[str, str] | None,
        samconfig: Path | bool | None,
        stack: str | None,
    ) -> Template:
        """The definition as deployed; read once per process for the same flags (``auto``
        tries the order flow, then follows the graph of the same template)."""
        key = (self, tuple(sorted((parameters or {}).items())), samconfig, stack)
        if key not in _READ:
            _READ[key] = self._read(parameters, samconfig, stack)
        return _READ[key]

    def _read(
        self,
        parameters: Mapping[str, str] | None,
        samconfig: Path | bool | None,
        stack: str | None,
    ) -> Template:
        if self.pulumi:
            from costcalc.estimate.pulumi_template import read_pulumi  # noqa: PLC0415

            return read_pulumi(self.path, stack)
        config = find_samconfig(self.path, self.project) if samconfig is True else samconfig or None
        return read_template(self.path, parameters, config)


#: Definitions read in this process, by source and flags (a CLI run reads each once).
_READ: dict[tuple[Any, ...], Template] = {}


@dataclass(frozen=True)
class Figure:
    """One figure of the estimate: per path (or one value) and where it came from."""

    key: str
    values: Mapping[str, Decimal | str]  # path -> value, or {"": value}
    source: str  # definition, profile or user (joined with "/" when paths differ)


@dataclass(frozen=True)
class Estimated:
    """One workflow read from a template: its derivation and the profile priced."""

    template: Path
    found: Deployed
    derivation: Derivation
    profile: Profile

    @property
    def label(self) -> str:
        return f"{self.template} (definition)"

    def figures(self) -> list[Figure]:
        profile = self.profile
        found: list[Figure] = []
        for name, function in profile.functions.items():
            for field in FUNCTION_FIGURES:
                key = f"functions.{name}.{field}"
                found.append(Figure(key, {"": getattr(function, field)}, self._source([key])))
        for field in PATH_FIGURES:
            for sub in _subkeys(profile, field):
                dotted = f"{field}.{sub}" if sub else field
                values = {path: _value(profile, path, field, sub) for path in PATHS}
                keys = [f"paths.{path}.{dotted}" for path in PATHS]
                if any(values.values()):
                    found.append(Figure(dotted, values, self._source(keys)))
        return found

    def _source(self, keys: Sequence[str]) -> str:
        kinds = dict.fromkeys(provenance(self.profile, key, self.label) for key in keys)
        return "/".join(kinds)


def estimate(
    source: Path,
    *,
    parameters: Mapping[str, str] | None = None,
    samconfig: Path | bool | None = True,
    usage_files: list[Path] | None = None,
    counting: Counting | None = None,
    stack: str | None = None,
) -> list[Estimated]:
    """Every workflow the source holds, estimated (``samconfig=True``: find it; False: none).

    ``stack`` picks a Pulumi project's ``Pulumi.<stack>.yaml`` (needed when it has several).
    """
    sources = definitions_for(source, parameters, stack)
    estimated: list[Estimated] = []
    refused = []
    for found in sources:
        try:
            deployed_ = deployed(found.read(parameters, samconfig, stack))
            derivation = derive(deployed_, counting)
        except UsageError as error:  # a template's or a state machine definition's refusal
            if len(sources) == 1:
                raise
            refused.append(str(error))
            continue
        twin = next((e for e in estimated if e.derivation.design == derivation.design), None)
        if twin is not None:
            estimated[estimated.index(twin)] = _noted(
                twin,
                f"{found.path} deploys the same workflow ({derivation.design}): priced once, "
                f"from {twin.template}",
            )
            continue
        profile = _profile(found.path, derivation, usage_files)
        estimated.append(Estimated(found.path, deployed_, derivation, profile))
    if not estimated:
        raise TemplateError(f"{source}: no stack it holds can be estimated: {refused[0]}")
    if refused:
        estimated[0] = _noted(estimated[0], f"not estimated: {'; '.join(refused)}")
    return estimated


def definitions_for(
    source: Path, parameters: Mapping[str, str] | None, stack: str | None
) -> list[Source]:
    """The definitions ``source`` holds, refusing flags that none of them takes."""
    sources = sources_in(source)
    if stack is not None and not any(found.pulumi for found in sources):
        raise TemplateError(f"{source}: --stack {stack}: it holds no Pulumi project")
    if parameters and all(found.pulumi for found in sources):
        raise TemplateError(
            f"{source}: --parameter {next(iter(parameters))}: parameters are a SAM template's; a "
            "Pulumi program takes its config from Pulumi.<stack>.yaml (pick one with --stack)"
        )
    return sources


def _noted(estimated: Estimated, note: str) -> Estimated:
    derivation = replace(estimated.derivation, notes=(*estimated.derivation.notes, note))
    return replace(estimated, derivation=derivation)


def _profile(template: Path, derivation: Derivation, usage_files: list[Path] | None) -> Profile:
    derived = {
        "title": str(template),
        **derivation.settings,
        "functions": derivation.functions,
        "paths": derivation.paths,
    }
    try:
        return derived_profile(derivation.design, derived, f"{template} (definition)", usage_files)
    except ProfileError as error:
        if "functions." not in str(error) or "missing key" not in str(error):
            raise
        raise ProfileError(
            f"{error}: a function the {derivation.design} profile does not know; give its "
            "duration_ms, cold_start_rate, init_ms and log_kb with --usage FILE "
            f"(design: {derivation.design}, functions: {{NAME: {{...}}}})"
        ) from None


def sources_in(source: Path) -> list[Source]:
    """The definitions a source names: a file, a Pulumi project, or what a project folder holds."""
    if not source.exists():
        raise TemplateError(
            f"{source}: no such file or folder; expected a SAM template, a Pulumi project or a "
            "project holding them"
        )
    if source.is_file():
        if source.name in _PULUMI_NAMES:
            return [Source(source.parent, pulumi=True)]
        return [Source(source)]
    if any((source / name).is_file() for name in _PULUMI_NAMES):
        return [Source(source, pulumi=True)]
    if is_assembly(source):
        return _assembly(source)
    for name in _TEMPLATE_NAMES:
        if (source / name).is_file():
            return [Source(source / name)]
    found = _below(source)
    if not found and (source / "cdk.json").is_file():
        raise TemplateError(
            f"{source}: a CDK app with no synthesized cdk.out; run `cdk synth` in it, then "
            f"costcalc estimate {source / 'cdk.out'}"
        )
    if not found:
        raise TemplateError(
            f"{source}: a folder with no definitions; looked for {', '.join(LOOKED_FOR)}; "
            "expected a SAM template, a Pulumi project or a project holding them"
        )
    return found


def _below(project: Path) -> list[Source]:
    """The definitions in ``project``'s subfolders (up to :data:`SEARCH_DEPTH` deep): SAM
    templates first, then CDK assemblies, then Pulumi projects. A folder holding a definition
    is not searched further (a SAM app's nested templates are its own), nor are folders of
    tools and builds (:data:`NOT_SEARCHED`, hidden ones)."""
    templates: list[Source] = []
    assemblies: list[Source] = []
    programs: list[Source] = []

    def search(folder: Path, depth: int) -> None:
        for child in sorted(p for p in folder.iterdir() if p.is_dir()):
            if child.name.startswith(".") or child.name in NOT_SEARCHED:
                continue
            template = next((child / n for n in _TEMPLATE_NAMES if (child / n).is_file()), None)
            if any((child / name).is_file() for name in _PULUMI_NAMES):
                programs.append(Source(child, pulumi=True))
            elif is_assembly(child):
                assemblies.extend(_assembly(child))
            elif template is not None:
                templates.append(Source(template, project=project))
            elif depth < SEARCH_DEPTH:
                search(child, depth + 1)

    search(project, 1)
    return [*templates, *assemblies, *programs]


def _assembly(folder: Path) -> list[Source]:
    found = [Source(file) for file in stack_templates(folder)]
    if not found:
        raise TemplateError(
            f"{folder}: a CDK cloud assembly whose manifest.json lists no stack template "
            "found beside it; expected the folder `cdk synth` writes"
        )
    return found


def _subkeys(profile: Profile, field: str) -> list[str]:
    names: dict[str, None] = {}
    for path in profile.paths.values():
        value = getattr(path, field)
        if isinstance(value, Mapping):
            names.update(dict.fromkeys(value))
        else:
            names[""] = None
    return list(names)


def _value(profile: Profile, path: str, field: str, sub: str) -> Decimal:
    value = getattr(profile.paths[path], field)
    return value.get(sub, Decimal(0)) if sub else value  # type: ignore[no-any-return]
