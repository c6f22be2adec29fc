"""S3 buckets as the analytics stack keeps them: private, encrypted, versioned, TLS only,
and emptied by a lifecycle rule so that nothing is kept longer than its retention."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi_aws as aws

from orderflow_infra import iam
from orderflow_infra.deployment import Deployment


@dataclass(frozen=True)
class Expiry:
    """The lifecycle rule `rule_id`: objects expire after `days`, replaced versions after
    `noncurrent_days`; an upload left incomplete is aborted after a day."""

    rule_id: str
    days: int
    noncurrent_days: int


def private_bucket(deployment: Deployment, name: str, expiry: Expiry) -> aws.s3.Bucket:
    """The bucket and its parts (`<name>-encryption`, `-public-access-block`, `-ownership`,
    `-versioning`, `-lifecycle`, `-policy`): SSE-S3 with a bucket key, every public access
    blocked, ACLs disabled, versioned, and a policy refusing any request without TLS."""
    bucket = aws.s3.Bucket(name, tags=deployment.tags)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"},
                "bucket_key_enabled": True,
            }
        ],
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
    )
    aws.s3.BucketVersioning(
        f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": expiry.rule_id,
                "status": "Enabled",
                "filter": {},
                "expiration": {"days": expiry.days},
                "noncurrent_version_expiration": {"noncurrent_days": expiry.noncurrent_days},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
            }
        ],
    )
    aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=bucket.id,
        policy=bucket.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": iam.POLICY_VERSION,
                    "Statement": [
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [arn, f"{arn}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                }
            )
        ),
    )
    return bucket
