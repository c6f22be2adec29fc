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


@dataclass(frozen=True)
class Settings:
    """The stack config every stack with functions reads (keys spelt as the SAM parameters)."""

    log_retention_days: int
    powertools_layer_version: int
    memory_mb: int
    memory_overrides_mb: dict[str, int]
    architecture: str

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
        architecture = config.get("Architecture") or ARCHITECTURES[0]
        if architecture not in ARCHITECTURES:
            raise ConfigError(
                f"config Architecture: {architecture!r} is not one of {', '.join(ARCHITECTURES)}"
            )
        return cls(
            log_retention_days=retention,
            powertools_layer_version=_int(config, "PowertoolsLayerVersion", 27, 1, 10_000),
            memory_mb=checked.pop("default", 256),
            memory_overrides_mb=checked,
            architecture=architecture,
        )

    def memory_for(self, function: str) -> int:
        """MB for `function` (its kebab name without `-function`): its override, else default."""
        return self.memory_overrides_mb.get(function, self.memory_mb)


@dataclass(frozen=True)
class OrderSettings:
    """What the orders stacks (either style) read besides `Settings`."""

    acceptance_timeout_seconds: int
    sender_email: str

    @classmethod
    def load(cls, config: pulumi.Config) -> OrderSettings:
        sender = config.require("SenderEmail")
        if not _EMAIL.fullmatch(sender):
            raise ConfigError(
                f"config SenderEmail: {sender!r} is not an email address (verify it in SES first)"
            )
        return cls(
            acceptance_timeout_seconds=_int(config, "AcceptanceTimeoutSeconds", 600, 1, 86400),
            sender_email=sender,
        )


@dataclass(frozen=True)
class Deployment:
    """The account, region and naming of the stack being deployed."""

    prefix: str
    style: str
    region: str
    partition: str
    account_id: str
    url_suffix: str
    settings: Settings

    @classmethod
    def current(cls, style: str) -> Deployment:
        """The running stack: `<project>-<stack>` plays the part of SAM's AWS::StackName."""
        region = aws.get_region()
        partition = aws.get_partition()
        return cls(
            prefix=f"{pulumi.get_project()}-{pulumi.get_stack()}",
            style=style,
            region=region.region,
            partition=partition.partition,
            account_id=aws.get_caller_identity().account_id,
            url_suffix=partition.dns_suffix,
            settings=Settings.load(pulumi.Config()),
        )

    @property
    def tags(self) -> dict[str, str]:
        """Every taggable resource carries these, so real bills compare per style."""
        return {"project": "orderflow-kit", "style": self.style}

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"
