"""Calling SES for an email that must go out at most once.

SES's SendEmail takes no idempotency key: a call whose answer is lost may still have sent the
email. So the client makes exactly one attempt (botocore would otherwise resend after a read
timeout), and a failure is sorted into "SES certainly refused it" (safe to send again) and "SES
may have taken it" (in doubt).
"""

from __future__ import annotations

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

# One attempt; the timeouts end a hung call well inside the function's 10 s, so the function
# itself records what happened instead of being killed mid-call.
SES_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5)
SES_FAILURES = (ClientError, ConnectTimeoutError, EndpointConnectionError)
_FIRST_SERVER_ERROR = 500


def ses_refused(error: Exception) -> bool:
    """SES certainly did not take the email: it answered 4xx, or no connection was made."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return status is not None and status < _FIRST_SERVER_ERROR
    return isinstance(error, ConnectTimeoutError | EndpointConnectionError)
