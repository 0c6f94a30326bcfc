"""Stubs: what a learner sees in place of a solution region.

A stub has two jobs. It tells the learner what to write (a ``# YOUR CODE HERE``
comment naming the things to define, and the names themselves), and it keeps the
notebook runnable top to bottom, so the test suite can execute an untouched
exercise notebook and every check can answer "not attempted" instead of the
learner meeting a ``NameError`` three cells later.

Why each rule (see :func:`stub_statements`):

- ``x = <expr>`` becomes ``x = ...``: the name exists, so later cells run, and
  ``Ellipsis`` is the sentinel checks read as "not attempted";
- ``return <expr>`` becomes ``return ...`` for the same reason;
- a function keeps its signature and docstring (the specification the learner
  works to) and raises ``NotImplementedError``, which checks read as "not attempted";
- a class keeps its name, bases, docstring and stubbed methods;
- an ``import`` stays: knowing what to import is not the exercise, and later
  cells may need it;
- anything else (calls, loops, prints) is dropped: it would reveal the answer
  or fail on the placeholders; names a dropped block assigns (``if``, ``for``,
  ``with``, ``try`` bodies) still get ``name = ...`` so later cells run.
"""

from __future__ import annotations

import ast
import textwrap

from mlkit.errors import InputError

TODO = "# YOUR CODE HERE"
PLACEHOLDER = "...  # your code here"
NOT_IMPLEMENTED = 'raise NotImplementedError("write this function")'


class StubError(InputError):
    """A solution region whose code cannot be turned into a stub."""


def stub_region(code: str, indent: str, where: str) -> str:
    """The stub replacing one solution region (lines ending in newlines).

    ``code`` is the region as written, ``indent`` the indentation of its BEGIN
    marker, which the stub keeps so a region inside a function body stays inside
    it. The region is dedented before parsing because ``ast`` only parses code that
    starts at column 0.
    """
    source = textwrap.dedent(code)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise StubError(
            f"{where}: the solution region does not parse as Python "
            f"({error.msg}, line {error.lineno} of the region); fix the solution"
        ) from None
    lines = source.splitlines()
    body, names = stub_statements(tree.body, lines)
    header = f"{TODO}: define {', '.join(dict.fromkeys(names))}" if names else TODO
    if not body:
        body = ["pass"]
    return "".join(f"{indent}{line}\n" if line else "\n" for line in [header, *body])


def stub_statements(statements: list[ast.stmt], lines: list[str]) -> tuple[list[str], list[str]]:
    """Stub lines (indented relative to the statements' own column) and the names they define."""
    out: list[str] = []
    names: list[str] = []
    for node in statements:
        new, defined = _stub_one(node, lines)
        if out and new and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append("")  # a blank line between definitions, as the author would write it
        for line in new:
            if line not in out or not line.endswith(PLACEHOLDER):  # one `x = ...` per name
                out.append(line)
        names += defined
    return out, names


def _stub_one(node: ast.stmt, lines: list[str]) -> tuple[list[str], list[str]]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [ast.unparse(node)], []
    if isinstance(node, ast.Assign):
        return _assignment(node.targets), _bound_names(node.targets)
    if isinstance(node, ast.AnnAssign):
        target = ast.unparse(node.target)
        if node.value is None:
            return [f"{target}: {ast.unparse(node.annotation)}"], []
        return [f"{target}: {ast.unparse(node.annotation)} = {PLACEHOLDER}"], [target]
    if isinstance(node, ast.Return):
        return ["return ..."], []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _definition(node, lines, [NOT_IMPLEMENTED]), [node.name]
    if isinstance(node, ast.ClassDef):
        inner, _ = stub_statements(_without_docstring(node.body), lines)
        return _definition(node, lines, inner), [node.name]
    # A compound statement (if, for, with, try...) would reveal the answer, but the
    # names it assigns must still exist, or a later cell fails with a NameError.
    inner_names = list(dict.fromkeys(_names_assigned_within(node)))
    return [f"{name} = {PLACEHOLDER}" for name in inner_names], inner_names


def _names_assigned_within(node: ast.AST) -> list[str]:
    """Plain names given a value by ``=`` anywhere in ``node``, outside nested definitions.

    Loop variables and ``with ... as`` targets are left out: they are the
    solution's working variables, not results a check or a later cell reads.
    """
    names: list[str] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(child, ast.Assign):
            names += [n for n in _bound_names(child.targets) if n.isidentifier()]
        elif isinstance(child, ast.AnnAssign) and child.value is not None and isinstance(child.target, ast.Name):
            names.append(child.target.id)
        elif isinstance(child, ast.stmt):
            names += _names_assigned_within(child)
    return names


def _assignment(targets: list[ast.expr]) -> list[str]:
    """``a = b = ...``; a tuple target gets one ``...`` per element so unpacking works."""
    if len(targets) == 1 and isinstance(targets[0], (ast.Tuple, ast.List)):
        elements = targets[0].elts
        if all(not isinstance(e, (ast.Starred, ast.Tuple, ast.List)) for e in elements):
            left = ", ".join(ast.unparse(e) for e in elements)
            right = ", ".join("..." for _ in elements)
            return [f"{left} = {right}  # your code here"]
        return [f"{name} = {PLACEHOLDER}" for name in _bound_names(targets)]
    left = " = ".join(ast.unparse(t) for t in targets)
    return [f"{left} = {PLACEHOLDER}"]


def _bound_names(targets: list[ast.expr]) -> list[str]:
    names: list[str] = []
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            names += _bound_names(list(target.elts))
        elif isinstance(target, ast.Starred):
            names += _bound_names([target.value])
        else:
            names.append(ast.unparse(target))
    return names


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    return body[1:] if _docstring(body) is not None else body


def _docstring(body: list[ast.stmt]) -> ast.stmt | None:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _definition(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[str], inner: list[str]) -> list[str]:
    """A ``def``/``class`` with its header and docstring as the author wrote them, and ``inner`` as body.

    The header is copied from the source (not re-generated with ``ast.unparse``) so
    the signature the learner reads keeps the author's formatting, quotes and
    comments. Comment lines between the header and the body are dropped: they
    usually explain the solution.
    """
    first_body = node.body[0]
    docstring = _docstring(node.body)
    if first_body.lineno == node.lineno:
        # A one-line `def f(x): return x`: its only line also holds the body, so the
        # header and docstring are regenerated instead of copied.
        out = _unparsed_header(node)
        if docstring is not None:
            out.append("    " + ast.unparse(docstring))
        body_indent = "    "
    else:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        base = _indent_of(lines[node.lineno - 1])
        header = lines[start - 1 : first_body.lineno - 1]
        while header and (not header[-1].strip() or header[-1].strip().startswith("#")):
            header.pop()
        out = [_strip(line, base) for line in header]
        if docstring is not None:
            out += [_strip(line, base) for line in lines[docstring.lineno - 1 : docstring.end_lineno]]
        body_indent = " " * (first_body.col_offset - len(base))
    if docstring is None and not inner:
        inner = ["pass"]
    return out + [f"{body_indent}{line}" if line else "" for line in inner]


def _unparsed_header(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[str]:
    """The decorators and ``def``/``class`` line of a definition, regenerated by ``ast``."""
    bare = type(node)(**{**node.__dict__, "body": [ast.Pass()]})
    text = ast.unparse(ast.fix_missing_locations(bare))
    return text.splitlines()[:-1]


def _strip(line: str, base: str) -> str:
    return line[len(base):] if line.startswith(base) else line


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]
