"""mlkit: a Jupyter course kit for the curriculum of a machine-learning master's.

Importing ``mlkit`` is cheap: scikit-learn, pandas, matplotlib and ipywidgets load only
when a function that needs them is called. Its one effect is a finder that keeps the
import paths of the previous release working (see :mod:`mlkit.compat`).
Notebook-wide settings (plot style, display options, seeds) are applied by an
explicit call to :func:`mlkit.setup`.
"""

from mlkit import compat as _compat

__version__ = "0.1.0"

_compat.install()  # old import paths keep working for one release (see mlkit.compat)

__all__ = ["__version__", "setup"]


def setup(seed: int = 0, *, plots: bool = True):
    """Apply the kit's notebook settings; call once at the top of a notebook.

    See :func:`mlkit.course.notebook_setup.setup` for what it changes.

    Examples
    --------
    >>> import mlkit
    >>> settings = mlkit.setup(seed=0, plots=False)
    >>> settings.seed
    0
    """
    from mlkit.course.notebook_setup import setup as _setup

    return _setup(seed=seed, plots=plots)


def __getattr__(name: str):
    """Old modules as attributes of the package, as the previous release had them."""
    return _compat.old_attribute(name)
