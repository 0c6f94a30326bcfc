"""The claims check: every computed number a lesson's prose states is one its cells printed.

A number in a Markdown cell is *supported* when the notebook shows it: in a cell's
output (text, HTML, or generated Markdown), or literally in a code cell's source
(then it is an input the author chose: a seed, a split size, a learning rate).
Otherwise it is a *claim* that nothing in the notebook backs, and prose that
contradicts its own output looks exactly like that.

What is not checked, because it is not a computed result:

- integers from 0 to 10 (steps, counts of things named in the text, "two classes");
- years from 1900 to 2100, and unit or section numbers in headings;
- numbers inside inline code, LaTeX maths and link targets;
- numbers listed for that notebook in ``allowed`` with a reason (a constant such
  as 1.96, a figure from a cited source).

Matching is by value at the precision the prose gives: "0.93" is supported by an
output of ``0.9268`` (it rounds to 0.93), "93%" and "93 per cent" by ``0.9268`` as well,
"1,234" and "1 234" (thin space) by ``1234``; ``3e-7`` and ``3.5e-10`` compare as floats
to the significant figures written. A number written with a minus needs a negative value.
Seeds in code (``random_state=42``, ``np.random.seed(0)``) support nothing. A heading
after "Check your understanding" in the same cell ends the questions.

Example::

    >>> unsupported_numbers(nb, allowed={"1.96"})
    [Claim(cell=4, text='0.925', context='… 0.925 is within the spread …')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])[-−]?(?:\d{1,3}(?:[,\u2009\u202f]\d{3})+|\d+)(?:\.\d+)?(?:[eE][-−+]?\d+)?"
    r"(?:[\s\u00a0]?(?:%|per[ -]?cent\b))?(?![A-Za-z0-9])"
)
SEED = re.compile(r"\b(?:random_state|seed|random_seed)\s*=\s*\d+|\b(?:seed|default_rng|RandomState|manual_seed)\(\s*\d+\s*\)")
_CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_MATH = re.compile(r"\$\$.*?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"^\s*#+ .*$", re.M)
_UNIT_REFERENCE = re.compile(r"\[\d+ ·|\bunits? \d+(?:(?:,| and| or) \d+)*|\bAbout \d+ minutes\b|\b\d{4}[–-]\d{2}\b|\b(?:32|64)-bit\b")
QUESTIONS_HEADING = re.compile(r"^\s*#+ (Check your understanding)\s*$", re.M)
SMALL_INTEGERS = range(0, 11)
YEARS = range(1900, 2101)


@dataclass(frozen=True)
class Claim:
    """A number in a Markdown cell that nothing in the notebook shows.

    ``cell`` is the cell's index in the notebook (0-based), ``text`` the number as
    written, ``context`` about 60 characters around it.
    """

    cell: int
    text: str
    context: str


def _value(text: str) -> tuple[Decimal, bool] | None:
    """The number written as ``text`` and whether it was a percentage."""
    cleaned = re.sub(r"per[ -]?cent$", "%", text.strip())
    for separator in (",", " ", "\u2009", "\u202f", "\u00a0"):
        cleaned = cleaned.replace(separator, "")
    cleaned = cleaned.replace("−", "-")
    percent = cleaned.endswith("%")
    try:
        return Decimal(cleaned.rstrip("%")), percent
    except InvalidOperation:
        return None


def _prose(source: str) -> str:
    """The text of a Markdown cell without code, maths, link targets, tags and headings."""
    for pattern in (_CODE_SPAN, _MATH, _LINK_TARGET, _HTML_TAG, _UNIT_REFERENCE, _HEADING):
        source = pattern.sub(" ", source)
    return source


def _decimals(text: str) -> int:
    digits = re.sub(r"[\s\u00a0]?(?:%|per[ -]?cent)$", "", text).split("e")[0].split("E")[0]
    return len(digits.split(".")[1]) if "." in digits else 0


def _output_texts(cell) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append(_joined(out.get("text", "")))
        for mime in ("text/plain", "text/markdown", "text/html", "text/latex"):
            data = out.get("data", {}).get(mime)
            if data is not None:
                texts.append(_joined(data))
    return texts


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def shown_values(nb) -> list[Decimal]:
    """Every number in the notebook's outputs and code sources."""
    found = []
    for cell in nb.cells:
        texts = _output_texts(cell) if cell.cell_type == "code" else []
        if cell.cell_type == "code":
            texts.append(SEED.sub(" ", _joined(cell.source)))  # a seed is no result: 42 backs no count of 42
        for text in texts:
            for match in NUMBER.finditer(text):
                parsed = _value(match.group())
                if parsed is not None:
                    value, percent = parsed
                    found.append(value / 100 if percent else value)
    return found


def _supported(text: str, shown: list[Decimal]) -> bool:
    parsed = _value(text)
    if parsed is None:
        return True
    value, percent = parsed
    if value < 0:  # an explicit minus must be matched by a negative value
        shown = [s for s in shown if s < 0]
    if "e" in text.lower() and "per" not in text.lower():
        mantissa = text.lower().split("e")[0].lstrip("-−")
        digits = max(1, len(mantissa.replace(".", "").lstrip("0")))
        return any(_same_significant(abs(value), abs(s), digits) for s in shown)
    places = _decimals(text)
    targets = [(abs(value), places)]
    if percent:
        targets.append((abs(value) / 100, places + 2))
    for s in shown:
        for target, digits in targets:
            try:
                if abs(s).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP) == target:
                    return True
            except InvalidOperation:  # a value too large for the precision asked
                continue
    return False


def _same_significant(a: Decimal, b: Decimal, digits: int = 2) -> bool:
    if a == 0 or b == 0:
        return a == b
    return float(f"{float(a):.{digits - 1}e}") == float(f"{float(b):.{digits - 1}e}")


def _exempt(text: str) -> bool:
    parsed = _value(text)
    if parsed is None:
        return True
    value, percent = parsed
    if percent or "." in text or "e" in text.lower():
        return False
    whole = abs(value)
    return whole in SMALL_INTEGERS or (value in YEARS and "," not in text)


def _split_givens(nb, index: int, source: str) -> tuple[str, str]:
    """(prose that states results, prose that gives a problem's data) of one Markdown cell.

    An exercise's statement (a cell tagged ``ex:<id>`` and not ``solution``) and
    the questions after a "Check your understanding" heading set problems: their
    numbers are data the reader is given, not results.
    """
    tags = nb.cells[index].get("metadata", {}).get("tags", [])
    if any(t.startswith("ex:") for t in tags) and "solution" not in tags:
        return "", source
    heading = QUESTIONS_HEADING.search(source)
    if heading:
        after = _HEADING.search(source, heading.end())  # a later heading ("## Summary") ends the questions
        end = after.start() if after else len(source)
        return source[: heading.start()] + "\n" + source[end:], source[heading.start() : end]
    return source, ""


def unsupported_numbers(nb, allowed: set[str] = frozenset()) -> list[Claim]:
    """Numbers in the notebook's Markdown that no output or code source shows.

    ``nb`` is a notebook node (nbformat 4); ``allowed`` the numbers, as written,
    that the notebook may state without showing them. Returns one :class:`Claim`
    per unsupported occurrence, in cell order.
    """
    shown = shown_values(nb)
    parts = {}
    in_questions = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        source = _joined(cell.source)
        if in_questions and not _HEADING.search(source):
            parts[index] = ("", source)
            continue
        parts[index] = _split_givens(nb, index, source)
        questions = QUESTIONS_HEADING.search(source)
        in_questions = bool(questions and not _HEADING.search(source, questions.end())) or (
            in_questions and not _HEADING.search(source)
        )
    for _, given in parts.values():
        for match in NUMBER.finditer(_prose(given)):
            parsed = _value(match.group())
            if parsed is not None:
                shown.append(parsed[0] / 100 if parsed[1] else parsed[0])
    claims = []
    for index, (stated, _) in parts.items():
        prose = _prose(stated)
        for match in NUMBER.finditer(prose):
            text = match.group()
            if _exempt(text) or text.replace("−", "-") in allowed or text in allowed:
                continue
            if not _supported(text, shown):
                start = max(0, match.start() - 40)
                context = " ".join(prose[start : match.end() + 40].split())
                claims.append(Claim(index, text, context))
    return claims


def read_allowed(path: Path) -> dict[str, dict[str, str]]:
    """The allow-list: ``{notebook file name: {number as written: reason}}`` from a TOML file.

    Raises ``ValueError`` when an entry has no reason.
    """
    import tomllib

    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    for name, entries in table.items():
        for number, reason in entries.items():
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(f"{path.name}: [{name!r}] {number!r} needs a reason (a constant, a year, a cited figure)")
    return table
