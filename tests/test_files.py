"""Atomic writes: a file is written whole or not at all, and never replaced when told not to."""

import multiprocessing
from pathlib import Path

from mlkit.files import write_atomic


def test_overwrite_replaces_the_whole_file(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    assert write_atomic(target, "long first version\n") is True
    assert write_atomic(target, "short\n") is True
    assert target.read_text() == "short\n"


def test_no_overwrite_keeps_the_existing_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("the learner's work")
    assert write_atomic(target, "the kit's version", overwrite=False) is False
    assert target.read_text() == "the learner's work"


def test_no_temporary_file_is_left_behind(tmp_path):
    write_atomic(tmp_path / "a.txt", "x")
    write_atomic(tmp_path / "a.txt", "y", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_newline_is_passed_through(tmp_path):
    write_atomic(tmp_path / "rows.csv", "a,b\r\n1,2\r\n", newline="")
    assert (tmp_path / "rows.csv").read_bytes() == b"a,b\r\n1,2\r\n"


def _create(args):
    path, text = args
    return write_atomic(Path(path), text, overwrite=False)


def test_only_one_of_many_simultaneous_creators_wins(tmp_path):
    target = tmp_path / "copy.txt"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        won = pool.map(_create, [(str(target), f"writer {i}\n") for i in range(8)])
    assert won.count(True) == 1
    assert target.read_text() == f"writer {won.index(True)}\n"


def test_a_new_file_gets_the_umask_default_and_a_replaced_one_keeps_its_mode(tmp_path):
    import os
    import stat

    new = tmp_path / "new.txt"
    old = os.umask(0o027)
    try:
        write_atomic(new, "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640  # readable by the group, as open() would make it
    kept = tmp_path / "kept.txt"
    kept.write_text("a")
    kept.chmod(0o604)
    write_atomic(kept, "b")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604 and kept.read_text() == "b"
