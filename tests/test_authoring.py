"""The exercise generator: markers, stubs, build/check on a temporary kit layout, solution_text."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from mlkit.course.authoring import solution_text
from mlkit.course.authoring.generate import MARKDOWN_PROMPT, exercise_notebook
from mlkit.course.authoring.markers import MarkerError, split_regions
from mlkit.course.authoring.stubs import StubError, stub_region
from mlkit.course.authoring.sync import build, check
from mlkit.cli import main
from mlkit.errors import InputError
from mlkit.paths import repo_root

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def code(source: str, *tags: str):
    return v4.new_code_cell(textwrap.dedent(source).strip("\n"), metadata={"tags": list(tags)} if tags else {})


def markdown(source: str, *tags: str):
    return v4.new_markdown_cell(source, metadata={"tags": list(tags)} if tags else {})


def solution_nb(*cells, unit: str = "demo"):
    nb = v4.new_notebook()
    nb.metadata["mlkit"] = {"unit": unit}
    nb.cells = list(cells)
    for index, cell in enumerate(nb.cells):
        cell.id = f"c{index}"
    return nb


def demo_solution():
    """A small solution notebook: one exercise per kind of region, an answer and an explanation."""
    executed = code("x = 2\nprint(x)")
    executed.outputs = [v4.new_output("stream", text="2\n")]
    executed.execution_count = 1
    return solution_nb(
        markdown("# Demo"),
        executed,
        code(
            f"""
            {BEGIN}
            y = x * 3
            {END}
            assert y == 6 or y is ...
            """,
            "ex:triple",
        ),
        code(
            f"""
            def double(a):
                \"\"\"Return twice a.\"\"\"
                {BEGIN}
                b = a * 2
                return b
                {END}
            """,
            "ex:double",
        ),
        markdown("Twice *a* is **a + a**.", "ex:double", "solution"),
        markdown("Why: multiplication by two doubles.", "ex:double", "solution-only"),
    )


def write_kit(root: Path, notebooks: dict[str, object]) -> Path:
    (root / "solutions").mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, str(root / "solutions" / name))
    return root


def cell_sources(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(str(path), as_version=4).cells]


# --- markers ---------------------------------------------------------------------------------


def test_regions_split_plain_code_from_solutions_keeping_indentation():
    source = f"a = 1\n{BEGIN}\nb = 2\n{END}\nc = 3\n  {BEGIN}\n  d = 4\n  {END}\n"
    segments = split_regions(source, "nb")
    assert segments[0] == "a = 1\n"
    assert segments[1].code == "b = 2\n" and segments[1].indent == ""
    assert segments[2] == "c = 3\n"
    assert segments[3].code == "  d = 4\n" and segments[3].indent == "  "


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (f"{BEGIN}\nx = 1\n", "the solution region opened on line 1 has no `### END SOLUTION`"),
        (f"x = 1\n{END}\n", "line 2 has `### END SOLUTION` without"),
        (f"{BEGIN}\n{BEGIN}\nx = 1\n{END}\n{END}\n", "line 2 opens a solution region inside the one opened on line 1"),
        (f"## BEGIN SOLUTION\nx = 1\n{END}\n", "looks like a solution marker"),
        (f"{BEGIN} here\nx = 1\n{END}\n", "looks like a solution marker"),
    ],
)
def test_bad_markers_are_errors_naming_the_place(source, words):
    with pytest.raises(MarkerError) as caught:
        split_regions(source, "solutions/01_demo.ipynb, cell 3 (id 'abc')")
    message = str(caught.value)
    assert message.startswith("solutions/01_demo.ipynb, cell 3 (id 'abc'): ")
    assert words in message


# --- stubs -----------------------------------------------------------------------------------


def test_assignment_becomes_ellipsis_and_is_named_in_the_todo():
    stub = stub_region("model = make_pipeline(StandardScaler(), LogisticRegression())\nmodel.fit(X, y)\n", "", "nb")
    assert stub == "# YOUR CODE HERE: define model\nmodel = ...  # your code here\n"


def test_tuple_assignment_unpacks_and_imports_stay():
    stub = stub_region(
        "from sklearn.model_selection import train_test_split\n"
        "X_train, X_test = train_test_split(X, random_state=0)\n",
        "",
        "nb",
    )
    namespace: dict = {}
    exec(stub.replace("from sklearn.model_selection import train_test_split\n", ""), namespace)
    assert namespace["X_train"] is ... and namespace["X_test"] is ...
    assert "from sklearn.model_selection import train_test_split" in stub
    assert "random_state" not in stub


def test_function_keeps_signature_and_docstring_and_raises_not_implemented():
    stub = stub_region(
        'def score(y_true, y_pred: list) -> float:\n    """Share of right answers."""\n'
        "    # count the matches\n    return sum(a == b for a, b in zip(y_true, y_pred)) / len(y_true)\n",
        "",
        "nb",
    )
    namespace: dict = {}
    exec(stub, namespace)
    assert namespace["score"].__doc__ == "Share of right answers."
    with pytest.raises(NotImplementedError):
        namespace["score"]([1], [1])
    assert "def score(y_true, y_pred: list) -> float:" in stub
    assert "count the matches" not in stub and "zip" not in stub


def test_class_keeps_bases_docstring_and_stub_methods():
    stub = stub_region(
        "class Majority(Base):\n    \"\"\"Predicts the commonest class.\"\"\"\n    k = 3\n\n"
        "    def fit(self, X, y):\n        self.value_ = max(set(y), key=list(y).count)\n        return self\n\n"
        "    def predict(self, X): return [self.value_] * len(X)\n",
        "",
        "nb",
    )
    namespace: dict = {"Base": object}
    exec(stub, namespace)
    cls = namespace["Majority"]
    assert cls.__doc__ == "Predicts the commonest class." and cls.__bases__ == (object,)
    assert cls.k is ...
    for method in ("fit", "predict"):
        with pytest.raises(NotImplementedError):
            getattr(cls(), method)([1], [1]) if method == "fit" else cls().predict([1])
    assert "max(" not in stub and "len(X)" not in stub


def test_names_assigned_in_a_dropped_block_still_exist():
    stub = stub_region(
        "best = None\nfor k in range(1, 5):\n    score = k * 2\n    if best is None or score > best:\n"
        "        best, best_k = score, k\n    def helper(): hidden = 1\n",
        "",
        "nb",
    )
    assert stub == (
        "# YOUR CODE HERE: define best, score, best_k\nbest = ...  # your code here\n"
        "score = ...  # your code here\nbest_k = ...  # your code here\n"
    )


def test_region_with_nothing_to_define_becomes_pass():
    assert stub_region("print('the answer is', 42)\n", "    ", "nb") == "    # YOUR CODE HERE\n    pass\n"


def test_region_that_does_not_parse_is_an_error_naming_the_place():
    with pytest.raises(StubError, match=r"^solutions/x.ipynb, cell 2 \(id 'q'\): the solution region does not parse"):
        stub_region("x = (1,\n", "", "solutions/x.ipynb, cell 2 (id 'q')")


# --- one notebook ----------------------------------------------------------------------------


def test_exercise_notebook_replaces_regions_drops_solution_cells_and_clears_outputs():
    nb = exercise_notebook(demo_solution(), "solutions/01_demo.ipynb")
    ids = [c.id for c in nb.cells]
    assert ids == ["mlkit-generated", "c0", "c1", "c2", "c3", "c4"]  # c5 (solution-only) dropped
    sources = [c.source for c in nb.cells]
    assert "mlkit work demo" in sources[0] and "solutions/01_demo.ipynb" in sources[0]
    assert sources[3] == "# YOUR CODE HERE: define y\ny = ...  # your code here\nassert y == 6 or y is ..."
    assert sources[4] == (
        'def double(a):\n    """Return twice a."""\n    # YOUR CODE HERE: define b\n'
        "    b = ...  # your code here\n    return ..."
    )
    assert sources[5] == MARKDOWN_PROMPT
    assert nb.cells[5].metadata["tags"] == ["ex:double", "answer"]
    assert nb.cells[3].metadata["tags"] == ["ex:triple"]
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["mlkit"] == {"unit": "demo", "generated_from": "solutions/01_demo.ipynb"}
    text = json.dumps(nb)
    for secret in ("x * 3", "a * 2", "a + a", "Why:", "BEGIN", "END SOLUTION"):
        assert secret not in text


def test_several_regions_in_one_cell_each_get_a_stub():
    nb = exercise_notebook(
        solution_nb(code(f"{BEGIN}\na = 1\n{END}\nkeep = 'me'\n{BEGIN}\nb = 2\n{END}\n")), "solutions/01_demo.ipynb"
    )
    assert nb.cells[1].source == (
        "# YOUR CODE HERE: define a\na = ...  # your code here\nkeep = 'me'\n"
        "# YOUR CODE HERE: define b\nb = ...  # your code here"
    )


def test_code_cell_tagged_solution_is_stubbed_whole():
    nb = exercise_notebook(solution_nb(code("import math\nr = math.sqrt(2)", "solution")), "solutions/01_demo.ipynb")
    assert nb.cells[1].source == "# YOUR CODE HERE: define r\nimport math\nr = ...  # your code here"
    assert "tags" not in nb.cells[1].metadata


def test_missing_end_marker_names_notebook_and_cell():
    nb = solution_nb(markdown("intro"), code(f"{BEGIN}\nx = 1\n"))
    with pytest.raises(MarkerError, match=r"solutions/07_bad\.ipynb, cell 2 \(id 'c1'\): .*no `### END SOLUTION`"):
        exercise_notebook(nb, "solutions/07_bad.ipynb")


def test_solution_without_unit_metadata_is_refused():
    nb = solution_nb(code("x = 1"))
    del nb.metadata["mlkit"]
    with pytest.raises(InputError, match=r"solutions/01_demo\.ipynb: the notebook metadata lacks"):
        exercise_notebook(nb, "solutions/01_demo.ipynb")


def test_bad_exercise_tag_is_refused():
    with pytest.raises(InputError, match=r"cell 1 \(id 'c0'\): tag 'ex:Split It'"):
        exercise_notebook(solution_nb(code("x = 1", "ex:Split It")), "solutions/01_demo.ipynb")


# --- solution_text ---------------------------------------------------------------------------


def test_solution_text_gives_regions_and_answer_text_of_one_exercise(tmp_path):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution()})
    path = tmp_path / "solutions" / "01_demo.ipynb"
    assert solution_text(path, "triple") == "y = x * 3\n"
    assert solution_text(path, "double") == (
        "b = a * 2\nreturn b\n\nTwice *a* is **a + a**.\n\nWhy: multiplication by two doubles.\n"
    )


def test_solution_text_unknown_exercise_lists_the_known_ones(tmp_path):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution()})
    with pytest.raises(InputError, match=r"no exercise 'split'; its exercises are: triple, double"):
        solution_text(tmp_path / "solutions" / "01_demo.ipynb", "split")


# --- the folders -----------------------------------------------------------------------------


def test_build_is_deterministic_and_idempotent(tmp_path):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution(), "02_more.ipynb": solution_nb(code("z = 1"), unit="more")})
    first = build(tmp_path)
    assert [(b.path.name, b.action) for b in first] == [("01_demo.ipynb", "updated"), ("02_more.ipynb", "updated")]
    bytes_before = {p.name: p.read_bytes() for p in (tmp_path / "exercises").iterdir()}
    second = build(tmp_path)
    assert [b.action for b in second] == ["unchanged", "unchanged"]
    assert {p.name: p.read_bytes() for p in (tmp_path / "exercises").iterdir()} == bytes_before
    # a fresh build elsewhere gives the same bytes: nothing depends on time or place
    other = write_kit(tmp_path / "elsewhere", {"01_demo.ipynb": demo_solution()})
    build(other)
    assert (other / "exercises" / "01_demo.ipynb").read_bytes() == bytes_before["01_demo.ipynb"]
    assert check(tmp_path) == []


def test_build_of_one_path_builds_only_that_notebook(tmp_path):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution(), "02_more.ipynb": solution_nb(code("z = 1"), unit="more")})
    done = build(tmp_path, [tmp_path / "solutions" / "02_more.ipynb"])
    assert [b.path.name for b in done] == ["02_more.ipynb"]
    assert not (tmp_path / "exercises" / "01_demo.ipynb").exists()
    # naming the generated exercise rebuilds it from its solution
    assert [(b.path.name, b.action) for b in build(tmp_path, [tmp_path / "exercises" / "02_more.ipynb"])] == [
        ("02_more.ipynb", "unchanged")
    ]
    with pytest.raises(InputError, match="not a notebook of"):
        build(tmp_path, [tmp_path / "02_more.ipynb"])


def test_a_broken_solution_leaves_the_folder_untouched(tmp_path):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution(), "02_bad.ipynb": solution_nb(code(f"{BEGIN}\nx = 1"))})
    with pytest.raises(MarkerError, match=r"solutions/02_bad\.ipynb, cell 1"):
        build(tmp_path)
    assert not (tmp_path / "exercises").exists()
    assert "solutions/02_bad.ipynb, cell 1 (id 'c0'): the solution region opened on line 1 has no" in check(tmp_path)[1]


def test_check_reports_drift_missing_and_orphans(tmp_path):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution()})
    assert check(tmp_path) == [
        "exercises/01_demo.ipynb: missing; run `mlkit exercises build` to generate it from solutions/01_demo.ipynb"
    ]
    build(tmp_path)
    changed = demo_solution()
    changed.cells[0].source = "# Demo, revised"
    write_kit(tmp_path, {"01_demo.ipynb": changed})
    assert check(tmp_path) == ["exercises/01_demo.ipynb: out of date with solutions/01_demo.ipynb; run `mlkit exercises build`"]
    build(tmp_path)
    assert check(tmp_path) == []
    (tmp_path / "solutions" / "01_demo.ipynb").rename(tmp_path / "01_demo.ipynb")
    assert check(tmp_path) == [
        "exercises/01_demo.ipynb: has no solution source solutions/01_demo.ipynb; exercises are generated from solutions"
    ]
    assert [(b.path.name, b.action) for b in build(tmp_path)] == [("01_demo.ipynb", "removed")]
    assert check(tmp_path) == []


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda nb: nb.cells[3].__setitem__("source", f"{BEGIN}\ny = x * 3\n{END}"), "cell 4 (id 'c2') contains a solution marker"),
        (lambda nb: nb.cells[3].metadata.__setitem__("tags", ["solution"]), "cell 4 (id 'c2') is a 'solution' cell"),
        (lambda nb: nb.cells[1].metadata.__setitem__("tags", ["solution-only"]), "cell 2 (id 'c0') is a 'solution-only' cell"),
        (lambda nb: nb.cells[5].__setitem__("source", "Twice a."), "cell 6 (id 'c4') is an answer cell with text other than the prompt"),
        (
            lambda nb: (nb.cells[2].__setitem__("execution_count", 1), nb.cells[2].__setitem__("outputs", [v4.new_output("stream", text="2\n")])),
            "cell 3 (id 'c1') has outputs",
        ),
        (lambda nb: nb.metadata.__setitem__("mlkit", {"unit": "demo"}), "is not marked as generated"),
    ],
)
def test_check_names_leaks_in_an_edited_exercise(tmp_path, edit, problem):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution()})
    build(tmp_path)
    path = tmp_path / "exercises" / "01_demo.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    edit(nb)
    nbformat.write(nb, str(path))
    found = check(tmp_path)
    assert f"exercises/01_demo.ipynb: {problem}" in "\n".join(found), found


def test_command_line_build_and_check_exit_status(tmp_path, monkeypatch, capsys):
    write_kit(tmp_path, {"01_demo.ipynb": demo_solution()})
    monkeypatch.setattr("mlkit.paths.repo_root", lambda: tmp_path)
    assert main(["exercises", "check"]) == 1
    assert "exercises/01_demo.ipynb: missing" in capsys.readouterr().out
    assert main(["exercises", "build"]) == 0
    assert "updated    exercises/01_demo.ipynb" in capsys.readouterr().out
    assert main(["exercises", "check"]) == 0
    assert "1 solution notebook(s) checked, 0 problem(s)" in capsys.readouterr().out
    write_kit(tmp_path, {"02_bad.ipynb": solution_nb(code(f"x = 1\n{END}"))})
    assert main(["exercises", "build", str(tmp_path / "solutions" / "02_bad.ipynb")]) == 2
    assert "solutions/02_bad.ipynb, cell 1 (id 'c0'): line 2 has `### END SOLUTION` without" in capsys.readouterr().err


def test_the_kits_own_exercises_are_in_sync_with_their_solutions(capsys):
    root = repo_root()
    assert root is not None, "the test suite runs from a checkout"
    status = main(["exercises", "check"])
    assert status == 0, capsys.readouterr().out


def test_generated_stub_notebook_runs_top_to_bottom(tmp_path):
    from mlkit.course.notebook_store import execute

    nb = demo_solution()
    nb.cells.insert(0, code("import mlkit"))
    nb.cells[0].id = "imports"
    write_kit(tmp_path, {"01_demo.ipynb": nb})
    build(tmp_path)
    done = execute(tmp_path / "exercises" / "01_demo.ipynb", timeout=60)
    errors = [o for c in done.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert [c.execution_count for c in done.cells if c.cell_type == "code"] == [1, 2, 3, 4]
    # and the stub really is a stub: `double` is defined and not attempted
    ast.parse(done.cells[5].source)
    assert "return ..." in done.cells[5].source
