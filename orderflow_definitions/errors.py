"""The one error the reader raises: a definition it cannot use, said on one line."""


class DefinitionError(ValueError):
    """The message names the file, the item (resource, parameter, key) and the cause, as it
    stands; a command line prints it and exits 2, a test asserts on it."""
