"""What sandboxed grading costs: 30 submissions, against plain nbclient runs of the same notebooks.

The submissions are made here: the set-up cells of the classification exercise
notebook, then answers to four of its exercises (some right, some wrong), so
the kit's own checks run on every one. Figures printed:

- the mean time per submission of a plain nbclient execution (a fresh kernel,
  no sandbox, no checks), one at a time;
- the mean time per submission of ``mlkit grade`` with one worker (bubblewrap
  when it works, the runner, the checks, the result files), the ratio of
  the two (target: at most 1.5), and their difference: the grader's fixed cost
  per submission;
- the wall time with two workers and the speed-up over one (target: at least 1.7).

``MLKIT_BENCH_SUBMISSIONS`` changes the number of submissions (default 30).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = [
    "import mlkit\n\nmlkit.setup()",
    'from mlkit.course.checks import exercises\nfrom mlkit.datasets import breast_cancer\n\nX, y = breast_cancer.load()\nex = exercises("classification")',
]
RIGHT = [
    "from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)",
    "from sklearn.tree import DecisionTreeClassifier\nfirst_model = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)",
    "from sklearn.linear_model import LogisticRegression\nfrom sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
    "pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))",
    'answer = "B"',
]
WRONG = [
    "from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)",
    "from sklearn.tree import DecisionTreeClassifier\nfirst_model = DecisionTreeClassifier(max_depth=1, random_state=0)",
    "from sklearn.linear_model import LogisticRegression\npipeline = LogisticRegression(max_iter=1000)",
    'answer = "A"',
]


def make_submissions(folder: Path, count: int) -> list[Path]:
    """``count`` small notebooks answering four classification exercises, a different mix in each."""
    import nbformat

    paths = []
    for i in range(count):
        answers = [WRONG[k] if (i >> k) & 1 else RIGHT[k] for k in range(4)]
        nb = nbformat.v4.new_notebook()
        nb.metadata["mlkit"] = {"unit": "classification"}
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(s) for s in [*SETUP, *answers]]
        path = folder / f"learner{i:02d}.ipynb"
        nbformat.write(nb, str(path))
        paths.append(path)
    return paths


def plain(paths: list[Path]) -> float:
    """Seconds to execute every notebook with nbclient, one after the other, each in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    from mlkit.course.notebook_store import deterministic_env

    started = time.monotonic()
    for path in paths:
        with tempfile.TemporaryDirectory(prefix="mlkit-bench-") as home:
            nb = nbformat.read(str(path), as_version=4)
            env = {**os.environ, **deterministic_env(), "MLKIT_HOME": home, "MPLBACKEND": "Agg"}
            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": home}}).execute(env=env)
    return time.monotonic() - started


def graded(folder: Path, jobs: int, mode: str) -> tuple[float, dict]:
    """Seconds for ``mlkit grade`` (the library call) over the folder with ``jobs`` workers."""
    from mlkit.grading import assignment, batch, sandbox, submissions

    task = assignment.load("classification")
    with tempfile.TemporaryDirectory(prefix="mlkit-bench-out-") as out:
        started = time.monotonic()
        summary = batch.grade(
            submissions.find(folder, "x"), task, Path(out), sandbox.Limits(), jobs=jobs, mode=mode, hidden=[folder], regrade=True
        )
        return time.monotonic() - started, summary.counts


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from mlkit.grading import sandbox, skip_slow_imports

    skip_slow_imports()
    count = int(os.environ.get("MLKIT_BENCH_SUBMISSIONS", "30"))
    mode = "bwrap" if sandbox.bwrap_works() else "limits"
    with tempfile.TemporaryDirectory(prefix="mlkit-bench-subs-") as tmp:
        folder = Path(tmp)
        paths = make_submissions(folder, count)
        base = plain(paths)
        one, counts = graded(folder, 1, mode)
        two, _ = graded(folder, 2, mode)
    print(f"submissions: {count} (sandbox: {mode}; {os.cpu_count()} CPU(s); load average {os.getloadavg()[0]:.1f})")
    print(f"plain nbclient, one at a time: {base / count:6.2f} s per submission")
    print(f"mlkit grade, 1 worker:         {one / count:6.2f} s per submission  ({one / base:.2f}x plain; target <= 1.5x)")
    print(f"grader's fixed cost:           {(one - base) / count:6.2f} s per submission")
    print(f"mlkit grade, 2 workers:        {two:6.1f} s in all  (speed-up {one / two:.2f}x over 1 worker; target >= 1.7x)")
    print(f"statuses: {counts}")


if __name__ == "__main__":
    main()
