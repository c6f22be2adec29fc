import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from samtranslator.yaml_helper import yaml_parse
from stack_helpers import PROMO

from orders.sending import SES_CONFIG, ses_refused


def _answer(status: int, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "SendEmail",
    )


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (_answer(400, "MessageRejected"), True),
        (_answer(400, "Throttling"), True),
        (_answer(499, "ClientClosedRequest"), True),
        (ConnectTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"), True),
        (EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com"), True),
        (_answer(500, "InternalFailure"), False),
        (_answer(503, "ServiceUnavailable"), False),
        (ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"), False),
        (ClientError({"Error": {"Code": "Unknown"}}, "SendEmail"), False),
    ],
    ids=["rejected", "throttled", "last-4xx", "no-connection", "no-endpoint", "server-error",
         "unavailable", "answer-lost", "no-status"],
)  # fmt: skip
def test_only_an_error_proving_ses_did_not_take_the_email_counts_as_refused(
    error: Exception, refused: bool
) -> None:
    assert ses_refused(error) is refused


def test_the_ses_client_makes_one_attempt_and_gives_up_inside_the_function_timeout() -> None:
    issuer = yaml_parse(PROMO.read_text())["Resources"]["PromoIssuerFunction"]["Properties"]
    assert SES_CONFIG.retries == {"total_max_attempts": 1}
    assert SES_CONFIG.connect_timeout + SES_CONFIG.read_timeout < issuer["Timeout"]
