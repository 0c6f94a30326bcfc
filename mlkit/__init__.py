"""mlkit: a Jupyter course kit for the curriculum of a machine-learning master's.

Importing ``mlkit`` is cheap and has no side effects: scikit-learn, pandas,
matplotlib and ipywidgets load only when a function that needs them is called.
Notebook-wide settings (plot style, display options, seeds) are applied by an
explicit call to :func:`mlkit.setup`.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "setup"]


def setup(seed: int = 0, *, plots: bool = True):
    """Apply the kit's notebook settings; call once at the top of a notebook.

    See :func:`mlkit.notebook_setup.setup` for what it changes.

    Examples
    --------
    >>> import mlkit
    >>> settings = mlkit.setup(seed=0, plots=False)
    >>> settings.seed
    0
    """
    from mlkit.notebook_setup import setup as _setup

    return _setup(seed=seed, plots=plots)
