"""The AWS clients ``actual`` reads through, and the one place AWS failures become user errors.

Every client uses botocore's ``adaptive`` retry mode (up to 10 retries): throttling errors are
retried with exponential backoff and a client-side rate limiter, so paging a large stack does
not fail on ``ThrottlingException``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from costcalc.errors import UsageError

RETRIES = {"mode": "adaptive", "max_attempts": 10}
Clients = Callable[[str], Any]


def boto_clients(region: str, profile: str | None = None) -> Clients:
    """A factory of read-only clients in ``region`` (Cost Explorer's endpoint is us-east-1)."""
    import boto3  # noqa: PLC0415 - only `actual` pays for boto3
    from botocore.config import Config  # noqa: PLC0415

    with aws_errors():  # a --profile that is not configured is raised here, not at a call
        session = boto3.Session(profile_name=profile, region_name=region)
    config = Config(retries=RETRIES)  # type: ignore[arg-type]
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            where = "us-east-1" if service == "ce" else region
            made[service] = session.client(service, region_name=where, config=config)  # type: ignore[call-overload]
        return made[service]

    return client


@contextmanager
def aws_errors() -> Iterator[None]:
    """Missing credentials, a missing profile, a denied call: one line each, exit 2."""
    from botocore import exceptions  # noqa: PLC0415

    try:
        yield
    except exceptions.NoCredentialsError:
        raise UsageError(
            "no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY; the read-only policy is in docs/actual-permissions.md"
        ) from None
    except exceptions.ProfileNotFound as error:
        raise UsageError(f"{error}; list yours with `aws configure list-profiles`") from None
    except exceptions.NoRegionError:
        raise UsageError("no AWS region: give --region") from None
    except exceptions.ClientError as error:
        info = error.response.get("Error", {})
        raise UsageError(
            f"{error.operation_name}: {info.get('Code', 'error')}: {info.get('Message', '')}"
        ) from None
    except exceptions.BotoCoreError as error:
        raise UsageError(f"AWS: {error}") from None
