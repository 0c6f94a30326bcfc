"""Writing files so that nothing is ever half-written or silently replaced.

Every file the kit writes for a learner or an instructor (notebooks, answers,
scenarios, gradebooks) goes through here: the text is written to a temporary
file in the same folder, flushed to disk, then moved into place in one step.
A reader sees the old file or the new one, never a mixture; an interrupted run
leaves no partial file behind.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", "first")
True
>>> write_atomic(folder / "a.txt", "second", overwrite=False)
False
>>> (folder / "a.txt").read_text()
'first'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path | str, text: str, *, overwrite: bool = True, newline: str | None = None) -> bool:
    """Write ``text`` to ``path`` atomically (UTF-8); returns whether the file was written.

    With ``overwrite=False`` an existing file is left untouched and ``False`` is
    returned; the check and the write are one step (a hard link of the finished
    temporary file never replaces an existing name), so two processes at once
    cannot both create the file. ``newline`` is passed to :func:`open` (``""``
    for CSV files). The file gets the permissions a plain :func:`open` would give it: those of
    the file it replaces, or the default for new files under the process's umask.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
            return True
        return _create_from(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _mode_for(path: Path) -> int:
    """The permission bits of ``path`` if it exists, else ``0o666`` less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` would, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _create_from(tmp: str, path: Path) -> bool:
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: exclusive creation instead
        try:
            with open(path, "x", encoding="utf-8") as handle, open(tmp, encoding="utf-8") as source:
                handle.write(source.read())
        except FileExistsError:
            return False
    return True
