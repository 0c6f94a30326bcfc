"""Import paths from before the package was arranged in layers, kept working for one release.

Learners' copies of exercise notebooks, made with ``mlkit work`` before the change, import
``from mlkit.checks import exercises``, ``from mlkit import progress``,
``from mlkit import vision`` and so on. Those names now live under ``mlkit.course``,
``mlkit.topics`` and ``mlkit.plots`` (see :data:`MOVED`). :func:`install` adds a finder that
answers an old name with the module at its new place: the *same* module object, so classes,
module state and ``isinstance`` checks are shared, and nothing is imported twice.

The finder knows only the names in :data:`MOVED` (and the modules below the two moved
packages); every other import goes on as usual. It is installed by ``import mlkit`` and costs
nothing until an old name is imported. New code uses the new paths.

Examples
--------
>>> import mlkit.vision, mlkit.topics.vision
>>> mlkit.vision is mlkit.topics.vision
True
"""

from __future__ import annotations

import sys

#: Old module name -> its new name (modules).
MOVED = {
    "mlkit.curriculum": "mlkit.course.curriculum",
    "mlkit.progress": "mlkit.course.progress",
    "mlkit.workspace": "mlkit.course.workspace",
    "mlkit.notebook_store": "mlkit.course.notebook_store",
    "mlkit.notebook_setup": "mlkit.course.notebook_setup",
    "mlkit.doctor": "mlkit.course.doctor",
    "mlkit.lab": "mlkit.course.lab",
    "mlkit.workshop": "mlkit.course.workshop",
    "mlkit.vision": "mlkit.topics.vision",
    "mlkit.neural": "mlkit.topics.neural",
    "mlkit.text": "mlkit.topics.text",
    "mlkit.routing": "mlkit.topics.routing",
    "mlkit.reinforcement": "mlkit.topics.reinforcement",
    "mlkit.optimisation": "mlkit.topics.optimisation",
    "mlkit.collection": "mlkit.topics.collection",
    "mlkit.data_quality": "mlkit.topics.data_quality",
    "mlkit.capstone": "mlkit.topics.capstone",
    "mlkit.timing": "mlkit.topics.timing",
    "mlkit.vision_plots": "mlkit.plots.vision",
    "mlkit.reinforcement_plots": "mlkit.plots.reinforcement",
    "mlkit.readiness_plots": "mlkit.plots.readiness",
}
#: Old package name -> its new name; every module below it moved with it.
MOVED_PACKAGES = {
    "mlkit.checks": "mlkit.course.checks",
    "mlkit.authoring": "mlkit.course.authoring",
}


def new_name(old: str) -> str | None:
    """The current name of a module imported by its old name, or ``None`` if it did not move.

    >>> new_name("mlkit.checks.units.pandas"), new_name("mlkit.decision")
    ('mlkit.course.checks.units.pandas', None)
    """
    if old in MOVED:
        return MOVED[old]
    for package, target in MOVED_PACKAGES.items():
        if old == package or old.startswith(package + "."):
            return target + old[len(package) :]
    return None


class _Alias:
    """Loads an old name by importing the new one and putting it in the old one's place.

    A plain class (the import system only calls these methods): importing ``importlib.abc``
    would make ``import mlkit`` load some thirty modules.
    """

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        return None  # an empty placeholder; exec_module swaps in the real module

    def exec_module(self, module) -> None:
        import importlib

        # The import system returns whatever sys.modules holds for the name after
        # exec_module, so the caller receives the real module, not the placeholder.
        sys.modules[module.__name__] = importlib.import_module(self.target)

    def get_code(self, fullname: str):
        """The new module's code, for ``python -m <old name>``."""
        import importlib.util

        spec = importlib.util.find_spec(self.target)
        return spec.loader.get_code(self.target) if spec and hasattr(spec.loader, "get_code") else None


class OldPathFinder:
    """Finds the modules named in :data:`MOVED` and :data:`MOVED_PACKAGES` by their old names."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("mlkit."):
            return None
        current = new_name(fullname)
        if current is None:
            return None
        import importlib.machinery
        import importlib.util

        found = importlib.util.find_spec(current)
        if found is None:  # no module of that name at the new place either
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(current), is_package=found.submodule_search_locations is not None)

    def invalidate_caches(self) -> None:
        pass


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, OldPathFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, OldPathFinder())


def old_attribute(name: str):
    """``mlkit.<old name>`` as an attribute of the package (``mlkit.progress.table()``)."""
    import importlib

    if f"mlkit.{name}" in MOVED or f"mlkit.{name}" in MOVED_PACKAGES:
        return importlib.import_module(f"mlkit.{name}")
    raise AttributeError(f"module 'mlkit' has no attribute {name!r}")
