"""Errors the kit raises for people: each says what was wrong and what is expected."""


class MlkitError(Exception):
    """Base class of the kit's own errors; the ``mlkit`` command prints their message."""


class InputError(MlkitError, ValueError):
    """An input (argument, file, field) was not what the kit expects."""
