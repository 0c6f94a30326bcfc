"""Offline copies of the JavaScript the published pages need, from installed packages.

MathJax 2.7 comes from the ``jupyter-server-mathjax`` package (Apache-2.0; its licence is
in the copied folder). Nothing here downloads anything: a missing package is an
:class:`~mlkit.errors.InputError` that says what to install.
"""

from __future__ import annotations

from pathlib import Path

from mlkit.errors import InputError

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"  # a configuration shipped with the copy (no further requests)
#: The copy ships the STIX-Web fonts only (as Jupyter's own pages use it): MathJax must not look for others.
MATHJAX_FONTS = {
    "HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web", "imageFont": None},
    "SVG": {"font": "STIX-Web"},
}


def mathjax_dir() -> Path:
    """The folder holding ``MathJax.js``, its configurations, fonts and licence.

    Raises
    ------
    InputError
        when ``jupyter-server-mathjax`` is not installed (``make site`` installs it from the lock).
    """
    try:
        import jupyter_server_mathjax
    except ImportError as error:
        raise InputError(
            "the offline copy of MathJax is missing: install the kit's locked dependencies "
            "(`make site`, or `pip install -r requirements/lock.txt`)"
        ) from error
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise InputError(f"the offline copy of MathJax is incomplete: {folder / 'MathJax.js'} is missing")
    return folder
