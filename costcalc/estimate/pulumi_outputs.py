"""What the fake account answers beyond the kinds it knows (fake_aws.py), so that a team's
program runs to its end under mocks whatever it deploys or looks up.

Under ``set_mocks`` an output the mock does not answer resolves to None, and a program that
builds a string from it (``stage.execution_arn.apply(lambda arn: arn + "/*")``, a policy naming
``policy.arn``) fails on a resource the estimate never bills. Each string output the resource's
Pulumi class declares is therefore answered with a placeholder derived from the resource's name
(an ARN for ``*Arn``, a URL for ``*Url`` and ``*Endpoint``). Look-ups (invokes) the account
does not know are answered with their arguments, except ``iam.getPolicyDocument``, whose JSON
document is built from its statements as the provider builds it.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Mapping
from typing import Any

from pulumi.runtime import rpc

from costcalc.estimate.fake_aws import Account, kebab

POLICY_DOCUMENT = "aws:iam/getPolicyDocument:getPolicyDocument"
_STRING_OUTPUT = ("Output[str]", "Output[Optional[str]]", "Output[typing.Optional[str]]")


def declared_string_outputs(token: str) -> tuple[str, ...]:
    """The string outputs (engine names: ``executionArn``) the class of the resource type
    ``token`` (``aws:apigateway/stage:Stage``) declares; none for a class not found."""
    package, _, rest = token.partition(":")
    module_name = rest.split(":", 1)[0]
    module = rpc.get_resource_module(package, module_name, "")
    info = getattr(module, "mod_info", None)
    if not isinstance(info, Mapping):
        return ()
    try:
        cls = getattr(importlib.import_module(info["fqn"]), info["classes"][token])
    except (ImportError, KeyError, AttributeError):
        return ()
    found = []
    for attribute in vars(cls).values():
        getter = attribute.fget if isinstance(attribute, property) else None
        name = getattr(getter, "_pulumi_name", None)
        if getter is None or not isinstance(name, str):
            continue
        annotation = inspect.signature(getter).return_annotation
        text = annotation if isinstance(annotation, str) else str(annotation)
        if any(text.replace("pulumi.output.", "").replace("pulumi.", "").endswith(s)
               for s in _STRING_OUTPUT):  # fmt: skip
            found.append(name)
    return tuple(found)


def placeholder_outputs(account: Account, token: str, physical: str) -> dict[str, str]:
    """A placeholder for each string output of ``token``'s class, named after ``physical``."""
    service = token.partition(":")[2].split("/", 1)[0].lower()
    kind = kebab(token.rsplit(":", 1)[-1])
    answers = {}
    for name in declared_string_outputs(token):
        lowered = name.lower()
        if lowered.endswith("arn"):
            answers[name] = account.arn(service, f"{kind}/{physical}")
        elif lowered.endswith(("url", "endpoint")):
            answers[name] = f"https://{physical}.{service}.{account.region}.{account.url_suffix}/"
        else:
            answers[name] = f"{physical}-{kebab(name)}"
    return answers


def invoke_answer(token: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """What an invoke the fake account does not know returns."""
    if token == POLICY_DOCUMENT:
        document = policy_document(arguments)
        return {"id": "policy", "json": json.dumps(document, indent=2),
                "minifiedJson": json.dumps(document, separators=(",", ":"))}  # fmt: skip
    return {**arguments, "id": f"{kebab(token.rsplit(':', 1)[-1])}-id"}


def policy_document(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """``iam.getPolicyDocument``'s statements as the IAM JSON policy document."""
    statements = []
    for given in arguments.get("statements") or []:
        statement: dict[str, Any] = {"Effect": given.get("effect", "Allow")}
        for key, field in (("Sid", "sid"), ("Action", "actions"), ("NotAction", "notActions"),
                           ("Resource", "resources"), ("NotResource", "notResources")):  # fmt: skip
            if given.get(field):
                statement[key] = given[field]
        for key, field in (("Principal", "principals"), ("NotPrincipal", "notPrincipals")):
            if given.get(field):
                statement[key] = {p["type"]: p["identifiers"] for p in given[field]}
        conditions: dict[str, dict[str, Any]] = {}
        for condition in given.get("conditions") or []:
            conditions.setdefault(condition["test"], {})[condition["variable"]] = condition[
                "values"
            ]
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return {"Version": arguments.get("version") or "2012-10-17", "Statement": statements}
