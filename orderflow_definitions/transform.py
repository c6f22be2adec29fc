"""The SAM transform, offline: samtranslator turns SAM resources into the CloudFormation
resources AWS would create, with the managed-policy list samtranslator ships (no IAM call) and
S3 placeholders for local code (which the transform insists be in S3, where ``sam package``
would put it). samtranslator is imported here only, when a template asks for the transform."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from orderflow_definitions.documents import parse_document
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import TEMPLATE_BYTES, read_text

PLACEHOLDER_BUCKET = "orderflow-definitions-code"
PLACEHOLDER_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orderflow-definitions"
_CODE_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}
_API_TYPES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")


def needs_transform(template: Mapping[str, Any]) -> bool:
    transforms = template.get("Transform") or []
    names = transforms if isinstance(transforms, list) else [transforms]
    return any(str(name).startswith("AWS::Serverless") for name in names)


def replace_code_uris(template: dict[str, Any]) -> dict[str, Any]:
    """Each function's and layer's code location as written (Globals' CodeUri applied),
    replaced in ``template`` by an S3 placeholder."""
    globals_function = (template.get("Globals") or {}).get("Function") or {}
    default_uri = globals_function.pop("CodeUri", None)
    written: dict[str, Any] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        key = _CODE_PROPERTIES.get(str(kind))
        if key is None:
            continue
        properties = resource.setdefault("Properties", {})
        if "InlineCode" in properties or "ImageUri" in properties:
            continue
        if properties.get("PackageType") == "Image":
            # `sam build` fills ImageUri from the function's Metadata (DockerContext); the
            # transform refuses an image function without one
            properties["ImageUri"] = f"{PLACEHOLDER_IMAGE}/{logical_id.lower()}:latest"
            continue
        written[logical_id] = properties.get(key, default_uri if key == "CodeUri" else None)
        properties[key] = f"s3://{PLACEHOLDER_BUCKET}/{logical_id}.zip"
    return written


def name_repository_applications(template: dict[str, Any]) -> None:
    """Each ``AWS::Serverless::Application`` kept in the Serverless Application Repository
    (``Location: {ApplicationId, SemanticVersion}``) located by a name instead: the transform
    would ask the repository for its template over the network; offline it becomes a nested
    stack whose ``TemplateURL`` names the application."""
    for resource in (template.get("Resources") or {}).values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Serverless::Application":
            continue
        properties = resource.get("Properties") or {}
        location = properties.get("Location")
        if isinstance(location, dict):
            application = location.get("ApplicationId")
            version = location.get("SemanticVersion")
            properties["Location"] = f"serverlessrepo:{application}@{version}"


def inline_api_definitions(template: dict[str, Any], base: Path, source: str) -> None:
    """An API's local OpenAPI ``DefinitionUri`` put inline as its ``DefinitionBody``."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") not in _API_TYPES:
            continue
        properties = resource.get("Properties") or {}
        uri = properties.get("DefinitionUri")
        if not isinstance(uri, str) or uri.startswith("s3://"):
            continue  # an S3 location, or {Bucket, Key}: the transform takes them as they are
        path = (base / uri).resolve()
        where = f"{source}: {logical_id}: DefinitionUri {uri}"
        properties["DefinitionBody"] = parse_document(
            read_text(path, "OpenAPI definition", TEMPLATE_BYTES), where
        )
        del properties["DefinitionUri"]


class _BundledPolicies:
    """The AWS managed policy ARNs samtranslator ships, so the transform makes no IAM call."""

    def load(self) -> dict[str, str]:
        import samtranslator  # noqa: PLC0415 - only templates with the transform need it

        data = Path(samtranslator.__file__).parent / "internal/data/aws_managed_policies.json"
        return cast(dict[str, str], json.loads(data.read_text(encoding="utf-8"))["aws"])


def sam_transform(
    template: dict[str, Any], parameters: Mapping[str, str], region: str, source: str
) -> dict[str, Any]:
    """``template`` as CloudFormation (code locations already replaced)."""
    from samtranslator.translator.transform import transform  # noqa: PLC0415

    # samtranslator logs a warning about its own unpublished usage metrics on every transform
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        return cast(dict[str, Any], transform(template, dict(parameters), _BundledPolicies()))
    except Exception as error:
        message = " ".join(str(error).split()) or type(error).__name__
        raise DefinitionError(f"{source}: the SAM transform failed: {message}") from None
    finally:
        if previous is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
