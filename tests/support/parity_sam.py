"""The SAM side of the parity model: the template transformed offline, intrinsics resolved."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parity_model import Model, ModelError, empty_model, finish, reduce_resource

from costcalc.estimate.fake_aws import BY_CFN_TYPE, Account, kebab
from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.deploy import parameter_values
from orderflow_localrun.intrinsics import Names
from orderflow_localrun.template import load_template


def _named_by(properties: Mapping[str, Any], name_property: str | None) -> Any:
    """The explicit name at `name_property` (dotted where nested), or None."""
    value: Any = properties
    for key in (name_property or "").split(".") if name_property else []:
        value = value.get(key) if isinstance(value, Mapping) else None
    return None if value is properties else value


def from_sam(
    template_path: Path,
    parameters: Mapping[str, str],
    account: Account,
    stack_name: str,
) -> Model:
    """The model of the SAM template deployed as `stack_name` with `parameters`."""
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
        parameters=parameter_values(template),
        mappings=template.mappings,
        conditions=template.conditions,
    )
    answers = {}
    for logical_id, resource in template.resources.items():
        kind = BY_CFN_TYPE.get(resource["Type"])
        if kind is None:
            raise ModelError(
                f"{logical_id}: the parity model does not know {resource['Type']}; "
                "add it to costcalc/estimate/fake_aws.py KINDS and reduce it in parity_model.py"
            )
        physical = kebab(logical_id)
        explicit = _named_by(resource.get("Properties", {}), kind.cfn_name_property)
        if explicit is not None:
            physical = str(resolve(explicit, names))
        answers[logical_id] = answered = kind.outputs(account, kebab(logical_id), physical)
        names.refs[logical_id] = answered[kind.ref]
        names.attributes[logical_id] = {a: answered[o] for a, o in kind.attributes.items()}
    model = empty_model()
    for logical_id, resource in template.resources.items():
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
