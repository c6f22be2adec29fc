import io
import json
import logging
import traceback

import pytest
from aws_lambda_powertools import Logger

from orders.redaction import (
    MASK,
    RedactingFilter,
    RedactingFormatter,
    masks_failures,
    redact,
    redact_root_logger,
)


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


@pytest.mark.parametrize(
    "address",
    ["jöe@exämple.de", "o'brien@example.ie", "用户@例子.广告", "ana.maría+pedidos@correo.es"],
)
def test_addresses_of_any_script_and_with_apostrophes_are_masked_whole(address: str) -> None:
    assert redact(f"to {address}, thanks") == f"to {MASK}, thanks"


def test_a_library_record_through_the_root_logger_is_masked_message_and_exception() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    # The runtime's handler alone: another handler formatting the record first would mask
    # what this filter must do itself.
    saved, root.handlers = root.handlers, [handler]
    try:
        redact_root_logger()
        redact_root_logger()  # idempotent: one filter per handler
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
        try:
            raise RuntimeError("MessageRejected: jöe@exämple.de is suppressed")
        except RuntimeError:
            logging.getLogger("botocore.endpoint").error(
                "send to %s failed", "ana@example.com", exc_info=True
            )
    finally:
        root.handlers = saved
    written = stream.getvalue()
    assert "ana@example.com" not in written
    assert "jöe@exämple.de" not in written
    assert written.startswith(f"send to {MASK} failed")
    assert written.endswith(f"RuntimeError: MessageRejected: {MASK} is suppressed\n")


def test_an_exception_escaping_a_handler_has_its_addresses_masked_with_its_causes() -> None:
    @masks_failures
    def handler() -> None:
        try:
            raise ValueError("bounce from o'brien@example.ie")
        except ValueError as cause:
            raise RuntimeError("SES refused ana@example.com") from cause

    assert handler.__name__ == "handler"  # what Tracer and the logs name it
    with pytest.raises(RuntimeError) as raised:
        handler()
    assert str(raised.value) == f"SES refused {MASK}"
    assert str(raised.value.__cause__) == f"bounce from {MASK}"
    # What the runtime prints: each error's own line (its source lines are the code's, not data).
    printed = traceback.format_exception(raised.value)
    assert f"ValueError: bounce from {MASK}\n" in printed
    assert f"RuntimeError: SES refused {MASK}\n" in printed


def test_an_address_in_an_implicitly_chained_error_is_masked_too() -> None:
    @masks_failures
    def handler() -> None:
        try:
            raise ValueError("bounce from ana@example.com")
        except ValueError:
            raise RuntimeError("send failed")  # noqa: B904 - chained implicitly, on purpose

    with pytest.raises(RuntimeError) as raised:
        handler()
    assert str(raised.value.__context__) == f"bounce from {MASK}"


def test_a_record_without_an_exception_gains_no_exception_text() -> None:
    record = logging.LogRecord("lib", logging.INFO, __file__, 1, "sent to %s", ("a@b.io",), None)
    assert RedactingFilter().filter(record)
    assert (record.getMessage(), record.exc_text) == (f"sent to {MASK}", None)
