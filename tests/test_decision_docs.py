"""The examples in the decision package's docstrings run and give what they show."""

import doctest
import importlib
import pkgutil

import pytest

import mlkit.decision

MODULES = sorted(f"mlkit.decision.{m.name}" for m in pkgutil.iter_modules(mlkit.decision.__path__))


@pytest.mark.parametrize("name", ["mlkit.decision", *MODULES])
def test_docstring_examples(name):
    failures, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failures == 0
