"""The one error a user's answers can cause."""

# cookiecutter ships no type information.
from cookiecutter.exceptions import FailedHookException  # type: ignore[import-untyped]


class AnswerRefused(FailedHookException):  # type: ignore[misc]
    """A bad or not-yet-buildable answer, refused before any file is written.

    It subclasses FailedHookException because that is what the cookiecutter CLI reports as one
    line and exit status 1 (its other errors print a traceback or the whole context), and what
    our validation replaces: a pre-generation hook, which `sam init` does not run.
    """
