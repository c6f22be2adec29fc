"""The generator's answers, checked against the definitions they end up in.

Every bound comes from where it is enforced: the choices, what is not built yet and the regions
from the manifest, the architecture, email pattern and timeout range from
the style's SAM template parameters. A refusal names the answer and what is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from orderflow_generator.errors import AnswerRefused
from orderflow_generator.manifest import Manifest

# A project's slug names its stacks and, through them, `<stack>-acceptance` (the Scheduler group,
# at most 64 characters) and `<stack>-orders` (the bus); CloudFormation stack names start with a
# letter and hold letters, digits and hyphens. The longest stack name is the production one,
# `<slug>-prod` (samconfig's prod environment, a Pulumi stack named prod: `<slug>-prod-...`).
SLUG_MAX = 64 - len("-prod-acceptance")
SLUG = re.compile(r"^[a-z][a-z0-9-]*$")
# Step Functions Standard executions (the orchestration style waits in one) last at most a year;
# EventBridge Scheduler's one-time `at()` schedules have no upper bound.
STEP_FUNCTIONS_MAX_SECONDS = 365 * 24 * 3600
T = TypeVar("T")
# What `sam init` adds to the answers it is given (its --runtime and --architecture options).
SAM_INIT_KEYS = {"runtime", "architectures"}
# `sam init` always passes this key to cookiecutter (which drops it: the template never asks it).
SAM_INIT_MARK = "architectures"
CHOICES = ("style", "iac", "include_promo")
# Domains reserved for examples and tests (RFC 2606, RFC 6761): no mailbox there can confirm an
# SES verification or an alarm subscription.
RESERVED_DOMAINS = re.compile(
    r"(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$", re.IGNORECASE
)


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
    alarm_email: str
    include_promo: str
    order_deadline_seconds: int = 7200

    @property
    def has_sam(self) -> bool:
        return self.iac in ("sam", "both")

    @property
    def has_pulumi(self) -> bool:
        return self.iac in ("pulumi", "both")

    def as_choices(self) -> dict[str, str]:
        return {"style": self.style, "iac": self.iac, "include_promo": self.include_promo}

    def sam_parameters(self, **overrides: str) -> str:
        """The orders stack's parameter overrides for `sam deploy`, `Key=value` separated by
        spaces; the dev stack's user pool may be deleted with it."""
        parameters = {
            "AcceptanceTimeoutSeconds": str(self.acceptance_timeout_seconds),
            "OrderDeadlineSeconds": str(self.order_deadline_seconds),
            "SenderEmail": self.sender_email,
            "AlarmEmail": self.alarm_email,
            "Architecture": self.architecture,
            "Project": self.slug,
            "UserPoolDeletionProtection": "INACTIVE",
        } | overrides
        return " ".join(f"{key}={value}" for key, value in parameters.items())


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


def _region(value: str, manifest: Manifest) -> str:
    if value not in manifest.regions:
        raise AnswerRefused(
            f"aws_region {value!r}: expected a region with every service the project uses: "
            + ", ".join(manifest.regions)
        )
    return value


def _architecture(value: str, parameters: Mapping[str, Mapping[str, Any]]) -> str:
    architectures = [str(a) for a in parameters["Architecture"]["AllowedValues"]]
    if value not in architectures:
        raise AnswerRefused(f"architecture {value!r}: expected {_one_of(architectures)}")
    return value


def _email(key: str, value: str, pattern: str, purpose: str) -> str:
    """A required address that can receive mail: `pattern` is the SAM parameter's."""
    domain = value.rpartition("@")[2]
    if not re.fullmatch(pattern, value) or RESERVED_DOMAINS.search(domain):
        raise AnswerRefused(
            f"{key} {value!r}: expected an email address you can receive mail at ({purpose}); "
            "example.com and other reserved domains cannot"
        )
    return value


def _timeout_seconds(
    key: str, value: Any, parameters: Mapping[str, Mapping[str, Any]], name: str, where: str
) -> int:
    """Whole minutes (the answer `key`) as the seconds of the template's parameter `name`."""
    parameter = parameters[name]
    low = max(1, int(parameter.get("MinValue", 1)))
    high = min(
        int(parameter.get("MaxValue", STEP_FUNCTIONS_MAX_SECONDS)), STEP_FUNCTIONS_MAX_SECONDS
    )
    low_minutes, high_minutes = -(-low // 60), high // 60
    text = str(value).strip()
    # ASCII digits only: `str.isdigit` also accepts "²", which `int` refuses.
    if not re.fullmatch(r"[0-9]+", text) or not low_minutes <= int(text) <= high_minutes:
        raise AnswerRefused(
            f"{key} {str(value)!r}: expected whole minutes from {low_minutes} "
            f"to {high_minutes} ({name} in {where} accepts {low} to {high} "
            "seconds)"
        )
    return int(text) * 60


class _Refusals:
    """Runs each answer's check and keeps every refusal, so all bad answers are named at once."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def check(self, check: Callable[..., T], *args: Any) -> T | None:
        try:
            return check(*args)
        except AnswerRefused as refused:
            self.messages.append(str(refused))
            return None

    def raise_any(self) -> None:
        if self.messages:
            raise AnswerRefused("\n".join(self.messages))


def _fits_sam_init(project_name: str, slug: str, iac: str) -> None:
    """`sam init --name N` writes a default samconfig.toml into `<output>/N/` unless one is there.

    The project's folder is its slug and only SAM projects bring their own samconfig, so any other
    name or a Pulumi-only project would leave SAM's generic file behind (a stray folder, or a SAM
    configuration in a project that never runs `sam deploy`).
    """
    if project_name != slug:
        raise AnswerRefused(
            f"project_name {project_name!r}: `sam init` writes its samconfig.toml into a folder "
            f"named as typed; pass --name {slug} (the project's folder)"
        )
    if iac == "pulumi":
        raise AnswerRefused(
            "iac 'pulumi': `sam init` adds a SAM samconfig.toml that a Pulumi-only project does "
            "not use; generate it with cookiecutter (the same answers), or choose iac=both"
        )


def _known(given: Iterable[str], known: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(known) - SAM_INIT_KEYS)
    if unknown:
        raise AnswerRefused(
            f"{', '.join(repr(key) for key in unknown)}: not an answer this template asks; "
            f"expected {_one_of(sorted(known))}"
        )


def check_answers(
    answers: Mapping[str, Any],
    manifest: Manifest,
    parameters: Mapping[str, Mapping[str, Any]],
    template_name: str,
    given: Iterable[str] = (),
) -> Answers:
    """The validated answers; `parameters` are the style's SAM template parameters, `given`
    the names of the answers passed in (a misspelt one is refused, not ignored).

    Every bad answer is named, one line each; the combination is checked once the choices are
    good.
    """
    given = list(given)
    refusals = _Refusals()
    refusals.check(_known, given, [key for key in answers if not key.startswith("_")])
    chosen = {key: refusals.check(_choice, answers, key, manifest.choices) for key in CHOICES}
    refusals.raise_any()
    valid = {key: str(value) for key, value in chosen.items()}
    _built(valid, manifest)
    project_name = str(answers.get("project_name", ""))
    slug = refusals.check(_slug, project_name, SLUG_MAX)
    region = refusals.check(_region, str(answers.get("aws_region", "")), manifest)
    architecture = refusals.check(_architecture, str(answers.get("architecture", "")), parameters)
    pattern = str(parameters["SenderEmail"]["AllowedPattern"])
    sender = refusals.check(
        _email, "sender_email", str(answers.get("sender_email", "")), pattern,
        "verified in Amazon SES before the first order",
    )  # fmt: skip
    alarm = refusals.check(
        _email, "alarm_email", str(answers.get("alarm_email", "")), pattern,
        "it confirms the alarm topic's subscription",
    )  # fmt: skip
    if SAM_INIT_MARK in given:
        refusals.check(_fits_sam_init, project_name, str(slug), valid["iac"])
    seconds = refusals.check(
        _timeout_seconds,
        "acceptance_timeout_minutes",
        answers.get("acceptance_timeout_minutes", ""),
        parameters,
        "AcceptanceTimeoutSeconds",
        template_name,
    )
    deadline = refusals.check(
        _timeout_seconds,
        "order_deadline_minutes",
        answers.get("order_deadline_minutes", ""),
        parameters,
        "OrderDeadlineSeconds",
        template_name,
    )
    refusals.raise_any()
    return Answers(
        project_name=project_name,
        slug=str(slug),
        architecture=str(architecture),
        aws_region=str(region),
        acceptance_timeout_seconds=int(seconds or 0),
        order_deadline_seconds=int(deadline or 0),
        sender_email=str(sender),
        alarm_email=str(alarm),
        **valid,
    )
