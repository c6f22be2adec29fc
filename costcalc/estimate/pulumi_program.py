"""Running a Pulumi project's program in-process under `pulumi.runtime.set_mocks`, no CLI.

`run_program` registers every resource with `FakeAws` (see fake_aws.py), then returns what was
registered (type, name, inputs, outputs) and the stack outputs, all resolved. `costcalc
estimate` reads a Pulumi project this way (and only that path imports this module, so the
Pulumi SDK is loaded by nothing else); the kit's Pulumi tests run their programs with it too.
"""

from __future__ import annotations

import json
import runpy
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import settings
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2

from costcalc.estimate.fake_aws import BY_PULUMI_TYPE, UNKNOWN, Account
from costcalc.estimate.pulumi_outputs import invoke_answer, placeholder_outputs


@dataclass(frozen=True)
class Registered:
    """A resource as the program registered it, and as the fake account answered."""

    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.outputs["id"])


@dataclass(frozen=True)
class ProgramRun:
    project: str
    stack: str
    resources: list[Registered]
    stack_outputs: dict[str, Any]

    def of_type(self, token: str) -> list[Registered]:
        return [r for r in self.resources if r.type == token]

    def named(self, name: str) -> Registered:
        matches = [r for r in self.resources if r.name == name]
        assert len(matches) == 1, f"{len(matches)} resources named {name!r}"
        return matches[0]

    def statements(self, role: str) -> list[dict[str, Any]]:
        """The statements of the inline policy of the role named `role`."""
        return list(json.loads(self.named(f"{role}-policy").inputs["policy"])["Statement"])


class FakeAws(pulumi.runtime.Mocks):
    """Answers registrations and the provider's account/region look-ups like one AWS account."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.registered: list[Registered] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        kind = BY_PULUMI_TYPE.get(args.typ, UNKNOWN)
        physical = str(args.inputs.get("name") or args.name)
        answered = kind.outputs(self.account, args.name, physical)
        resource_id = answered.pop("id")
        declared = placeholder_outputs(self.account, args.typ, physical)
        outputs = {**declared, **args.inputs, **answered}
        self.registered.append(
            Registered(args.typ, args.name, dict(args.inputs), {**outputs, "id": resource_id})
        )
        return resource_id, outputs

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        account = self.account
        answers: dict[str, dict[str, Any]] = {
            "aws:index/getRegion:getRegion": {
                "id": account.region,
                "name": account.region,
                "region": account.region,
                "endpoint": f"ec2.{account.region}.{account.url_suffix}",
                "description": account.region,
            },
            "aws:index/getPartition:getPartition": {
                "id": account.partition,
                "partition": account.partition,
                "dnsSuffix": account.url_suffix,
                "reverseDnsPrefix": "com.amazonaws",
            },
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "id": account.account_id,
                "accountId": account.account_id,
                "arn": f"arn:{account.partition}:iam::{account.account_id}:user/tester",
                "userId": "AIDATESTER",
            },
        }
        if args.token not in answers:
            return invoke_answer(args.token, args.args), []
        return answers[args.token], []


def stack_config(project_dir: Path, stack: str = "dev") -> dict[str, Any]:
    """The project's `Pulumi.<stack>.yaml` config, keys as written (`proj:Key`, `aws:region`)."""
    document = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text())
    return dict(document.get("config") or {})


def _config_strings(config: Mapping[str, Any]) -> dict[str, str]:
    """Config as the engine hands it to a program: strings, structured values as JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()
    }


_RESOURCE_REFERENCES = resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES


class _ByIdMonitor(MockMonitor):
    """The mock monitor with resource references turned off: a resource given as another's
    input (``function=fn``, not ``fn.arn``) arrives as its id. With them on, the monitor
    rebuilds the resource from its reference on its own thread, whose event loop is not the
    program's; now and then the run then failed with "got Future attached to a different
    loop" (pulumi/examples apigatewayv2-http-api-quickcreate, one run in three)."""

    def GetDeploymentInfo(self, request: Any) -> Any:
        info = super().GetDeploymentInfo(request)  # type: ignore[no-untyped-call]
        kept = [f for f in info.supportedFeatures if f != _RESOURCE_REFERENCES]
        del info.supportedFeatures[:]
        info.supportedFeatures.extend(kept)
        return info


def run_program(
    project_dir: Path,
    stack: str = "dev",
    overrides: Mapping[str, Any] | None = None,
    project: str | None = None,
) -> ProgramRun:
    """Run `<project_dir>/__main__.py` with its `<stack>` config and `overrides`.

    `project` is the Pulumi project's name (its config keys' prefix; default: the folder's
    name). An override of None unsets the key. Whatever the program raises propagates.
    """
    project = project or project_dir.name
    config = {**stack_config(project_dir, stack), **(overrides or {})}
    config = {key: value for key, value in config.items() if value is not None}
    mocks = FakeAws(Account(region=str(config.get("aws:region", "us-east-1"))))
    settings.ROOT.set(None)  # a fresh root stack resource, so no outputs carry over
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False,
                             monitor=_ByIdMonitor(mocks))  # fmt: skip
    pulumi.runtime.set_all_config(_config_strings(config))
    stack_outputs: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[None]:
        search_path = list(sys.path)  # the program puts its building blocks' folder first
        sys.path.insert(0, str(project_dir))  # as Pulumi runs it: its own modules importable
        try:
            runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
        finally:
            sys.path[:] = search_path
        root = settings.get_root_resource()
        exported: dict[str, Any] = getattr(root, "outputs", {})
        return pulumi.Output.from_input(exported).apply(stack_outputs.update)

    program()
    return ProgramRun(project, stack, list(mocks.registered), stack_outputs)
