"""Reading what a learner handed in: is it a notebook of this unit, and in a form the grader can run.

:func:`check_notebook` is the only way a submitted file becomes a notebook for
:mod:`mlkit.grading.batch`; everything that makes a file invalid is said here.
"""

from __future__ import annotations

import json
from pathlib import Path

NOTEBOOK_SIZE_CAP = 50 * 1024 * 1024


def check_notebook(path: Path, unit: str):
    """Read a submitted notebook; returns ``(notebook, "")`` or ``(None, why it is invalid)``."""
    import nbformat

    try:
        size = path.stat().st_size
        if size > NOTEBOOK_SIZE_CAP:
            return None, f"the notebook is {size // (1024 * 1024)} MB; the grader reads notebooks up to {NOTEBOOK_SIZE_CAP // (1024 * 1024)} MB"
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text)
    except UnicodeDecodeError:
        return None, "the file is not text (UTF-8)"
    except json.JSONDecodeError as error:
        return None, f"the file is not valid notebook JSON (line {error.lineno}: {error.msg})"
    except OSError as error:
        return None, f"the file cannot be read ({error.strerror})"
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        return None, "the file is JSON but not a Jupyter notebook (no cells or nbformat)"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return None, f"the notebook does not follow the notebook format ({first})"
    other = nb.metadata.get("mlkit", {}).get("unit") if isinstance(nb.metadata.get("mlkit"), dict) else None
    if other and other != unit:
        return None, f"this is the notebook of unit {other!r}, not {unit!r}"
    return nb, ""
