"""The generator's answers, checked against the definitions they end up in.

Every bound comes from where it is enforced: the choices, what is not built yet and the regions
from the manifest, the architecture, email pattern and timeout range from
the style's SAM template parameters. A refusal names the answer and what is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from orderflow_generator.errors import AnswerRefused
from orderflow_generator.manifest import Manifest

# A project's slug names its stack and, through it, `<slug>-acceptance` (the Scheduler group,
# at most 64 characters) and `<slug>-orders` (the bus); CloudFormation stack names start with a
# letter and hold letters, digits and hyphens. A Pulumi stack's names carry its stack name too
# (`<slug>-dev-acceptance`), so the dev stack leaves fewer.
SLUG_MAX = 64 - len("-acceptance")
PULUMI_SLUG_MAX = 64 - len("-dev-acceptance")
SLUG = re.compile(r"^[a-z][a-z0-9-]*$")
# Step Functions Standard executions (the orchestration style waits in one) last at most a year;
# EventBridge Scheduler's one-time `at()` schedules have no upper bound.
STEP_FUNCTIONS_MAX_SECONDS = 365 * 24 * 3600
CHOICES = ("style", "iac", "include_promo")


@dataclass(frozen=True)
class Answers:
    project_name: str
    slug: str
    style: str
    iac: str
    aws_region: str
    architecture: str
    acceptance_timeout_seconds: int
    sender_email: str
    include_promo: str

    @property
    def has_sam(self) -> bool:
        return self.iac in ("sam", "both")

    @property
    def has_pulumi(self) -> bool:
        return self.iac in ("pulumi", "both")

    def as_choices(self) -> dict[str, str]:
        return {"style": self.style, "iac": self.iac, "include_promo": self.include_promo}


def slugify(name: str) -> str:
    """`My Orders!` -> `my-orders`: ASCII letters and digits, runs of anything else one hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _one_of(values: tuple[str, ...] | list[str]) -> str:
    quoted = [str(v) for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _choice(answers: Mapping[str, Any], key: str, choices: Mapping[str, tuple[str, ...]]) -> str:
    value = str(answers.get(key, ""))
    if value not in choices[key]:
        raise AnswerRefused(f"{key} {value!r}: expected {_one_of(choices[key])}")
    return value


def _built(chosen: Mapping[str, str], manifest: Manifest) -> None:
    for refusal in manifest.not_built:
        if refusal.applies(chosen):
            answers = ", ".join(f"{key} {chosen[key]}" for key in refusal.when)
            raise AnswerRefused(f"{answers} is not built in this kit yet: {refusal.why}")


def _slug(project_name: str, limit: int) -> str:
    slug = slugify(project_name)
    if not slug:
        raise AnswerRefused(
            f"project_name {project_name!r}: its slug is empty; use letters, digits and hyphens "
            "(e.g. my-orders)"
        )
    if not SLUG.match(slug) or len(slug) > limit:
        raise AnswerRefused(
            f"project_name {project_name!r}: its slug {slug!r} must start with a letter and be at "
            f"most {limit} characters (it names the stack and its schedule group)"
        )
    return slug


def _timeout_seconds(value: Any, parameter: Mapping[str, Any], where: str) -> int:
    low = max(1, int(parameter.get("MinValue", 1)))
    high = min(
        int(parameter.get("MaxValue", STEP_FUNCTIONS_MAX_SECONDS)), STEP_FUNCTIONS_MAX_SECONDS
    )
    low_minutes, high_minutes = -(-low // 60), high // 60
    text = str(value).strip()
    if not text.isdigit() or not low_minutes <= int(text) <= high_minutes:
        raise AnswerRefused(
            f"acceptance_timeout_minutes {str(value)!r}: expected whole minutes from {low_minutes} "
            f"to {high_minutes} (AcceptanceTimeoutSeconds in {where} accepts {low} to {high} "
            "seconds)"
        )
    return int(text) * 60


def check_answers(
    answers: Mapping[str, Any],
    manifest: Manifest,
    parameters: Mapping[str, Mapping[str, Any]],
    template_name: str,
) -> Answers:
    """The validated answers; `parameters` are the style's SAM template parameters."""
    chosen = {key: _choice(answers, key, manifest.choices) for key in CHOICES}
    _built(chosen, manifest)
    project_name = str(answers.get("project_name", ""))
    slug = _slug(project_name, PULUMI_SLUG_MAX if chosen["iac"] in ("pulumi", "both") else SLUG_MAX)
    region = str(answers.get("aws_region", ""))
    if region not in manifest.regions:
        raise AnswerRefused(
            f"aws_region {region!r}: expected a region with every service the project uses: "
            + ", ".join(manifest.regions)
        )
    architectures = [str(a) for a in parameters["Architecture"]["AllowedValues"]]
    architecture = str(answers.get("architecture", ""))
    if architecture not in architectures:
        raise AnswerRefused(f"architecture {architecture!r}: expected {_one_of(architectures)}")
    email = str(answers.get("sender_email", ""))
    if not re.fullmatch(str(parameters["SenderEmail"]["AllowedPattern"]), email):
        raise AnswerRefused(
            f"sender_email {email!r}: expected an email address such as orders@example.com "
            "(verified in Amazon SES before the first order)"
        )
    seconds = _timeout_seconds(
        answers.get("acceptance_timeout_minutes", ""),
        parameters["AcceptanceTimeoutSeconds"],
        template_name,
    )
    return Answers(
        project_name=project_name,
        slug=slug,
        architecture=architecture,
        aws_region=region,
        acceptance_timeout_seconds=seconds,
        sender_email=email,
        **chosen,
    )
