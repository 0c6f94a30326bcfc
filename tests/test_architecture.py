"""The package's layout holds: no import cycles, and no layer imports one above it.

The import graph is read from the source (every ``import`` statement, including those inside
functions and under ``TYPE_CHECKING``), so a cycle that only shows at run time in some order
of imports is caught as well. The layers are those of CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from mlkit.compat import new_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mlkit"

#: Lowest first. A module may import its own layer and those below it, never one above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("mlkit.errors", "mlkit.paths", "mlkit.files", "mlkit.compat")),
    ("data sets", ("mlkit.datasets",)),
    ("topics", ("mlkit.topics",)),
    ("core", ("mlkit.course", "mlkit.decision", "mlkit.readiness", "mlkit.grading", "mlkit.publish")),
    ("figures", ("mlkit.plots",)),
    ("widgets", ("mlkit.widgets",)),
    ("interfaces", ("mlkit.commands", "mlkit.cli", "mlkit.__main__", "mlkit.data.sources")),
]
#: Third-party packages a layer must not import, even inside a function.
FORBIDDEN_LIBRARIES = {
    "data sets": ("matplotlib", "ipywidgets", "IPython"),
    "topics": ("matplotlib", "ipywidgets", "IPython"),
    "core": ("ipywidgets",),
    "figures": ("ipywidgets",),
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imported_names(path: Path, name: str, known: set[str]) -> list[tuple[str, int]]:
    """(module imported, line) for every import statement of a file, resolved to modules."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        literal = dynamic_import(node)
        if literal:  # importlib.import_module("mlkit.x") is an import like any other
            found.append((literal, node.lineno))
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                is_module = candidate in known or new_name(candidate) in known
                found.append((candidate if is_module else base, node.lineno))
    return found


IMPORTERS = {"import_module", "__import__"}
#: Modules that may import by a computed name, and why: each such import is an edge the graph cannot see.
DYNAMIC_IMPORTS_ALLOWED = {
    "mlkit.cli": "finds the sub-commands in mlkit.commands",
    "mlkit.compat": "answers an old module name with the new module",
    "mlkit.course.checks.registry": "loads a unit's checks from mlkit.course.checks.units",
    "mlkit.grading.runner": "imports, before forking the check children, the modules a unit's checks import lazily",
}
#: Modules that may call exec, and why.
EXEC_ALLOWED = {"mlkit.course.verification.capture": "runs the cells of a solution notebook"}


def _called_name(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def dynamic_import(node: ast.AST) -> str | None:
    """The module a call such as ``importlib.import_module("mlkit.x")`` imports, if it is a literal."""
    if _called_name(node) in IMPORTERS and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def computed_imports(path: Path) -> list[tuple[str, int]]:
    """(kind, line) of imports by a computed name, and of exec/eval calls, in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        name = _called_name(node)
        if name in IMPORTERS and not dynamic_import(node):
            found.append(("import", node.lineno))
        elif name in {"exec", "eval"} and isinstance(getattr(node, "func", None), ast.Name):
            found.append((name, node.lineno))
    return found


def test_imports_by_a_computed_name_stay_where_they_are_needed():
    wrong = []
    for name, path in modules().items():
        for kind, line in computed_imports(path):
            allowed = DYNAMIC_IMPORTS_ALLOWED if kind == "import" else EXEC_ALLOWED
            if name not in allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {kind} by a computed name")
    assert wrong == []


def resolve(target: str, known: set[str]) -> str | None:
    """The module of the kit a dotted import name refers to (walking up to a known one)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    found = modules(root)
    known = set(found)
    edges: dict[str, set[str]] = {name: set() for name in found}
    for name, path in found.items():
        for target, _ in imported_names(path, name, known):
            if not target.startswith("mlkit"):
                continue
            module = resolve(new_name(target) or target, known)
            if module and module != name:
                edges[name].add(module)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(edges.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int | None:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def test_every_module_belongs_to_a_layer():
    """A new folder or top-level module must be placed in a layer (and in CONTRIBUTING.md)."""
    unplaced = [m for m in modules() if m != "mlkit" and layer_of(m) is None]
    assert unplaced == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_no_layer_imports_a_higher_one():
    edges = graph()
    wrong = []
    for module, targets in edges.items():
        if module == "mlkit":  # the package's facade: setup() reaches the notebook settings
            continue
        for target in targets:
            if target != "mlkit" and layer_of(target) > layer_of(module):
                wrong.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
            if target == "mlkit" and module != "mlkit.cli":
                wrong.append(f"{module} imports the package facade mlkit; import the module it needs")
    assert wrong == []


def test_no_layer_imports_a_forbidden_library():
    found = modules()
    known = set(found)
    wrong = []
    for name, path in found.items():
        rank = layer_of(name)
        if rank is None:
            continue
        banned = FORBIDDEN_LIBRARIES.get(LAYERS[rank][0], ())
        for target, line in imported_names(path, name, known):
            if target.split(".")[0] in banned:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert wrong == []


def code_sources() -> list[tuple[str, str]]:
    """(where, code) for every module, test, benchmark and notebook code cell of the kit."""
    sources = [(str(p.relative_to(ROOT)), p.read_text()) for d in ("mlkit", "tests", "benchmarks") for p in (ROOT / d).rglob("*.py")]
    sources.append(("conftest.py", (ROOT / "conftest.py").read_text()))
    for folder in ("notebooks", "solutions", "exercises"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text())["cells"]
            for number, cell in enumerate(cells):
                if cell["cell_type"] == "code":
                    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                    sources.append((f"{path.relative_to(ROOT)} cell {number}", source))
    return sources


def doctest_code(code: str) -> str:
    """The ``>>>`` and ``...`` lines of the docstrings in ``code``, as code."""
    lines = []
    for line in code.splitlines():
        stripped = line.strip()
        if stripped.startswith((">>> ", "... ")):
            lines.append(stripped[4:])
    return "\n".join(line for line in lines if not line.startswith((" ", "\t")))


def old_paths_in(code: str, package: str = "") -> list[str]:
    """Old module names that ``code`` imports (``package``: where relative imports start)."""
    names = []
    for text in (code, doctest_code(code)):
        try:
            tree = ast.parse(text)
        except SyntaxError:  # notebook cells with magics or stubs: not ours to judge here
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}".rstrip(".") if anchor else base
                names += [base] + [f"{base}.{a.name}" for a in node.names]
            literal = dynamic_import(node)
            if literal:
                names.append(literal)
    return sorted({n for n in names if n.startswith("mlkit") and new_name(n)})


def test_the_kit_itself_uses_only_the_new_import_paths():
    """The old paths exist for learners' earlier copies; nothing the kit ships uses them."""
    exempt = {"mlkit/compat.py", "tests/test_compat.py", "tests/test_architecture.py"}
    wrong = []
    for where, code in code_sources():
        package = module_name(ROOT / where).rpartition(".")[0] if where.startswith("mlkit/") else ""
        if where.endswith("__init__.py"):
            package = module_name(ROOT / where)
        found = old_paths_in(code, package)
        if where not in exempt and found:
            wrong.append(f"{where}: {found}")
    assert wrong == []


# The checks of this file must be able to fail: each is run once on a small tree made to break it.


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "mlkit"


def test_cycle_detection_finds_a_cycle_through_a_function_level_import(tmp_path):
    root = _tree(
        tmp_path,
        {
            "mlkit/__init__.py": "",
            "mlkit/a.py": "from mlkit import b\n",
            "mlkit/b.py": "def f():\n    from mlkit.c import x\n",
            "mlkit/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mlkit.a import y\n",
            "mlkit/d.py": "import mlkit.a\n",
        },
    )
    assert cycles(graph(root)) == [["mlkit.a", "mlkit.b", "mlkit.c"]]


def test_an_old_path_resolves_to_its_new_module_in_the_graph(tmp_path):
    root = _tree(
        tmp_path,
        {
            "mlkit/__init__.py": "",
            "mlkit/topics/__init__.py": "",
            "mlkit/topics/vision.py": "from mlkit.plots import vision\n",
            "mlkit/plots/__init__.py": "",
            "mlkit/plots/vision.py": "from mlkit import vision\n",
        },
    )
    assert cycles(graph(root)) == [["mlkit.plots.vision", "mlkit.topics.vision"]]


@pytest.mark.parametrize(
    ("module", "target", "upward"),
    [
        ("mlkit.topics.vision", "mlkit.course.curriculum", True),
        ("mlkit.course.checks.core", "mlkit.plots.decision", True),
        ("mlkit.decision.results", "mlkit.widgets.decision", True),
        ("mlkit.plots.decision", "mlkit.commands.decide", True),
        ("mlkit.widgets.decision", "mlkit.plots.decision", False),
        ("mlkit.course.checks.units.computer_vision", "mlkit.topics.vision", False),
    ],
)
def test_layer_order(module, target, upward):
    assert (layer_of(target) > layer_of(module)) is upward


def test_old_imports_are_found_in_code():
    assert old_paths_in("from mlkit.checks import exercises\nfrom mlkit import progress, errors\n") == [
        "mlkit.checks",
        "mlkit.checks.exercises",
        "mlkit.progress",
    ]
    assert old_paths_in("from mlkit.course.checks import exercises\nfrom mlkit.course import progress\n") == []


def test_dynamic_imports_and_relative_old_paths_are_seen(tmp_path):
    root = _tree(
        tmp_path,
        {
            "mlkit/__init__.py": "",
            "mlkit/topics/__init__.py": "",
            "mlkit/topics/vision.py": "import importlib\ndef f():\n    importlib.import_module('mlkit.plots.vision')\n",
            "mlkit/plots/__init__.py": "",
            "mlkit/plots/vision.py": "from mlkit.topics import vision\n",
            "mlkit/topics/text.py": "def g(name):\n    __import__(name)\n",
        },
    )
    assert cycles(graph(root)) == [["mlkit.plots.vision", "mlkit.topics.vision"]]
    assert computed_imports(root / "topics" / "text.py") == [("import", 2)]
    assert old_paths_in("def _old():\n    from .. import curriculum\n", "mlkit.commands") == ["mlkit.curriculum"]
    assert old_paths_in('"""\n>>> from mlkit import progress\n"""\n') == ["mlkit.progress"]
