"""Forward and reverse automatic differentiation agree with calculus and with finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlkit.errors import InputError
from mlkit.topics import autodiff as ad


def expression(x, y, z):
    """Every operation the module supports, so that each rule is exercised."""
    return ad.exp(x * y) / (1 + z**2) - ad.log(x + 3) * ad.sin(y) + ad.cos(z) * ad.tanh(x) + 2 / y - ad.sigmoid(z - x)


def analytic(x, y, z):
    s = 1 / (1 + math.exp(-(z - x)))
    return [
        y * math.exp(x * y) / (1 + z**2) - math.sin(y) / (x + 3) + math.cos(z) * (1 - math.tanh(x) ** 2) + s * (1 - s),
        x * math.exp(x * y) / (1 + z**2) - math.log(x + 3) * math.cos(y) - 2 / y**2,
        -2 * z * math.exp(x * y) / (1 + z**2) ** 2 - math.sin(z) * math.tanh(x) - s * (1 - s),
    ]


POINTS = [(0.3, 1.2, -0.7), (-1.5, 0.4, 2.0), (2.0, -0.9, 0.1)]


@pytest.mark.parametrize("point", POINTS)
def test_forward_and_reverse_modes_give_the_analytic_gradient(point):
    expected = analytic(*point)
    assert np.allclose(ad.forward_gradient(expression, point), expected, rtol=1e-12, atol=1e-12)
    assert np.allclose(ad.reverse_gradient(expression, point), expected, rtol=1e-12, atol=1e-12)


def test_both_modes_match_central_differences():
    point = np.array(POINTS[0])
    numeric = ad.numerical_jacobian(lambda v: expression(*v), point)[0]
    assert np.allclose(ad.reverse_gradient(expression, point), numeric, rtol=1e-7)
    assert not np.allclose(ad.reverse_gradient(expression, point)[::-1], numeric, rtol=1e-3)


def test_a_dual_number_carries_the_value_and_the_derivative_of_a_composition():
    value, slope = ad.forward_derivative(lambda x: ad.sin(x**2), 1.3)
    assert math.isclose(value, math.sin(1.69)) and math.isclose(slope, 2 * 1.3 * math.cos(1.69))


def test_the_elementary_functions_still_work_on_plain_numbers():
    assert ad.exp(1.0) == math.e and ad.log(math.e) == 1.0
    assert math.isclose(ad.sigmoid(0.0), 0.5) and math.isclose(ad.sigmoid(2.0), 1 / (1 + math.exp(-2.0)))


def test_a_variable_used_twice_collects_both_contributions():
    assert ad.reverse_gradient(lambda x: x * x + x, [3.0]) == [7.0]


def test_forward_mode_takes_one_pass_per_input_and_reverse_mode_one_tape():
    calls = []

    def f(*xs):
        calls.append(1)
        total = 0
        for x in xs:
            total = total + x * x
        return total

    point = [float(i) for i in range(6)]
    assert ad.forward_gradient(f, point) == [2 * p for p in point]
    assert len(calls) == 6
    calls.clear()
    assert ad.reverse_gradient(f, point) == [2 * p for p in point]
    assert len(calls) == 1
    assert ad.tape_length(f, point) == 6 + 6 + 6  # inputs, squares, running sums


def test_the_numerical_hessian_of_a_quadratic_is_its_matrix():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    H = ad.numerical_hessian(lambda w: (A + A.T) @ w, np.array([0.5, -1.0]))
    assert np.allclose(H, A + A.T, atol=1e-8)


def test_bad_inputs_get_a_one_line_error():
    with pytest.raises(InputError, match="not a Dual"):
        ad.forward_derivative(lambda x: math.exp(1.0), 1.0)
    with pytest.raises(InputError, match="computed on this tape"):
        ad.reverse_gradient(lambda x: 3.0, [1.0])
    with pytest.raises(InputError, match="constant exponent"):
        ad.Dual(2.0, 1.0) ** ad.Dual(2.0, 0.0)
    with pytest.raises(InputError, match="positive step"):
        ad.numerical_jacobian(lambda v: v, [1.0], h=0.0)
