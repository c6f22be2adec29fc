"""Logs carry ids, never personal data: every log line is scrubbed of email addresses.

Handlers never log an address on purpose, but an exception message or a third-party library
can (SES errors quote recipients). Three layers mask whatever slips through:

- the handlers' Powertools logger formats with `RedactingFormatter`, after the structured line
  is built, so no field or traceback escapes it;
- `redact_root_logger` puts `RedactingFilter` on the root logger's handlers (the Lambda
  runtime's own handler among them), which masks a record's message and exception text before
  any formatter sees it, so botocore's or any library's records are masked too;
- `masks_failures` wraps each handler: an exception it lets escape has the addresses in its
  message (and the messages it was raised from) masked, because the Lambda runtime logs an
  unhandled exception itself, outside Python's logging.

Addresses are matched as mail systems write them, not only in ASCII: a local part of letters
of any script, digits and RFC 5322's `!#$%&'*+/=?^_`{|}~.-` (so `o'brien@...` is masked whole),
and a domain of labels of letters of any script, digits and hyphens (`jöe@exämple.de`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}")
MASK = "<redacted-email>"

P = ParamSpec("P")
R = TypeVar("R")


def redact(text: str) -> str:
    return EMAIL.sub(MASK, text)


class RedactingFormatter(LambdaPowertoolsFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingFilter(logging.Filter):
    """Masks a record in place: its message (arguments merged in) and its exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_root_logger() -> None:
    """Mask every record the root logger's handlers write (once per handler)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def mask_exception(error: BaseException) -> None:
    """Mask the addresses in `error`'s arguments and in those of the errors it was raised from."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
        current = current.__cause__ or current.__context__


def masks_failures(handler: Callable[P, R]) -> Callable[P, R]:
    """The handler, whose escaping exceptions carry no address (the runtime logs them)."""

    @functools.wraps(handler)
    def masked(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        except Exception as error:
            mask_exception(error)
            raise

    return masked


def redacting_logger() -> Logger:
    """The Powertools logger every handler uses; the root logger's handlers are masked too."""
    redact_root_logger()
    return Logger(logger_formatter=RedactingFormatter())
