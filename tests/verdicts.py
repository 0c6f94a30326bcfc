"""Assertions on a check's outcome, shared by the tests that call checks directly.

Each returns True so that a test reads ``assert passed(...)``; a failing assertion shows the
whole outcome (status and message).
"""

from __future__ import annotations


def passed(outcome) -> bool:
    """The check accepted the answer."""
    assert outcome.status == "passed", outcome
    return True


def refused(outcome, *words: str, hidden: tuple[str, ...] = ()) -> bool:
    """Refused as incorrect, with a message naming every one of ``words`` and none of ``hidden``."""
    assert outcome.status == "incorrect", outcome
    assert all(word in outcome.message for word in words), outcome
    assert not any(value in outcome.message for value in hidden), outcome
    return True
