"""Errors the kit raises for people: each says what was wrong and what is expected."""


class MlkitError(Exception):
    """Base class of the kit's own errors; the ``mlkit`` command prints their message."""


class InputError(MlkitError, ValueError):
    """An input (argument, file, field) was not what the kit expects."""


#: What an operating-system error number means to a person, and what to do about it.
_STORAGE_PROBLEMS = {
    "EACCES": ("you have no permission to write there", "choose a folder you own"),
    "EPERM": ("you have no permission to write there", "choose a folder you own"),
    "EROFS": ("the file system is read-only", "choose a folder on a writable disk"),
    "ENOSPC": ("the disk is full", "free some space or choose a folder on another disk"),
    "EDQUOT": ("your disk quota is used up", "free some space or choose a folder on another disk"),
    "ENOTDIR": ("part of that path is a file, not a folder", "choose a path made of folders"),
    "EEXIST": ("a file of that name is in the way", "move the file or choose another folder"),
    "EISDIR": ("that path is a folder, not a file", "give a file name"),
    "ENOENT": ("a folder on that path does not exist", "create it first or choose another"),
}


def storage_message(error: OSError) -> str:
    """One sentence for a person about a file that could not be read or written.

    Says where (the path), what went wrong (in words, not an errno), and what to do; names
    ``MLKIT_HOME`` when the path is in the kit's data folder.

    >>> import errno
    >>> print(storage_message(OSError(errno.ENOSPC, "No space left on device", "/data/progress.sqlite3")))
    could not write /data/progress.sqlite3: the disk is full; free some space or choose a folder on another disk
    """
    import errno as codes
    from pathlib import Path
    import os

    name = codes.errorcode.get(error.errno or 0, "")
    problem, remedy = _STORAGE_PROBLEMS.get(name, (error.strerror or str(error), "check the path and try again"))
    where = error.filename if error.filename is not None else "a file"
    message = f"could not write {where}: {problem}; {remedy}"
    home = os.environ.get("MLKIT_HOME")
    if home and error.filename is not None and Path(os.fsdecode(error.filename)).is_relative_to(home):
        message += f" (MLKIT_HOME={home} names the kit's data folder; point it at a writable folder)"
    return message
