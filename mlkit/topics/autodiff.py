"""Automatic differentiation written out: forward mode with dual numbers, reverse mode with a tape.

Both modes apply the chain rule mechanically to an expression built from a few elementary
operations (``+ - * / **`` and :func:`exp`, :func:`log`, :func:`sin`, :func:`cos`,
:func:`tanh`, :func:`sigmoid`). They differ only in the order in which the local derivatives
are multiplied:

- **forward mode** carries a value and its derivative along one input direction through
  every operation (:class:`Dual`); one pass gives one directional derivative, so a gradient
  of ``n`` inputs takes ``n`` passes (:func:`forward_gradient`);
- **reverse mode** records every operation on a :class:`Tape` while computing the value,
  then walks the tape backwards, accumulating the derivative of the one output with respect
  to every intermediate result; one backward pass gives the whole gradient
  (:func:`reverse_gradient`).

No framework is used: the point is to see the mechanism. Values are Python floats.

Examples
--------
>>> def f(x, y):
...     return x * y + sin(x)
>>> d = f(Dual(2.0, 1.0), Dual(3.0, 0.0))  # seed the direction of x
>>> round(d.value, 6), round(d.derivative, 6)
(6.909297, 2.583853)
>>> [round(g, 6) for g in reverse_gradient(f, [2.0, 3.0])]
[2.583853, 2.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from mlkit.errors import InputError

# --- forward mode ----------------------------------------------------------------


@dataclass(frozen=True)
class Dual:
    """A dual number ``value + derivative·ε`` with ``ε² = 0``: a value and its derivative along one direction.

    Arithmetic on dual numbers follows the derivative rules, so evaluating a function on
    ``Dual(x, 1.0)`` returns ``f(x)`` and ``f'(x)`` together. Plain numbers mix in as
    constants (derivative 0).
    """

    value: float
    derivative: float = 0.0

    def __add__(self, other):
        other = _dual(other)
        return Dual(self.value + other.value, self.derivative + other.derivative)

    __radd__ = __add__

    def __sub__(self, other):
        other = _dual(other)
        return Dual(self.value - other.value, self.derivative - other.derivative)

    def __rsub__(self, other):
        return _dual(other) - self

    def __neg__(self):
        return Dual(-self.value, -self.derivative)

    def __mul__(self, other):
        other = _dual(other)  # product rule
        return Dual(self.value * other.value, self.derivative * other.value + self.value * other.derivative)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _dual(other)  # quotient rule
        return Dual(
            self.value / other.value,
            (self.derivative * other.value - self.value * other.derivative) / other.value**2,
        )

    def __rtruediv__(self, other):
        return _dual(other) / self

    def __pow__(self, power):
        if isinstance(power, (Dual, Var)):
            raise InputError(f"power: only a constant exponent is supported, got a {type(power).__name__}")
        return Dual(self.value**power, power * self.value ** (power - 1) * self.derivative)  # power rule


def _dual(x) -> Dual:
    return x if isinstance(x, Dual) else Dual(float(x), 0.0)


def forward_derivative(f: Callable[[Dual], Dual], x: float) -> tuple[float, float]:
    """``(f(x), f'(x))`` for a function of one number, from one forward pass with ``Dual(x, 1)``.

    ``f`` must be written with the operations this module supports. Raises
    :class:`~mlkit.errors.InputError` when ``f`` does not return a dual number (it used an
    operation outside this module, such as ``math.exp``).
    """
    result = f(Dual(float(x), 1.0))
    if not isinstance(result, Dual):
        raise InputError(
            f"f returned a {type(result).__name__}, not a Dual: write f with this module's exp, log, sin, cos, tanh"
        )
    return result.value, result.derivative


def forward_gradient(f: Callable[..., Dual], point: Sequence[float]) -> list[float]:
    """Gradient of ``f(*point)`` by forward mode: one pass per input, each seeding one direction.

    ``point`` holds the ``n`` inputs; returns ``n`` partial derivatives. The cost grows with
    the number of inputs, which is why neural networks use reverse mode instead.
    """
    values = [float(v) for v in point]
    gradient = []
    for i in range(len(values)):
        seeded = [Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(values)]
        result = f(*seeded)
        gradient.append(_dual(result).derivative)
    return gradient


# --- reverse mode -----------------------------------------------------------------


@dataclass
class Tape:
    """The record of a computation: every intermediate result, with its inputs and local derivatives.

    Create the inputs with :meth:`variable`, compute with them as with numbers, then call
    :meth:`gradient` on the output.
    """

    nodes: list = field(default_factory=list)

    def variable(self, value: float) -> "Var":
        """A new input of the computation, recorded on this tape."""
        return self._record(float(value), ())

    def _record(self, value: float, parents: tuple) -> "Var":
        var = Var(value, self, len(self.nodes))
        self.nodes.append(parents)  # ((index of an input, local derivative), ...)
        return var

    def gradient(self, output: "Var", inputs: Sequence["Var"]) -> list[float]:
        """Derivatives of ``output`` with respect to each of ``inputs``, from one backward pass.

        Walks the tape from the last operation to the first; each node passes its
        accumulated derivative (its *adjoint*) to its inputs, multiplied by the local
        derivative: the chain rule, summed over every path. Raises
        :class:`~mlkit.errors.InputError` when ``output`` was not computed on this tape.
        """
        if not isinstance(output, Var) or output.tape is not self:
            raise InputError(f"output: expected a Var computed on this tape, got a {type(output).__name__}")
        adjoints = [0.0] * len(self.nodes)
        adjoints[output.index] = 1.0
        for index in range(output.index, -1, -1):
            for parent, local in self.nodes[index]:
                adjoints[parent] += adjoints[index] * local
        return [adjoints[var.index] for var in inputs]


@dataclass(frozen=True, eq=False)
class Var:
    """A number computed on a :class:`Tape`; arithmetic on it records each operation."""

    value: float
    tape: Tape
    index: int

    def _new(self, value: float, *parents: tuple) -> "Var":
        return self.tape._record(value, parents)

    def _lift(self, other) -> "Var | None":
        return other if isinstance(other, Var) else None

    def __add__(self, other):
        if (o := self._lift(other)) is not None:
            return self._new(self.value + o.value, (self.index, 1.0), (o.index, 1.0))
        return self._new(self.value + float(other), (self.index, 1.0))

    __radd__ = __add__

    def __sub__(self, other):
        if (o := self._lift(other)) is not None:
            return self._new(self.value - o.value, (self.index, 1.0), (o.index, -1.0))
        return self._new(self.value - float(other), (self.index, 1.0))

    def __rsub__(self, other):
        return self._new(float(other) - self.value, (self.index, -1.0))

    def __neg__(self):
        return self._new(-self.value, (self.index, -1.0))

    def __mul__(self, other):
        if (o := self._lift(other)) is not None:
            return self._new(self.value * o.value, (self.index, o.value), (o.index, self.value))
        return self._new(self.value * float(other), (self.index, float(other)))

    __rmul__ = __mul__

    def __truediv__(self, other):
        if (o := self._lift(other)) is not None:
            return self._new(self.value / o.value, (self.index, 1.0 / o.value), (o.index, -self.value / o.value**2))
        return self._new(self.value / float(other), (self.index, 1.0 / float(other)))

    def __rtruediv__(self, other):
        return self._new(float(other) / self.value, (self.index, -float(other) / self.value**2))

    def __pow__(self, power):
        if isinstance(power, (Dual, Var)):
            raise InputError(f"power: only a constant exponent is supported, got a {type(power).__name__}")
        return self._new(self.value**power, (self.index, power * self.value ** (power - 1)))


def reverse_gradient(f: Callable[..., Var], point: Sequence[float]) -> list[float]:
    """Gradient of ``f(*point)`` by reverse mode: one forward pass recording a tape, one backward pass.

    ``point`` holds the ``n`` inputs; returns ``n`` partial derivatives, whatever ``n`` is.
    Raises :class:`~mlkit.errors.InputError` when ``f`` does not return a number computed
    from its inputs on the tape.
    """
    tape = Tape()
    inputs = [tape.variable(v) for v in point]
    return tape.gradient(f(*inputs), inputs)


def tape_length(f: Callable[..., Var], point: Sequence[float]) -> int:
    """How many values (inputs and intermediate results) computing ``f(*point)`` records on a tape."""
    tape = Tape()
    f(*[tape.variable(v) for v in point])
    return len(tape.nodes)


# --- elementary functions: numbers, dual numbers and tape variables ---------------------


def _elementary(name: str, value: Callable[[float], float], slope: Callable[[float], float]):
    """A function that works on floats, :class:`Dual` and :class:`Var`, knowing its own derivative."""

    def function(x):
        if isinstance(x, Dual):
            return Dual(value(x.value), slope(x.value) * x.derivative)  # chain rule
        if isinstance(x, Var):
            return x._new(value(x.value), (x.index, slope(x.value)))
        return value(float(x))

    function.__name__ = name
    function.__doc__ = f"{name}(x) for a number, a Dual or a tape Var (its derivative is built in)."
    return function


exp = _elementary("exp", math.exp, math.exp)
log = _elementary("log", math.log, lambda a: 1.0 / a)
sin = _elementary("sin", math.sin, math.cos)
cos = _elementary("cos", math.cos, lambda a: -math.sin(a))
tanh = _elementary("tanh", math.tanh, lambda a: 1.0 - math.tanh(a) ** 2)
sigmoid = _elementary("sigmoid", lambda a: 0.5 * (1.0 + math.tanh(a / 2)), lambda a: 0.25 / math.cosh(a / 2) ** 2)


# --- the reference autodiff is checked against: finite differences ----------------------


def numerical_jacobian(F: Callable, x, h: float = 1e-6):
    """Jacobian of a vector function by central differences: entry ``(i, j)`` is ∂F_i/∂x_j.

    ``F`` maps a 1-D array of ``n`` numbers to ``m`` numbers (or one number, giving a
    ``(1, n)`` row); returns an ``(m, n)`` array: one row per output, one column per input.
    Raises :class:`~mlkit.errors.InputError` for a step ``h`` that is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(numerical_jacobian(lambda v: np.array([v[0] * v[1], v[0] + 2 * v[1]]), [3.0, 4.0]), 6).tolist()
    [[4.0, 3.0], [1.0, 2.0]]
    """
    import numpy as np

    if not h > 0:
        raise InputError(f"h: expected a positive step, got {h!r}")
    x = np.asarray(x, dtype=float)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step.flat[j] = h
        columns.append((np.atleast_1d(F(x + step)) - np.atleast_1d(F(x - step))) / (2 * h))
    return np.column_stack(columns)


def numerical_hessian(gradient: Callable, x, h: float = 1e-5):
    """Hessian of a scalar function from its gradient: the Jacobian of the gradient, symmetrised.

    ``gradient`` maps a 1-D array of ``n`` numbers to the ``n`` partial derivatives; returns
    the ``(n, n)`` matrix of second derivatives, averaged with its transpose to remove the
    small asymmetry that finite differences leave.
    """
    H = numerical_jacobian(gradient, x, h)
    return (H + H.T) / 2
