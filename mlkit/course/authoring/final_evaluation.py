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
TEST_NAME = re.compile(
    r"^(?:test|\w+_test|test_\w+|\w+_test_\w+|\w+_test\d+|[xy]_?test\d*|test(?:set|loader|data|ing)\w*"
    r"|\w*_?holdout\w*|\w*held_out\w*)$",
    re.I,
)
NOT_TEST_DATA = frozenset({"test_size", "test_fraction", "test_share", "n_test", "train_test_split"})
NOT_TEST_PATTERN = re.compile(r"test_scores?\b|test_score_|(?:^|_)(?:t|z|f|ks|chi2|ab|u|welch|paired)_test$", re.I)
FIT_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "fit_predict", "fit_resample"})
FITTING_FUNCTIONS = frozenset({"cross_val_score", "cross_validate", "cross_val_predict", "validation_curve",
                               "learning_curve", "permutation_test_score"})
PASSING_ON = frozenset({"append", "extend", "insert", "update", "add", "setdefault"})
VALIDATION_NAME = re.compile(r"(?:^|_)(?:val|valid|validation|dev|va)(?:_|$)", re.I)
SIZE_ATTRIBUTES = frozenset({"shape", "size", "ndim", "dtype"})
CHOOSERS = frozenset({"argmax", "argmin", "nanargmax", "nanargmin", "idxmax", "idxmin", "max", "min",
                      "amax", "amin", "nanmax", "nanmin", "argsort", "argpartition",
                      "sorted", "sort_values", "nlargest", "nsmallest", "sort"})
PLOTTING = frozenset({"plot", "scatter", "axline", "set_xlim", "set_ylim", "xlim", "ylim", "hist", "vlines",
                      "hlines", "fill_between", "axvline", "axhline"})


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


def _is_fold_loop(iterable: ast.AST) -> bool:
    """``cv.split(X)`` or ``KFold(5).split(X)``: a cross-validation's folds, whose held-out part is not test data."""
    return isinstance(iterable, ast.Call) and _call_name(iterable) == "split" and isinstance(iterable.func, ast.Attribute)


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
        self.splitters: set[str] = {"train_test_split"}
        self.folds: set[str] = set()  # indices of a cross-validation's held-out fold (``for train, test in cv.split(X)``)

    def is_test(self, name: str) -> bool:
        if name in self.imported or name in NOT_TEST_DATA or name in self.folds:
            return False
        return name in self.tainted or (bool(TEST_NAME.match(name)) and not NOT_TEST_PATTERN.search(name))

    def reads(self, node: ast.AST) -> set[str]:
        found = {name for name in _read_names(node) if self.is_test(name)}
        if self._marks_test(node):
            found.add("the test part")
        return found

    def update(self, tree: ast.Module) -> None:
        self.imported |= _imported(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                self.splitters.update(a.asname or a.name for a in node.names if a.name == "train_test_split")
        for _ in range(2):  # a second pass catches names used before a later line taints them
            for node in ast.walk(tree):
                self._taint(node)

    def _taint(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and self._is_split(node.value):
                self._taint_split(targets)
            elif node.value is not None and (self.reads(node.value) or self._marks_test(node.value)):
                self.tainted.update(name for t in targets for name in _target_names(t))
        elif isinstance(node, (ast.For, ast.comprehension)) and _is_fold_loop(node.iter):
            self.folds.update(_target_names(node.target))
        elif isinstance(node, (ast.For, ast.comprehension)) and self.reads(node.iter):
            self.tainted.update(_target_names(node.target))
        elif isinstance(node, ast.Call) and _call_name(node) in FIT_METHODS | PASSING_ON and isinstance(node.func, ast.Attribute):
            if any(self.reads(arg) for arg in [*node.args, *(k.value for k in node.keywords)]):
                self.tainted.update(_target_names(node.func.value))
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)) and not isinstance(node, ast.Lambda):
            if self.reads(node):
                self.tainted.add(node.name)

    def _is_split(self, value: ast.AST) -> bool:
        return isinstance(value, ast.Call) and _call_name(value) in self.splitters

    def _marks_test(self, value: ast.AST) -> bool:
        """A value that selects a data set's test part: ``subset="test"``, ``split="test"``, ``train=False``,
        ``ds["test"]``, ``splits.test`` or rows where a column equals ``"test"``."""
        for node in ast.walk(value):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    constant = keyword.value.value if isinstance(keyword.value, ast.Constant) else None
                    if keyword.arg in ("subset", "split") and constant == "test":
                        return True
                    if keyword.arg == "train" and constant is False:
                        return True
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "test":
                return True
            elif isinstance(node, ast.Attribute) and node.attr == "test" and isinstance(node.ctx, ast.Load):
                return True
            elif isinstance(node, ast.Compare) and any(isinstance(c, ast.Constant) and c.value == "test" for c in node.comparators):
                return True
        return False

    def _taint_split(self, targets: list[ast.AST]) -> None:
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                for position, element in enumerate(target.elts):
                    if position % 2 == 1:
                        self.tainted.update(n for n in _target_names(element) if not VALIDATION_NAME.search(n))


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _inside(node: ast.AST, parents: dict[int, ast.AST], names: frozenset[str]) -> bool:
    """Whether ``node`` is within the arguments of a call to one of ``names`` (a plotting call)."""
    at = parents.get(id(node))
    while at is not None:
        if isinstance(at, ast.Call) and _call_name(at) in names:
            return True
        at = parents.get(id(at))
    return False


def _predicts(call: ast.Call) -> bool:
    """``argmax(axis=1)`` or ``argmax(dim=1)``: the class of each row, a prediction rather than a choice."""
    return _call_name(call) in ("argmax", "argmin") and any(
        k.arg in ("axis", "dim") and isinstance(k.value, (ast.Constant, ast.UnaryOp)) and ast.literal_eval(k.value) in (1, -1)
        for k in call.keywords
    )


def _applies_a_rule(node: ast.Compare, parents: dict[int, ast.AST], tracker: _Tracker) -> bool:
    """``recall_score(y_test, proba_test >= threshold)``, ``(errors < 5).mean()``: a rule chosen elsewhere, applied.

    Only when one side is not test data and the comparison feeds a call (a metric, a plot) or a
    mean or sum; comparing two test-derived values, or in an ``if``, stays a choice.
    """
    sides = [node.left, *node.comparators]
    if sum(bool(tracker.reads(side)) for side in sides) != 1:
        return False
    parent = parents.get(id(node))
    if isinstance(parent, ast.Call) and node in parent.args:
        return True
    if isinstance(parent, ast.keyword):
        return True
    return isinstance(parent, ast.Attribute) and parent.attr in ("mean", "sum")


def _sweeps(tree: ast.AST, tracker: _Tracker) -> list[str]:
    """Loops that fit a model per setting and score each on test data: the reader then chooses."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)):
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
            fits = any(_call_name(c) in FIT_METHODS for c in calls)
            used = tracker.reads(node)
            if fits and used:
                found.append(f"fits a model per setting in a loop and scores each on test data ({', '.join(sorted(used))})")
    return found


def _choices(tree: ast.Module, tracker: _Tracker) -> list[str]:
    """What a final-evaluation cell does with test data that amounts to choosing."""
    found = _sweeps(tree, tracker)
    parents = _parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            arguments = [*node.args, *(k.value for k in node.keywords)]
            used = set().union(*(tracker.reads(a) for a in arguments)) if arguments else set()
            if isinstance(node.func, ast.Attribute) and name not in FIT_METHODS:
                used |= tracker.reads(node.func.value)
            if (name in FIT_METHODS or name in FITTING_FUNCTIONS) and used:
                found.append(f"fits on test data ({', '.join(sorted(used))})")
            elif name.endswith("SearchCV") and used:
                found.append(f"searches hyper-parameters on test data ({', '.join(sorted(used))})")
            elif name in CHOOSERS and used and not _predicts(node) and not _inside(node, parents, PLOTTING):
                found.append(f"picks {name} of test results ({', '.join(sorted(used))})")
        elif isinstance(node, ast.Compare):
            ordered = any(isinstance(op, (ast.Lt, ast.Gt, ast.LtE, ast.GtE)) for op in node.ops)
            used = tracker.reads(node)
            if ordered and used and not _applies_a_rule(node, parents, tracker):
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
