import io
import json
import logging

from aws_lambda_powertools import Logger

from orders.redaction import MASK, RedactingFormatter, redact


def _logger(stream: io.StringIO, service: str) -> Logger:
    return Logger(
        service=service,
        logger_formatter=RedactingFormatter(),
        logger_handler=logging.StreamHandler(stream),
    )


def test_an_address_in_a_message_or_an_extra_field_is_masked() -> None:
    stream = io.StringIO()
    _logger(stream, "redaction-message").info(
        "sent to ana@example.com", extra={"to": "bo.b+x@mail.example.org"}
    )
    line = json.loads(stream.getvalue())
    assert line["message"] == f"sent to {MASK}"
    assert line["to"] == MASK


def test_an_address_quoted_by_an_exception_is_masked_in_the_traceback() -> None:
    stream = io.StringIO()
    try:
        raise RuntimeError("MessageRejected: ana@example.com is on the suppression list")
    except RuntimeError:
        _logger(stream, "redaction-traceback").exception("send failed")
    assert "ana@example.com" not in stream.getvalue()
    assert MASK in json.loads(stream.getvalue())["exception"]


def test_ids_and_plain_text_pass_unchanged() -> None:
    text = "order 6f1d3c1e-5f55-4a8e at 2026-11-24T13:53:12Z for pizza-1 (a@b)"
    assert redact(text) == text
