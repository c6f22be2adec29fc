"""Errors a user can cause; the CLI prints their message on one line and exits 2."""


class CostcalcError(Exception):
    """Base of every error whose message is meant for the user as it stands."""


class UsageError(CostcalcError, ValueError):
    """A usage figure is out of range, malformed or contradicts another."""


class CatalogueError(CostcalcError):
    """The price catalogue is malformed or lacks a requested service."""


class MissingPriceError(CatalogueError):
    """No sourced price exists for an item in a region (never guessed, never copied)."""
