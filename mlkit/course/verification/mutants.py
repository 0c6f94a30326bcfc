"""Mutants of a solution: the same code with one small, plausible mistake.

Each operator makes the kind of slip a learner makes: an operator swapped (``+`` for ``-``,
``<`` for ``<=``), a constant changed (``axis=0`` for ``axis=1``, ``k + 1``), a keyword
argument dropped (``stratify=``, ``random_state=``, ``ddof=``), a term dropped from a sum, two
arguments swapped, a statistic swapped (``mean`` for ``median``), a call such as ``fit``
dropped, or the training split used where the test split belongs (and the reverse).

:func:`mutants` applies one operator at one place of a solution region at a time and returns
the region's code with that change, so the exercise can be run again with it.
"""

from __future__ import annotations

import ast
import copy
import textwrap
from dataclasses import dataclass
from typing import Callable, Iterator

_SWAP_BINOP = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.Pow: ast.Mult, ast.MatMult: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv,
}
_SWAP_COMPARE = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_SWAP_NAMES = {
    "mean": "median", "median": "mean", "sum": "mean", "std": "var", "var": "std", "min": "max", "max": "min",
    "argmin": "argmax", "argmax": "argmin", "nanmean": "nanmedian", "nanmedian": "nanmean", "log": "log10",
    "sqrt": "abs", "transform": "fit_transform", "fit_transform": "transform", "predict": "predict_proba",
    "any": "all", "all": "any", "cumsum": "diff", "abs": "square", "dropna": "fillna", "head": "tail", "tail": "head",
}


@dataclass(frozen=True)
class Mutant:
    """One mutant: where and what changed, and the region's code with the change."""

    operator: str
    line: int  # 1-based, within the region
    description: str
    code: str


def mutants(region_code: str, indent: str = "", known_names: frozenset[str] = frozenset()) -> list[Mutant]:
    """Every single-change mutant of a solution region, in a deterministic order.

    ``known_names`` are the names defined before the region runs (so ``X_train`` is swapped for
    ``X_test`` only where ``X_test`` exists). A mutant whose code equals the original's is left out.
    """
    source = textwrap.dedent(region_code)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    names = known_names | assigned
    original = ast.unparse(tree)
    found: list[Mutant] = []
    seen = {original}
    for operator, place, change in _sites(tree, names):
        mutated = copy.deepcopy(tree)
        target = _node_at(mutated, place)
        description = change(target, mutated) if getattr(change, "needs_tree", False) else change(target)
        if description is None:
            continue
        try:
            code = ast.unparse(ast.fix_missing_locations(mutated))
            _compiles(code)
        except (SyntaxError, ValueError, TypeError, AttributeError):
            continue
        if code in seen:
            continue
        seen.add(code)
        line = getattr(_node_at(tree, place), "lineno", 1)
        found.append(Mutant(operator, line, description, textwrap.indent(code, indent) + "\n"))
    return found


def _compiles(code: str) -> None:
    """Raise SyntaxError unless ``code`` compiles, as a module or as a function body (a region
    inside a function may hold ``return``)."""
    try:
        compile(code, "<mutant>", "exec")
    except SyntaxError:
        compile("def _region():\n" + textwrap.indent(code, "    ") + "\n", "<mutant>", "exec")


def _node_at(tree: ast.AST, place: int) -> ast.AST:
    for index, node in enumerate(ast.walk(tree)):
        if index == place:
            return node
    raise IndexError(place)


Change = Callable[[ast.AST], "str | None"]


def _sites(tree: ast.AST, names: frozenset[str]) -> Iterator[tuple[str, int, Change]]:
    for place, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BINOP:
            yield "swap operator", place, _swap_binop
            yield "drop right term", place, _drop_term("right")
            yield "drop left term", place, _drop_term("left")
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _SWAP_COMPARE:
            yield "swap comparison", place, _swap_compare
        elif isinstance(node, ast.BoolOp):
            yield "swap and/or", place, _swap_boolop
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            yield "drop unary operator", place, _drop_unary
        elif isinstance(node, ast.Constant) and _is_number(node.value):
            yield "constant + 1", place, _shift_constant(+1)
            yield "constant - 1", place, _shift_constant(-1)
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield "negate boolean", place, _negate_bool
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_choice(node.value):
            for letter in CHOICE_LETTERS.replace(node.value, ""):
                yield f"choose {letter}", place, _choose(letter)
        elif isinstance(node, ast.Call):
            for index, keyword in enumerate(node.keywords):
                if keyword.arg is not None:
                    yield f"drop keyword {keyword.arg}=", place, _drop_keyword(index)
            if len(node.args) >= 2:
                yield "swap arguments", place, _swap_arguments
        elif isinstance(node, ast.Attribute) and node.attr in _SWAP_NAMES:
            yield "swap method", place, _swap_attribute
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in _SWAP_NAMES and node.id in names:
                yield "swap function", place, _swap_name({node.id: _SWAP_NAMES[node.id]})
            for a, b in (("train", "test"), ("test", "train")):
                if a in node.id and node.id.replace(a, b) in names:
                    yield f"use {b} for {a}", place, _swap_name({node.id: node.id.replace(a, b)})
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield "drop call", place, _drop_statement
        elif isinstance(node, ast.Slice):
            yield "slice lower + 1", place, _shift_slice("lower")
            yield "slice upper - 1", place, _shift_slice("upper")


CHOICE_LETTERS = "ABCDE"


def _is_choice(value: str) -> bool:
    """A multiple-choice answer: one capital letter."""
    return len(value) == 1 and value in CHOICE_LETTERS


def _choose(letter: str) -> Change:
    def change(node: ast.Constant) -> str:
        old, node.value = node.value, letter
        return f"answer {old!r} -> {letter!r}"

    return change


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _swap_binop(node: ast.BinOp) -> str:
    old = type(node.op)
    node.op = _SWAP_BINOP[old]()
    return f"{old.__name__} -> {type(node.op).__name__}"


def _drop_term(side: str) -> Change:
    def change(node: ast.BinOp, tree: ast.AST) -> str:
        _replace(tree, node, node.left if side == "right" else node.right)
        return f"dropped the {side} term"

    change.needs_tree = True
    return change


def _swap_compare(node: ast.Compare) -> str:
    old = type(node.ops[0])
    node.ops = [_SWAP_COMPARE[old]()]
    return f"{old.__name__} -> {type(node.ops[0]).__name__}"


def _swap_boolop(node: ast.BoolOp) -> str:
    node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    return "and <-> or"


def _drop_unary(node: ast.UnaryOp, tree: ast.AST) -> str:
    _replace(tree, node, node.operand)
    return f"dropped {'-' if isinstance(node.op, ast.USub) else 'not'}"


_drop_unary.needs_tree = True


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    """Put ``new`` where ``old`` stands in ``tree``."""
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                value[[i for i, item in enumerate(value) if item is old][0]] = new
                return


def _shift_constant(step: int) -> Change:
    def change(node: ast.Constant) -> str | None:
        old = node.value
        if isinstance(old, float) and old not in (0.0, 1.0):
            node.value = old * (1.5 if step > 0 else 0.5)
        else:
            node.value = old + step
        return f"{old!r} -> {node.value!r}"

    return change


def _negate_bool(node: ast.Constant) -> str:
    node.value = not node.value
    return f"{not node.value!r} -> {node.value!r}"


def _drop_keyword(index: int) -> Change:
    def change(node: ast.Call) -> str:
        dropped = node.keywords.pop(index)
        return f"dropped {dropped.arg}="

    return change


def _swap_arguments(node: ast.Call) -> str:
    node.args[0], node.args[1] = node.args[1], node.args[0]
    return "swapped the first two arguments"


def _swap_attribute(node: ast.Attribute) -> str:
    old = node.attr
    node.attr = _SWAP_NAMES[old]
    return f".{old} -> .{node.attr}"


def _swap_name(mapping: dict[str, str]) -> Change:
    def change(node: ast.Name) -> str:
        old = node.id
        node.id = mapping[old]
        return f"{old} -> {node.id}"

    return change


def _drop_statement(node: ast.Expr) -> str:
    node.value = ast.Constant(None)
    return "dropped a call statement"


def _shift_slice(bound: str) -> Change:
    def change(node: ast.Slice) -> str | None:
        value = getattr(node, bound)
        step = 1 if bound == "lower" else -1
        if value is None:
            setattr(node, bound, ast.Constant(step))
        else:
            setattr(node, bound, ast.BinOp(value, ast.Add(), ast.Constant(step)))
        return f"slice {bound} bound {'+' if step > 0 else '-'} 1"

    return change
