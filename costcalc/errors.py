"""Errors a user can cause; the CLI prints their message on one line and exits 2."""


class CostcalcError(Exception):
    """Base of every error whose message is meant for the user as it stands."""


class UsageError(CostcalcError, ValueError):
    """A usage figure is out of range, malformed or contradicts another."""


class CatalogueError(CostcalcError):
    """The price catalogue is malformed or lacks a requested service."""


class MissingPriceError(CatalogueError):
    """No sourced price exists for an item in a region (never guessed, never copied)."""


def clipped(text: str, limit: int = 40) -> str:
    """A user's value as a message quotes it: a 5,000-digit number is cut, not printed whole."""
    return text if len(text) <= limit else f"{text[:20]}...({len(text):,} characters)"
