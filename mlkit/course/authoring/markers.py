"""Solution regions in a code cell: ``### BEGIN SOLUTION`` ... ``### END SOLUTION``.

The markers are nbgrader's, so instructors who know nbgrader keep their habits.
A marker is a whole line (leading indentation allowed, so a region can sit
inside a function body); text on the same line would be ambiguous (is it part
of the solution or not?), so it is not a marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlkit.errors import InputError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_BEGIN_LINE = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*$")
_END_LINE = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
# Anything that looks like a marker but is not one exactly (``## BEGIN SOLUTION``,
# ``# end solution``, a marker followed by text). Such a typo would otherwise leave
# the solution in the learner's notebook, so it is an error, not plain code.
LOOKS_LIKE_MARKER = re.compile(r"#+\s*(BEGIN|END)[ \t_-]*SOLUTION", re.IGNORECASE)


class MarkerError(InputError):
    """The solution markers of a cell do not form well-made regions."""


@dataclass(frozen=True)
class Region:
    """One solution region: the lines between its markers, and the BEGIN line's indentation."""

    indent: str
    lines: tuple[str, ...]
    first_line: int  # 1-based line number of the BEGIN marker in the cell

    @property
    def code(self) -> str:
        """The region's code as written (indentation kept)."""
        return "".join(self.lines)


Segment = str | Region


def split_regions(source: str, where: str) -> list[Segment]:
    """Split a cell's source into plain text and solution regions, in order.

    ``where`` names the notebook and cell for error messages ("solutions/x.ipynb,
    cell 4 (id abc)"), because an author with twenty cells needs to know which one
    to fix. Raises :class:`MarkerError` for a BEGIN without END, an END without
    BEGIN, a BEGIN inside a region, or a line that looks like a marker but is not.
    """
    segments: list[Segment] = []
    plain: list[str] = []
    region: list[str] | None = None
    indent, begin_at = "", 0
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        bare = line.rstrip("\r\n")
        begin, end = _BEGIN_LINE.match(bare), _END_LINE.match(bare)
        if begin:
            if region is not None:
                raise MarkerError(
                    f"{where}: line {number} opens a solution region inside the one opened on line "
                    f"{begin_at}; regions cannot nest: add `{END}` before line {number}"
                )
            if plain:
                segments.append("".join(plain))
                plain = []
            region, indent, begin_at = [], begin.group(1), number
        elif end:
            if region is None:
                raise MarkerError(f"{where}: line {number} has `{END}` without a `{BEGIN}` before it")
            segments.append(Region(indent=indent, lines=tuple(region), first_line=begin_at))
            region = None
        elif LOOKS_LIKE_MARKER.search(bare):
            raise MarkerError(
                f"{where}: line {number} looks like a solution marker but is not one: {bare.strip()!r}; "
                f"a marker is a line of its own, exactly `{BEGIN}` or `{END}`"
            )
        elif region is not None:
            region.append(line if line.endswith("\n") else line + "\n")
        else:
            plain.append(line)
    if region is not None:
        raise MarkerError(f"{where}: the solution region opened on line {begin_at} has no `{END}`")
    if plain:
        segments.append("".join(plain))
    return segments


def has_markers(source: str) -> bool:
    """True when any line of ``source`` mentions a solution marker (exact or not)."""
    return bool(LOOKS_LIKE_MARKER.search(source))
