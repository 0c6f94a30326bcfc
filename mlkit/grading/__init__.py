"""Grade a folder of learners' exercise notebooks into a gradebook, safely.

Submissions are untrusted code. Each one runs in a fresh kernel inside a
sandbox (:mod:`mlkit.grading.sandbox`); right after each exercise's check cell,
only the objects the kit's own check call receives are taken out of the
learner's kernel, and the kit's own checks (:mod:`mlkit.course.checks`) judge
them, one exercise per confined process, in a runner that never ran the
learner's notebook (:mod:`mlkit.grading.runner`); the runner's result is signed
with a key the learner's code never sees. Results are written
one submission at a time (:mod:`mlkit.grading.gradebook`, :mod:`mlkit.grading.feedback`),
so an interrupted run loses nothing and a rerun resumes.

Modules:

- :mod:`mlkit.grading.assignment` -- which objects each exercise's check receives;
- :mod:`mlkit.grading.submissions` -- finding the learners' notebooks in a folder;
- :mod:`mlkit.grading.sandbox` -- limits, scrubbed environment, bubblewrap, killing;
- :mod:`mlkit.grading.runner` -- what runs inside the sandbox: notebook, capture, checks;
- :mod:`mlkit.grading.gradebook` -- results on disk, the gradebook CSV files;
- :mod:`mlkit.grading.feedback` -- the feedback page of one learner;
- :mod:`mlkit.grading.batch` -- grading a whole folder, in parallel, resumably.

Importing this package is cheap.
"""

from __future__ import annotations

GRADED = "graded"
TIMED_OUT = "timed_out"
CRASHED = "crashed"
INVALID = "invalid_notebook"
MISSING = "missing"
SUBMISSION_STATUSES = (GRADED, TIMED_OUT, CRASHED, INVALID, MISSING)

STATUS_WORDS = {
    GRADED: "graded",
    TIMED_OUT: "timed out",
    CRASHED: "crashed",
    INVALID: "invalid notebook",
    MISSING: "missing",
}


def skip_slow_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax``, which takes seconds (it builds a grammar).

    nbclient and nbformat import jsonschema, which checks the "iri" string
    format with that package when it is installed; notebooks never use that
    format. Without this, every sandboxed runner paid about 3 s of CPU. Call it
    only in a process the grader owns (the runner, the ``mlkit grade`` command).
    """
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # makes `import rfc3987_syntax` raise ImportError
