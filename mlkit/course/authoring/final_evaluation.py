"""The test-set check: held-out test data is read once per model, for a final figure, never to choose.

Convention (CONTRIBUTING.md, "The three lesson checks"): a code cell that reads test data
carries the cell tag ``final-evaluation``. Such a cell reports; it does not choose. Choosing
— a threshold, a hyper-parameter, a number of steps, a model — happens on training data,
a validation split or cross-validation, in cells without the tag.

What counts as test data, in the notebook's own order:

- a name that says so: ``X_test``, ``y_test``, ``test``, ``test_images``, ``shifted_test``,
  ``X_test_scaled`` (``test_size`` and imported names such as ``train_test_split`` do not);
- every second name unpacked from ``train_test_split(...)`` (its test parts), unless its
  name says it is a validation part (``X_val``, ``y_valid``, ``X_dev``): splitting the
  training data again for validation is what the lessons should do;
- anything computed from test data: ``scores = model.predict_proba(X_test)`` makes ``scores``
  test data too, and so does ``for image in test_images``.

Reading only a size (``len(X_test)``, ``X_test.shape``) is not reading test data.

A ``final-evaluation`` cell *chooses* when it fits on test data (``fit``, ``partial_fit``,
``fit_transform``, ``fit_predict``, a ``*SearchCV``), picks an extreme of test results
(``argmax``, ``argmin``, ``idxmax``, ``idxmin``, ``max``, ``min``, ``sorted``, ``sort_values``,
``nlargest``, ``nsmallest``), or compares test results with ``<``, ``>``, ``<=``, ``>=``.

Example::

    >>> [f.reason for f in check_test_set(nb)]
    ['cell 7 reads test data (y_test) without the tag final-evaluation']
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

TAG = "final-evaluation"
TEST_NAME = re.compile(r"^(?:test|\w+_test|test_\w+|\w+_test_\w+)$", re.I)
NOT_TEST_DATA = frozenset({"test_size", "test_fraction", "test_share", "n_test", "train_test_split"})
FIT_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "fit_predict", "fit_resample"})
VALIDATION_NAME = re.compile(r"(?:^|_)(?:val|valid|validation|dev)(?:_|$)", re.I)
SIZE_ATTRIBUTES = frozenset({"shape", "size", "ndim", "dtype"})
CHOOSERS = frozenset({"argmax", "argmin", "nanargmax", "nanargmin", "idxmax", "idxmin", "max", "min",
                      "sorted", "sort_values", "nlargest", "nsmallest", "sort"})


@dataclass(frozen=True)
class Finding:
    """One use of test data the convention does not allow: ``cell`` (0-based) and ``reason``."""

    cell: int
    reason: str


def _source(cell) -> str:
    return "".join(cell.source) if isinstance(cell.source, list) else str(cell.source)


def _parse(source: str) -> ast.Module | None:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _read_names(node: ast.AST) -> set[str]:
    """Names ``node`` reads, except where only a size is read (``len(X_test)``, ``X_test.shape``)."""
    sizes = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr in SIZE_ATTRIBUTES and isinstance(n.value, ast.Name):
            sizes.add(id(n.value))
        elif isinstance(n, ast.Call) and _call_name(n) == "len" and len(n.args) == 1 and isinstance(n.args[0], ast.Name):
            sizes.add(id(n.args[0]))
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in sizes}


def _target_names(target: ast.AST) -> list[str]:
    """Names an assignment target binds or changes (``a``, ``a, b``, ``a[i]``, ``a.x`` → ``a``)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        return _target_names(target.value)
    return []


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


class _Tracker:
    """Which names hold test data, updated cell by cell in notebook order."""

    def __init__(self) -> None:
        self.tainted: set[str] = set()
        self.imported: set[str] = set()

    def is_test(self, name: str) -> bool:
        if name in self.imported or name in NOT_TEST_DATA:
            return False
        return name in self.tainted or bool(TEST_NAME.match(name))

    def reads(self, node: ast.AST) -> set[str]:
        return {name for name in _read_names(node) if self.is_test(name)}

    def update(self, tree: ast.Module) -> None:
        self.imported |= _imported(tree)
        for _ in range(2):  # a second pass catches names used before a later line taints them
            for node in ast.walk(tree):
                self._taint(node)

    def _taint(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and self._is_split(node.value):
                self._taint_split(targets)
            elif node.value is not None and self.reads(node.value):
                self.tainted.update(name for t in targets for name in _target_names(t))
        elif isinstance(node, (ast.For, ast.comprehension)) and self.reads(node.iter):
            self.tainted.update(_target_names(node.target))
        elif isinstance(node, ast.Call) and _call_name(node) in FIT_METHODS and isinstance(node.func, ast.Attribute):
            if any(self.reads(arg) for arg in [*node.args, *(k.value for k in node.keywords)]):
                self.tainted.update(_target_names(node.func.value))

    @staticmethod
    def _is_split(value: ast.AST) -> bool:
        return isinstance(value, ast.Call) and _call_name(value) == "train_test_split"

    def _taint_split(self, targets: list[ast.AST]) -> None:
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                for position, element in enumerate(target.elts):
                    if position % 2 == 1:
                        self.tainted.update(n for n in _target_names(element) if not VALIDATION_NAME.search(n))


def _choices(tree: ast.Module, tracker: _Tracker) -> list[str]:
    """What a final-evaluation cell does with test data that amounts to choosing."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            arguments = [*node.args, *(k.value for k in node.keywords)]
            used = set().union(*(tracker.reads(a) for a in arguments)) if arguments else set()
            if isinstance(node.func, ast.Attribute) and name not in FIT_METHODS:
                used |= tracker.reads(node.func.value)
            if name in FIT_METHODS and used:
                found.append(f"fits on test data ({', '.join(sorted(used))})")
            elif name.endswith("SearchCV") and used:
                found.append(f"searches hyper-parameters on test data ({', '.join(sorted(used))})")
            elif name in CHOOSERS and used:
                found.append(f"picks {name} of test results ({', '.join(sorted(used))})")
        elif isinstance(node, ast.Compare):
            ordered = any(isinstance(op, (ast.Lt, ast.Gt, ast.LtE, ast.GtE)) for op in node.ops)
            used = tracker.reads(node)
            if ordered and used:
                found.append(f"compares test results ({', '.join(sorted(used))})")
    return sorted(set(found))


def check_test_set(nb) -> list[Finding]:
    """Every place the notebook reads test data outside the convention, in cell order.

    ``nb`` is a notebook node (nbformat 4). A cell that cannot be parsed as Python
    is skipped. Returns a list of :class:`Finding` (empty when the notebook keeps
    the convention).
    """
    tracker = _Tracker()
    findings = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tree = _parse(_source(cell))
        if tree is None:
            continue
        tracker.update(tree)
        tagged = TAG in cell.get("metadata", {}).get("tags", [])
        used = tracker.reads(tree)
        if used and not tagged:
            findings.append(Finding(index, f"cell {index} reads test data ({', '.join(sorted(used))}) without the tag {TAG}"))
        if tagged:
            findings.extend(Finding(index, f"cell {index} is tagged {TAG} but {what}") for what in _choices(tree, tracker))
    return findings
