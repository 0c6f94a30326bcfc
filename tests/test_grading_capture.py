"""Reading several answers due at one point with one cell, without a kernel.

The runner reads the answers of the exercises whose check cells are missing (or that share a
point) with a single capture cell. A stand-in for nbclient's client runs that cell's code
here, against a namespace of the test's making, and can end it as a time-out, an interrupt the
kernel ignores, or a kernel death; each answer read before the failure must be kept, the one
being read blamed, and the rest read one at a time when the kernel is still there.
"""

from __future__ import annotations

import pickle

import IPython
import pytest
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from mlkit.grading import runner


HUNG: list[bool] = []


class Hang:
    """An answer whose reading is where the stand-in kernel "times out" (it raises KeyboardInterrupt)."""

    def __reduce__(self):
        HUNG.append(True)
        raise KeyboardInterrupt("the grader's interrupt")


class Dies:
    """An answer whose reading kills the stand-in kernel: its record, and those after it, are never written."""


class OwnInterrupt:
    """An answer whose ``__reduce__`` raises KeyboardInterrupt by itself (the learner's code, no time-out)."""

    def __reduce__(self):
        raise KeyboardInterrupt("mine")


class FakeManager:
    def __init__(self, client):
        self.client = client

    async def interrupt_kernel(self):
        self.client.interrupted += 1

    async def shutdown_kernel(self, now=False):
        self.client.stopped = True


class FakeClient:
    """Runs capture cells in this process; a cell that reads a ``Hang`` answer ends as a time-out."""

    def __init__(self, namespace: dict, ignore_interrupt: bool = False):
        self.namespace, self.ignore_interrupt = namespace, ignore_interrupt
        self.nb = type("NB", (), {"cells": []})()
        self.timeout, self.interrupted, self.stopped, self.cells_run = None, 0, False, []
        self.km = FakeManager(self)

    def execute_cell(self, cell, index):
        source = cell.source
        if source == "pass":  # the probe after an interrupt
            if self.ignore_interrupt:
                raise CellTimeoutError("still busy")
            return
        self.cells_run.append(source.count("'args'"))
        shell = type("Shell", (), {"user_ns": self.namespace})()
        original = IPython.get_ipython
        IPython.get_ipython = lambda: shell
        HUNG.clear()
        try:
            exec(compile(source, "<capture>", "exec"), {})  # noqa: S102 - the runner's own capture code
        finally:
            IPython.get_ipython = original
        dead = [name for name, value in self.namespace.items() if isinstance(value, Dies)]
        if dead:
            later = NAMES[NAMES.index(dead[0]) :]
            for path in self.answers_dir.iterdir():
                if path.name.split("-")[0] in later:
                    path.unlink()
            raise DeadKernelError("the kernel died")
        if HUNG:
            if self.ignore_interrupt:
                self.namespace.clear()  # killed: nothing more is read
            raise CellTimeoutError("took too long")


NAMES = ["a", "b", "c"]


def make_run(tmp_path):
    calls = [{"exercise": n, "args": [n], "kwargs": {}} for n in NAMES]
    answers = tmp_path / "answers"
    answers.mkdir()
    return runner._Run(calls, answers, 10**6)


@pytest.fixture(autouse=True)
def answers_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(FakeClient, "answers_dir", tmp_path / "answers", raising=False)


def values(run):
    return {name: pickle.loads(data)[0][0] for name, (tag, data) in run.answers.items() if tag == "P"}


def test_answers_due_at_one_point_are_read_by_one_cell(tmp_path):
    run, client = make_run(tmp_path), FakeClient({"a": 1, "b": [2], "c": "three"})
    assert runner._capture_at(client, run, dict.fromkeys(NAMES), None)
    assert client.cells_run == [3] and values(run) == {"a": 1, "b": [2], "c": "three"}
    assert run.status == "graded" and not run.unread and not list(run.answers_dir.iterdir())


def test_a_missing_answer_in_the_batch_is_not_attempted_and_the_others_are_read(tmp_path):
    run, client = make_run(tmp_path), FakeClient({"a": 1, "c": 3})
    assert runner._capture_at(client, run, dict.fromkeys(NAMES), None)
    assert client.cells_run == [3] and values(run) == {"a": 1, "c": 3} and run.answers["b"][0] == "M"


def test_after_a_time_out_the_rest_is_read_one_at_a_time_with_the_whole_limit(tmp_path):
    namespace = {"a": 1, "b": Hang(), "c": 3}
    run, client = make_run(tmp_path), FakeClient(namespace)

    def then_quick(cell, index, first=client.execute_cell):
        if client.cells_run and "'b'" in cell.source:  # read alone, it is quick this time
            namespace["b"] = 2
        return first(cell, index)

    client.execute_cell = then_quick
    assert runner._capture_at(client, run, dict.fromkeys(NAMES), None)
    assert client.cells_run == [3, 1, 1] and client.interrupted == 1
    assert values(run) == {"a": 1, "b": 2, "c": 3} and run.status == "graded"


def test_a_read_that_hangs_alone_too_is_blamed_and_the_others_are_kept(tmp_path):
    run, client = make_run(tmp_path), FakeClient({"a": 1, "b": Hang(), "c": 3})
    assert runner._capture_at(client, run, dict.fromkeys(NAMES), None)
    assert client.cells_run == [3, 1, 1] and values(run) == {"a": 1, "c": 3}
    assert "took longer than" in run.unread["b"] and run.status == "timed_out" and "answer of b" in run.detail


def test_an_interrupt_ignored_in_the_batch_stops_the_kernel_and_keeps_what_was_read(tmp_path):
    run, client = make_run(tmp_path), FakeClient({"a": 1, "b": Hang(), "c": 3}, ignore_interrupt=True)
    assert not runner._capture_at(client, run, dict.fromkeys(NAMES), None)
    assert client.stopped and run.kernel_gone and values(run) == {"a": 1}
    assert "took longer than" in run.unread["b"] and "c" not in run.unread and "c" not in run.answers
    assert run.status == "timed_out" and "ignored the interrupt" in run.detail


def test_a_kernel_death_in_the_batch_blames_the_answer_being_read(tmp_path):
    run, client = make_run(tmp_path), FakeClient({"a": 1, "b": Dies(), "c": 3})
    assert not runner._capture_at(client, run, dict.fromkeys(NAMES), None)
    assert values(run) == {"a": 1} and "died while the grader read" in run.unread["b"]
    assert "c" not in run.answers and run.status == "crashed" and "answer of b" in run.detail


@pytest.mark.parametrize("batch", [True, False])
def test_a_keyboard_interrupt_the_learners_code_raises_is_its_answers_error(tmp_path, batch):
    run, client = make_run(tmp_path), FakeClient({"a": 1, "b": OwnInterrupt(), "c": 3})
    points = dict.fromkeys(NAMES) if batch else {"a": 1, "b": 2, "c": 3}
    for point in ([None] if batch else [1, 2, 3]):
        assert runner._capture_at(client, run, points, point)
    assert values(run) == {"a": 1, "c": 3} and run.status == "graded"
    assert run.answers["b"] == ("U", b"KeyboardInterrupt: mine")
    assert client.cells_run == ([3, 1] if batch else [1, 1, 1])


def test_a_forged_interrupt_record_is_refused(tmp_path):
    path = tmp_path / "record"
    path.write_bytes(b"IPdata")
    assert runner._take(path, 100) == "the grader could not read this answer"
    path.write_bytes(b"IEKeyboardInterrupt: x")
    assert runner._take(path, 100) == ("I", b"EKeyboardInterrupt: x")
