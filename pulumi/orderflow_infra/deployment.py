"""Where a stack deploys to and how it is configured: the Pulumi side of SAM's Parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# CloudWatch Logs accepts only these retention periods (as the SAM template's AllowedValues).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip
# Lambda architectures, as the SAM templates' Architecture parameter allows them.
ARCHITECTURES = ("arm64", "x86_64")
# The user pool's MFA settings, as the orders templates' MfaConfiguration allows them.
MFA_CONFIGURATIONS = ("OFF", "OPTIONAL", "ON")
# The user pool's deletion protection, as the orders templates' UserPoolDeletionProtection.
DELETION_PROTECTIONS = ("ACTIVE", "INACTIVE")
# A stack by this name protects its user pool unless its config says otherwise.
PRODUCTION_STACK = "prod"
# The `project` tag's value unless the config's `Project` names one (the SAM parameter's default).
DEFAULT_PROJECT = "orderflow-kit"


class ConfigError(ValueError):
    """A refused stack config value; the message names the key, the value and what is accepted."""


def _int(config: pulumi.Config, key: str, default: int, low: int, high: int) -> int:
    raw = config.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"config {key}: {raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"config {key}: {value} is outside {low}..{high}")
    return value


def _choice(config: pulumi.Config, key: str, accepted: tuple[str, ...], default: str) -> str:
    value = config.get(key) or default
    if value not in accepted:
        raise ConfigError(f"config {key}: {value!r} is not one of {', '.join(accepted)}")
    return value


def _email(key: str, raw: str, hint: str) -> str:
    if not _EMAIL.fullmatch(raw):
        raise ConfigError(f"config {key}: {raw!r} is not an email address ({hint})")
    return raw


@dataclass(frozen=True)
class Settings:
    """The stack config every stack with functions reads (keys spelt as the SAM parameters)."""

    log_retention_days: int
    powertools_layer_version: int
    memory_mb: int
    memory_overrides_mb: dict[str, int]
    architecture: str
    alarm_email: str | None

    @classmethod
    def load(cls, config: pulumi.Config) -> Settings:
        retention = _int(config, "LogRetentionDays", 30, 1, 3653)
        if retention not in LOG_RETENTION_DAYS:
            raise ConfigError(
                f"config LogRetentionDays: {retention} is not one of "
                f"{', '.join(str(d) for d in LOG_RETENTION_DAYS)}"
            )
        sizes = config.get_object("MemorySizes") or {}
        if not isinstance(sizes, dict):
            raise ConfigError(f"config MemorySizes: {sizes!r} is not a map of function to MB")
        checked: dict[str, int] = {}
        for function, size in sizes.items():
            if not isinstance(size, int) or isinstance(size, bool) or not 128 <= size <= 10240:
                raise ConfigError(
                    f"config MemorySizes.{function}: {size!r} is not a size in MB (128..10240)"
                )
            checked[str(function)] = size
        architecture = _choice(config, "Architecture", ARCHITECTURES, ARCHITECTURES[0])
        alarm_email = config.get("AlarmEmail")  # empty or unset: nobody is subscribed
        return cls(
            log_retention_days=retention,
            powertools_layer_version=_int(config, "PowertoolsLayerVersion", 27, 1, 10_000),
            memory_mb=checked.pop("default", 256),
            memory_overrides_mb=checked,
            architecture=architecture,
            alarm_email=_email("AlarmEmail", alarm_email, "or empty, for no alarm e-mails")
            if alarm_email
            else None,
        )

    def memory_for(self, function: str) -> int:
        """MB for `function` (its kebab name without `-function`): its override, else default."""
        return self.memory_overrides_mb.get(function, self.memory_mb)


@dataclass(frozen=True)
class OrderSettings:
    """What the orders stacks (either style) read besides `Settings`."""

    acceptance_timeout_seconds: int
    sender_email: str
    archive_retention_days: int
    api_rate_limit: int
    api_burst_limit: int
    #: Anyone may create a customer account (SelfSignUp "true"); default: administrators only.
    self_sign_up: bool = False
    mfa_configuration: str = "OPTIONAL"
    orders_per_caller_per_minute: int = 10
    user_pool_deletion_protection: str = "INACTIVE"
    #: Seconds from placement by which an accepted order should be completed (then: overdue).
    order_deadline_seconds: int = 7200
    #: Overdue orders in five minutes above which the overdue-orders alarm fires.
    overdue_alarm_threshold: int = 5

    @classmethod
    def load(cls, config: pulumi.Config) -> OrderSettings:
        return cls(
            acceptance_timeout_seconds=_int(config, "AcceptanceTimeoutSeconds", 600, 1, 86400),
            sender_email=_email(
                "SenderEmail", config.require("SenderEmail"), "verify it in SES first"
            ),
            # 0 keeps events indefinitely (EventBridge's own meaning of 0).
            archive_retention_days=_int(config, "ArchiveRetentionDays", 365, 0, 2_147_483_647),
            api_rate_limit=_int(config, "ApiThrottlingRateLimit", 50, 1, 2_147_483_647),
            api_burst_limit=_int(config, "ApiThrottlingBurstLimit", 100, 1, 2_147_483_647),
            self_sign_up=_choice(config, "SelfSignUp", ("false", "true"), "false") == "true",
            mfa_configuration=_choice(config, "MfaConfiguration", MFA_CONFIGURATIONS, "OPTIONAL"),
            orders_per_caller_per_minute=_int(config, "OrdersPerCallerPerMinute", 10, 1, 10_000),
            order_deadline_seconds=_int(config, "OrderDeadlineSeconds", 7200, 1, 604_800),
            overdue_alarm_threshold=_int(config, "OverdueAlarmThreshold", 5, 0, 2_147_483_647),
            user_pool_deletion_protection=_choice(
                config,
                "UserPoolDeletionProtection",
                DELETION_PROTECTIONS,
                "ACTIVE" if pulumi.get_stack() == PRODUCTION_STACK else "INACTIVE",
            ),
        )


@dataclass(frozen=True)
class Deployment:
    """The account, region and naming of the stack being deployed."""

    prefix: str
    scope: tuple[str, str]
    region: str
    partition: str
    account_id: str
    url_suffix: str
    settings: Settings
    project: str = DEFAULT_PROJECT

    @classmethod
    def current(cls, style: str | None = None, *, context: str | None = None) -> Deployment:
        """The running stack: `<project>-<stack>` plays the part of SAM's AWS::StackName.

        An orders stack names its `style`; a neighbouring bounded context (promo, analytics),
        which works beside either style, names its `context` instead: one of the two tags it.
        """
        if (style is None) == (context is None):
            raise ValueError("name either the orders style or the bounded context, not both")
        scope = ("style", style) if style is not None else ("context", str(context))
        region = aws.get_region()
        partition = aws.get_partition()
        return cls(
            prefix=f"{pulumi.get_project()}-{pulumi.get_stack()}",
            scope=scope,
            region=region.region,
            partition=partition.partition,
            account_id=aws.get_caller_identity().account_id,
            url_suffix=partition.dns_suffix,
            settings=Settings.load(pulumi.Config()),
            project=name(
                pulumi.Config(),
                "Project",
                r"[a-z][a-z0-9-]{0,127}",
                "a project slug (lower-case letters, digits and hyphens)",
                DEFAULT_PROJECT,
            ),
        )

    @property
    def tags(self) -> dict[str, str]:
        """Every taggable resource carries these, so real bills compare per project and per
        style or context (once activated as cost allocation tags in Billing)."""
        key, value = self.scope
        return {"project": self.project, key: value}

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"


# ---------------------------------------------------------------- single values, checked
# What the promo and analytics programs read besides `Settings`, checked as CloudFormation
# checks their SAM parameters (AllowedPattern, MinValue/MaxValue).


def whole_number(config: pulumi.Config, key: str, default: int, low: int, high: int) -> int:
    """The whole number under `key` in `low..high`, else `default`."""
    return _int(config, key, default, low, high)


def email(config: pulumi.Config, key: str) -> str:
    """The required address under `key`, one that sends mail (verify it in SES first)."""
    return _email(key, config.require(key), "verify it in SES first")


def orders_bus_name(config: pulumi.Config) -> str:
    """`OrdersBusName`: the bus a neighbouring context's rules listen on (the orders stack's
    OrdersBusName output), by name, as EventBridge names buses."""
    return name(
        config,
        "OrdersBusName",
        r"[A-Za-z0-9._\-]{1,256}",
        "the name (not the ARN) of the orders stack's event bus",
    )


def name(
    config: pulumi.Config, key: str, pattern: str, accepted: str, default: str | None = None
) -> str:
    """The name under `key` (required unless it has a `default`), matching `pattern` (the SAM
    parameter's AllowedPattern); `accepted` says in words what matches."""
    value = config.require(key) if default is None else config.get(key) or default
    if not re.fullmatch(pattern, value):
        raise ConfigError(f"config {key}: {value!r} is not {accepted}")
    return value
