"""From a definition on disk to a priced workload whose every figure says where it came from.

A source is a SAM/CloudFormation template, or a folder holding one (a project: its
``template.yaml``, or ``sam/<stack>/template.yaml`` per stack as the kit and generated projects
lay them out). Pulumi programs are recognised and refused until the Pulumi variant lands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from costcalc.estimate.deployed import Deployed, deployed
from costcalc.estimate.derive import Derivation, derive
from costcalc.estimate.template import TemplateError, find_samconfig, read_template
from costcalc.estimate.transitions import Counting
from costcalc.profiles import PATHS, Profile, ProfileError, derived_profile, provenance

#: Per-path figures, in the order they are listed.
PATH_FIGURES = (
    "api_requests",
    "events",
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
) -> list[Estimated]:
    """Every workflow the source holds, estimated (``samconfig=True``: find it; False: none)."""
    templates = templates_in(source)
    estimated, refused = [], []
    for template in templates:
        config = find_samconfig(template) if samconfig is True else samconfig or None
        try:
            found = deployed(read_template(template, parameters, config))
            derivation = derive(found, counting)
        except TemplateError as error:
            if len(templates) == 1:
                raise
            refused.append(str(error))
            continue
        profile = _profile(template, derivation, usage_files)
        estimated.append(Estimated(template, found, derivation, profile))
    if not estimated:
        raise TemplateError(f"{source}: no stack it holds can be estimated: {refused[0]}")
    return estimated


def _profile(template: Path, derivation: Derivation, usage_files: list[Path] | None) -> Profile:
    derived = {
        "title": str(template),
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


def templates_in(source: Path) -> list[Path]:
    """The templates a source names: a file, a project's template, or its sam/*/ stacks."""
    if not source.exists():
        raise TemplateError(
            f"{source}: no such file or folder; expected a SAM template or a project"
        )
    pulumi = source if source.name in ("Pulumi.yaml", "Pulumi.yml") else source / "Pulumi.yaml"
    if pulumi.is_file():
        raise TemplateError(
            f"{source}: a Pulumi program; estimating from Pulumi programs arrives with the Pulumi "
            "variant (issue 9): estimate its SAM template meanwhile"
        )
    if source.is_file():
        return [source]
    for name in _TEMPLATE_NAMES:
        if (source / name).is_file():
            return [source / name]
    stacks = sorted(source.glob("sam/*/template.yaml"))
    if not stacks:
        raise TemplateError(
            f"{source}: a folder with no template.yaml and no sam/<stack>/template.yaml; expected "
            "a SAM template or a project holding one"
        )
    return stacks


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
