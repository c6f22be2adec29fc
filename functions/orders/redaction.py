"""Logs carry ids, never personal data: every log line is scrubbed of email addresses.

Handlers never log an address on purpose, but an exception message or a third-party library
can (SES errors quote recipients). The formatter masks whatever slips through, after the
structured line is built, so no field or traceback escapes it.
"""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MASK = "<redacted-email>"


def redact(text: str) -> str:
    return EMAIL.sub(MASK, text)


class RedactingFormatter(LambdaPowertoolsFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redacting_logger() -> Logger:
    """The Powertools logger every handler uses."""
    return Logger(logger_formatter=RedactingFormatter())
