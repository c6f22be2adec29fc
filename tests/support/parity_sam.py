"""The SAM side of the parity model: the template transformed offline, intrinsics resolved."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

from parity_model import Model, ModelError, empty_model, finish, reduce_resource

from costcalc.estimate.fake_aws import BY_CFN_TYPE, Account, kebab
from localrun.deploy import parameter_values
from localrun.intrinsics import Names, resolve
from localrun.template import load_template


class _AnyAttribute(dict[str, str]):
    """The attributes of a resource left out of the model: any one, as a recognisable name."""

    def __init__(self, logical_id: str) -> None:
        super().__init__()
        self.logical_id = logical_id

    def __missing__(self, attribute: str) -> str:
        return f"left-out:{self.logical_id}.{attribute}"


def from_sam(
    template_path: Path,
    parameters: Mapping[str, str],
    account: Account,
    stack_name: str,
    leave_out: Collection[str] = (),
) -> Model:
    """The model of the SAM template deployed as `stack_name` with `parameters`.

    Resources of the CloudFormation types in `leave_out` are not modelled; references to them
    resolve to `left-out:<LogicalId>` (the parity test's pending list names those types).
    """
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = account.region  # samtranslator reads the region here
    try:
        template = load_template(template_path, dict(parameters))
    finally:
        if previous is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
    names = Names(
        stack_name=stack_name,
        region=account.region,
        account_id=account.account_id,
        parameters=parameter_values(template, dict(parameters)),
        mappings=template.mappings,
        conditions=template.conditions,
    )
    answers = {}
    for logical_id, resource in template.resources.items():
        if resource["Type"] in leave_out:
            names.refs[logical_id] = f"left-out:{logical_id}"
            names.attributes[logical_id] = _AnyAttribute(logical_id)
            continue
        kind = BY_CFN_TYPE.get(resource["Type"])
        if kind is None:
            raise ModelError(
                f"{logical_id}: the parity model does not know {resource['Type']}; "
                "add it to costcalc/estimate/fake_aws.py KINDS and reduce it in parity_model.py"
            )
        physical = kebab(logical_id)
        explicit = resource.get("Properties", {}).get(kind.cfn_name_property or "")
        if explicit is not None:
            physical = str(resolve(explicit, names))
        answers[logical_id] = answered = kind.outputs(account, kebab(logical_id), physical)
        names.refs[logical_id] = answered[kind.ref]
        names.attributes[logical_id] = {a: answered[o] for a, o in kind.attributes.items()}
    model = empty_model()
    for logical_id, resource in template.resources.items():
        if resource["Type"] in leave_out:
            continue
        condition = resource.get("Condition")
        if condition is not None and not names.condition(condition):
            continue
        properties = resolve(resource.get("Properties", {}), names)
        kind_name = BY_CFN_TYPE[resource["Type"]].name
        reduce_resource(model, kind_name, kebab(logical_id), properties, answers[logical_id])
    model["outputs"] = {
        name: resolve(output["Value"], names) for name, output in template.outputs.items()
    }
    return finish(model)
