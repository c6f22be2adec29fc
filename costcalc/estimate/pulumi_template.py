"""A Pulumi project read as the template it would deploy, so SAM and Pulumi share one derivation.

The program runs under ``pulumi.runtime.set_mocks`` in a child process held to a time limit
and an exit contract (pulumi_child.py: a program calling ``sys.exit`` or never returning is
refused, never taken for an empty stack; no CLI, no provider plugin, no AWS call) with its
stack's ``Pulumi.<stack>.yaml`` config; each resource it registers becomes the CloudFormation
resource it stands for (logical id: its kebab name in CamelCase, properties mapped by
pulumi_cfn.py), and every string that is another resource's name, id or ARN becomes
the ``Ref``/``Fn::GetAtt`` (or the ``Fn::Sub`` holding it) a template would write. What
deployed.py reads from a transformed SAM template it then reads from this one.

The Pulumi SDK is imported by the child only, and this module only by a Pulumi source.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcalc.estimate.declared_usage import from_pulumi_project
from costcalc.estimate.fake_aws import BY_PULUMI_TYPE
from costcalc.estimate.template import Template, TemplateError
from orderflow_definitions.documents import parse_document
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES, read_text

if TYPE_CHECKING:
    from costcalc.estimate.fake_aws import Kind
    from costcalc.estimate.pulumi_program import ProgramRun, Registered

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
#: Longest a Pulumi program may run under mocks (the kit's take about a second).
PROGRAM_SECONDS = 120
_ARN_LIKE = ("arn:", "https://")


def stacks_of(project: Path) -> list[str]:
    """The stacks a project has config for (``Pulumi.<stack>.yaml``)."""
    names = {
        file.name.split(".", 1)[1].rsplit(".", 1)[0]
        for pattern in ("Pulumi.*.yaml", "Pulumi.*.yml")
        for file in project.glob(pattern)
    }
    return sorted(names)


def read_pulumi(project: Path, stack: str | None = None) -> Template:
    """Run the program of the Pulumi project in ``project`` and read what it registers."""
    name, main, usage = _project(project)
    stack = _stack(project, stack)
    run = _run_in_child(project, stack, name, main)
    return as_template(project, run, usage)


def _run_in_child(project: Path, stack: str, name: str, main: Path) -> ProgramRun:
    """The program's run, from a child process held to a time limit and an exit contract."""
    from costcalc.estimate.pulumi_child import DONE, FAILED, FAILED_EXIT  # noqa: PLC0415
    from costcalc.estimate.pulumi_program import ProgramRun, Registered  # noqa: PLC0415

    command = [sys.executable, "-m", "costcalc.estimate.pulumi_child", str(project), stack, name]
    where = f"{main}: the Pulumi program (stack {stack})"
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=PROGRAM_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TemplateError(
            f"{where} did not finish within {PROGRAM_SECONDS} s; expected a program that "
            "registers its resources and returns"
        ) from None
    lines = done.stdout.splitlines()
    failed = [line.removeprefix(FAILED) for line in lines if line.startswith(FAILED)]
    if done.returncode == FAILED_EXIT and failed:
        detail = json.loads(failed[-1])
        if detail["type"] == "ImportError":
            raise TemplateError(
                f"{project}: a Pulumi project; reading it needs the Pulumi SDK "
                f"({detail['module']} is not installed): pip install 'pulumi>=3,<4' "
                "'pulumi-aws>=7,<8'"
            )
        if detail["type"] == "ConfigMissingError":
            prefix, _, key = detail["key"].rpartition(":")
            raise TemplateError(
                f"{where} needs the config value {detail['key']}, which Pulumi.{stack}.yaml "
                f"does not set; add it under config: ({detail['key']}: VALUE), as `pulumi "
                f"config set {key if prefix == name else detail['key']} VALUE` would"
            )
        if detail["type"] == "ProgramImportError":
            package = detail["module"].split(".")[0]
            raise TemplateError(
                f"{where} imports {package}, which is not installed where costcalc runs: "
                f"pip install {package.replace('_', '-')} (the program's requirements.txt)"
            )
        raise TemplateError(
            f"{where} raised {detail['type']}: {detail['message']}; expected a program that "
            f"runs with the config of Pulumi.{stack}.yaml"
        )
    found = [line.removeprefix(DONE) for line in lines if line.startswith(DONE)]
    if done.returncode != 0 or not found:
        raise TemplateError(
            f"{where} exited with code {done.returncode} before it finished (does it call "
            "sys.exit or os._exit?); expected a program that registers its resources and "
            "returns"
        )
    document = json.loads(found[-1])
    resources = [
        Registered(r["type"], r["name"], r["inputs"], r["outputs"]) for r in document["resources"]
    ]
    return ProgramRun(document["project"], document["stack"], resources, document["stack_outputs"])


def as_template(project: Path, run: ProgramRun, usage: str | None = None) -> Template:
    """The registered resources as a template's resources, references made symbolic again."""
    from costcalc.estimate.pulumi_cfn import as_cfn  # noqa: PLC0415

    known = [(r, BY_PULUMI_TYPE[r.type]) for r in run.resources if r.type in BY_PULUMI_TYPE]
    unread = {
        camel(r.name): r.type
        for r in run.resources
        if r.type not in BY_PULUMI_TYPE and not r.type.startswith("pulumi:")  # providers
    }
    symbols = _symbols(known)
    resources: dict[str, dict[str, Any]] = {}
    definitions: dict[str, Any] = {}
    for registered, kind in known:
        if kind.part or kind.cfn_type is None:
            continue  # folded into its owner by as_cfn (a role's policy, a rule's target)
        logical_id = camel(registered.name)
        decoded = _decoded(as_cfn(run, registered, kind.name))
        resources[logical_id] = {"Type": kind.cfn_type, "Properties": _symbolic(decoded, symbols)}
        definition = decoded.get("DefinitionString")
        if kind.cfn_type == "AWS::StepFunctions::StateMachine" and isinstance(definition, dict):
            definitions[logical_id] = _symbolic(definition, symbols)
    # named as a SAM template's definitions are: by placeholder ARNs carrying logical ids
    read = Template(project, resources, {}, {})
    return Template(
        project,
        resources,
        {},
        {k: read.with_placeholders(d, f"{k}.Definition") for k, d in definitions.items()},
        unread,
        usage=usage,
    )


def camel(name: str) -> str:
    """``orders-table`` -> ``OrdersTable``: the SAM logical id a kit resource is named after."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


def _project(project: Path) -> tuple[str, Path, str | None]:
    """The project's name, its program and the usage file it names (if any)."""
    file = next((project / n for n in PROJECT_FILES if (project / n).is_file()), None)
    if file is None:
        raise TemplateError(f"{project}: no Pulumi.yaml; expected a Pulumi project folder")
    try:
        document = parse_document(
            read_text(file, "Pulumi project file", SMALL_FILE_BYTES), str(file)
        )
    except DefinitionError as error:
        raise TemplateError(str(error)) from None
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise TemplateError(f"{file}: expected a Pulumi project file with a `name`")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise TemplateError(
            f"{file}: runtime {runtime_name!r}; the estimate runs Python Pulumi programs only"
        )
    main = project / str(document.get("main") or "") / "__main__.py"
    if not main.is_file():
        raise TemplateError(f"{file}: no program at {main}; expected a __main__.py")
    return document["name"], main, from_pulumi_project(document, file)


def _stack(project: Path, asked: str | None) -> str:
    stacks = stacks_of(project)
    if asked is not None:
        if asked not in stacks:
            raise TemplateError(
                f"{project}: --stack {asked}: no Pulumi.{asked}.yaml; the project has config "
                f"for {', '.join(stacks) or 'no stack'}"
            )
        return asked
    if len(stacks) == 1:
        return stacks[0]
    if not stacks:
        raise TemplateError(
            f"{project}: no stack config; expected a Pulumi.<stack>.yaml holding the program's "
            "config (pulumi config set writes one)"
        )
    raise TemplateError(
        f"{project}: config for several stacks ({', '.join(stacks)}); name one with --stack"
    )


def _symbols(known: list[tuple[Registered, Kind]]) -> dict[str, dict[str, Any]]:
    """What each resource's outputs stand for in a template: ``Ref`` or ``Fn::GetAtt``."""
    symbols: dict[str, dict[str, Any]] = {}
    for registered, kind in known:
        if kind.part or kind.cfn_type is None:
            continue
        logical_id = camel(registered.name)
        for attribute, output in kind.attributes.items():
            value = registered.outputs.get(output)
            if isinstance(value, str):
                symbols.setdefault(value, {"Fn::GetAtt": [logical_id, attribute]})
        value = registered.outputs.get(kind.ref)
        if isinstance(value, str):
            symbols[value] = {"Ref": logical_id}
    return symbols


def _symbolic(value: Any, symbols: Mapping[str, Mapping[str, Any]]) -> Any:
    """``value`` with every other resource's name, id or ARN as the reference it stands for."""
    if isinstance(value, dict):
        return {key: _symbolic(item, symbols) for key, item in value.items()}
    if isinstance(value, list):
        return [_symbolic(item, symbols) for item in value]
    if not isinstance(value, str):
        return value
    if value in symbols:
        return dict(symbols[value])
    embedded = [s for s in symbols if s.startswith(_ARN_LIKE) and s in value]
    if not embedded:
        return value
    text = value
    for found in sorted(embedded, key=len, reverse=True):
        text = text.replace(found, "${" + ".".join(_named(symbols[found])) + "}")
    return {"Fn::Sub": text}


def _named(symbol: Mapping[str, Any]) -> list[str]:
    return [symbol["Ref"]] if "Ref" in symbol else [str(part) for part in symbol["Fn::GetAtt"]]


def _decoded(value: Any) -> Any:
    """JSON documents Pulumi takes as strings (policies, patterns, definitions) as mappings."""
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    if isinstance(value, str) and value.strip().startswith("{") and value.strip().endswith("}"):
        try:
            return _decoded(json.loads(value))
        except json.JSONDecodeError:
            return value
    return value
